// Which file a CONFIG or SWEEP argument names (a path, or a bare scenario or sweep name), and
// what to say when a run config is given to `sweep` or a sweep file to `run` (docs/cli.md).
#include <algorithm>
#include <string_view>
#include <system_error>

#include "sim/cli/commands.hpp"
#include "sim/config/suggest.hpp"
#include "sim/config/yaml_loader.hpp"
#include "sim/core/error.hpp"

#ifndef TIERSIM_SOURCE_DIR
#define TIERSIM_SOURCE_DIR ""
#endif

namespace tiersim::cli {
namespace {

namespace fs = std::filesystem;

/// Where named configs live: the current directory, then the source tree tiersim was built
/// from (so that `tiersim run diffusion_rule` works from anywhere on the machine that built it).
std::vector<fs::path> search_roots() {
  std::vector<fs::path> roots{fs::path(".")};
  const fs::path source(TIERSIM_SOURCE_DIR);
  std::error_code ec;
  if (!source.empty() && !fs::equivalent(source, ".", ec)) roots.push_back(source);
  return roots;
}

fs::path folder_of(ConfigKind kind) { return kind == ConfigKind::run ? "configs/scenarios" : "configs/sweeps"; }

/// A path rather than a name: it has a directory part or a YAML extension.
bool is_path(const std::string& arg) {
  const fs::path p(arg);
  return p.has_parent_path() || p.extension() == ".yaml" || p.extension() == ".yml";
}

/// The names (file stems) of the YAML files in `dir`, sorted.
std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".yaml") names.push_back(it->path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string command_of(ConfigKind kind) { return kind == ConfigKind::run ? "run" : "sweep"; }

/// The key by which a file's top level shows it is of kind `kind`, or "" (none of them).
std::string key_of_kind(const config::Node& root, ConfigKind kind) {
  const auto keys = kind == ConfigKind::sweep ? std::vector<std::string>{"design", "parameters", "pair_with"}
                                              : std::vector<std::string>{"model", "params", "calendar", "record"};
  for (const auto& key : keys) {
    if (root.find(key) != nullptr) return key;
  }
  return "";
}

}  // namespace

std::string find_config(const std::string& arg, ConfigKind kind) {
  std::error_code ec;
  if (is_path(arg) || fs::exists(arg, ec)) return arg;
  const fs::path file = folder_of(kind) / (arg + ".yaml");
  std::string looked;
  std::vector<std::string> names;
  for (const auto& root : search_roots()) {
    const fs::path candidate = root == "." ? file : root / file;
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
    looked += ", " + candidate.string();
    if (names.empty()) names = names_in(candidate.parent_path());
  }
  const std::string what = kind == ConfigKind::run ? "scenario" : "sweep";
  throw InputError(arg + ": no such file, and no " + what + " of that name (looked for " + arg + looked + ")" +
                   (names.empty() ? std::string() : config::Suggestion(arg, names).hint("available " + what + "s")));
}

void rethrow_for_kind(const InputError& e, const std::string& file, ConfigKind expected) {
  const ConfigKind other = expected == ConfigKind::run ? ConfigKind::sweep : ConfigKind::run;
  config::Node root;
  try {
    root = config::load_yaml_file(file);
  } catch (const InputError&) {
    throw e;  // not YAML, or not there: the error as it was
  }
  if (!root.is_map()) throw e;
  const std::string key = key_of_kind(root, other);
  if (key.empty() || !key_of_kind(root, expected).empty()) throw e;
  const std::string kind_name = other == ConfigKind::sweep ? "a sweep file" : "a run config, not a sweep file";
  const config::Node* value = root.find(key);
  const auto entry = std::find_if(root.entries().begin(), root.entries().end(),
                                  [&](const config::Node::Entry& x) { return &x.value == value; });
  throw InputError(entry->key_origin.describe() + ": key '" + key + "': this is " + kind_name + ": use `tiersim " +
                   command_of(other) + " " + file + "`");
}

std::int64_t seed_option(const std::string& text) {
  // The run config's range, said here: `--set seed=` would name the wrong option.
  if (text.size() > 16 || std::stod(text) > 9.0e15) {
    throw InputError("--seed " + text + ": out of range; must be an integer from 0 to 9000000000000000");
  }
  return std::stoll(text);
}

}  // namespace tiersim::cli
