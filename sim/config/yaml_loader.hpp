#pragma once
// Reading YAML into a config::Node, with `base:` inheritance and `--set` overrides.
#include <filesystem>
#include <string>
#include <vector>

#include "sim/config/node.hpp"

namespace tiersim::config {

/// Parse YAML text. `source_name` is used in error messages and origins.
/// Throws InputError on syntax errors, duplicate keys, anchors/aliases/tags we do not
/// support, or non-scalar keys.
Node parse_yaml(const std::string& text, const std::string& source_name);

/// Load a YAML file. Missing/unreadable files and an empty document are InputErrors.
Node load_yaml_file(const std::filesystem::path& path);

/// Load a config file and resolve its `base:` chain: `base: other.yaml` (a path relative
/// to the file that names it) is loaded first and the file is merged on top of it.
/// Cycles and missing bases are InputErrors naming the chain. With `files`, every file read
/// (the config, then its bases) is appended to it.
Node load_config_file(const std::filesystem::path& path, std::vector<std::filesystem::path>* files = nullptr);

/// One `--set a.b.c=value`, parsed: the dotted key, the value (parsed as for
/// apply_override) and "<command line> --set a.b.c=value" as the origin of both.
struct Override {
  std::string path;
  Node value;
  Origin origin;
};
/// InputError if there is no '=' or the value is not YAML.
Override parse_override(const std::string& assignment);

/// Apply one `--set a.b.c=value` override. The value is parsed as a YAML scalar or flow
/// collection ("[1, 2]"). Intermediate maps are created; an override that would descend
/// into a non-map is an InputError.
void apply_override(Node& root, const std::string& assignment);

}  // namespace tiersim::config
