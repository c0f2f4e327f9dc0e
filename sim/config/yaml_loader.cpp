#include "sim/config/yaml_loader.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "sim/core/error.hpp"

namespace tiersim::config {
namespace {

namespace fs = std::filesystem;

Origin origin_of(const YAML::Mark& mark, const std::string& source) {
  // yaml-cpp marks are 0-based; users count from 1.
  return Origin{source, mark.line + 1, mark.column + 1};
}

Node convert(const YAML::Node& y, const std::string& source);

InputError duplicate_key(const Node& map, const std::string& key, const Origin& at) {
  std::string first_at;
  for (const auto& e : map.entries()) {
    if (e.key == key) first_at = e.key_origin.describe();
  }
  return InputError(at.describe() + ": key '" + key + "' appears twice in the same mapping (first at " + first_at +
                    ")");
}

Node convert_map(const YAML::Node& y, const std::string& source, const Origin& here) {
  Node out = Node::map(here);
  for (const auto& kv : y) {
    const Origin key_origin = origin_of(kv.first.Mark(), source);
    if (!kv.first.IsScalar()) {
      throw InputError(key_origin.describe() + ": keys must be plain names, not " +
                       (kv.first.IsMap()        ? "mappings"
                        : kv.first.IsSequence() ? "lists"
                                                : "empty (null)"));
    }
    const std::string key = kv.first.Scalar();
    if (out.find(key) != nullptr) throw duplicate_key(out, key, key_origin);
    out.set(key, convert(kv.second, source), key_origin);
  }
  return out;
}

Node convert(const YAML::Node& y, const std::string& source) {
  const Origin here = origin_of(y.Mark(), source);
  switch (y.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return Node::null(here);
    case YAML::NodeType::Scalar:
      // yaml-cpp tags plain scalars "?" and quoted ones "!".
      return Node::scalar(y.Scalar(), here, y.Tag() == "!");
    case YAML::NodeType::Sequence: {
      Node out = Node::seq(here);
      for (const auto& item : y) out.push_back(convert(item, source));
      return out;
    }
    case YAML::NodeType::Map: return convert_map(y, source, here);
  }
  return Node::null(here);
}

/// Walks the parse events before the tree is built: aliases (`*name`) are refused (an alias
/// of an enclosing node makes a cyclic tree, and nested aliases expand exponentially: "a
/// billion laughs"), and so is a second document, which YAML::Load would silently ignore.
class AliasCheck : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1) {
      throw YAML::ParserException(mark, "a second YAML document ('---') is not supported; use one document per file");
    }
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    throw YAML::ParserException(mark, "aliases (*name) are not supported; write the value out");
  }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

 private:
  int documents_ = 0;
};

/// Length of the UTF-8 sequence at `s[i]` (1-4), or 0 if it is not valid UTF-8 (a stray
/// continuation byte, an overlong form, a surrogate, a code point above U+10FFFF, a
/// truncated sequence).
std::size_t utf8_length(const std::string& s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
  const unsigned b0 = byte(i);
  if (b0 < 0x80) return 1;
  const std::size_t n = b0 >= 0xc2 && b0 <= 0xdf ? 2 : b0 >= 0xe0 && b0 <= 0xef ? 3 : b0 >= 0xf0 && b0 <= 0xf4 ? 4 : 0;
  if (n == 0) return 0;
  // The second byte's range excludes overlong forms, surrogates and code points > U+10FFFF.
  const unsigned lo = b0 == 0xe0 ? 0xa0 : b0 == 0xf0 ? 0x90 : 0x80;
  const unsigned hi = b0 == 0xed ? 0x9f : b0 == 0xf4 ? 0x8f : 0xbf;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return 0;
  }
  return n;
}

/// Configs are UTF-8 text (YAML's encoding, and what the result file's attributes must hold
/// for netCDF readers): the first byte that is not is refused at its line:column.
void check_utf8(const std::string& text, const std::string& source_name) {
  int line = 1;
  int column = 1;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_length(text, i);
    if (n == 0) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned char>(text[i]));
      throw InputError(Origin{source_name, line, column}.describe() + ": not UTF-8 text (byte " + hex +
                       "); save the file as UTF-8");
    }
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += n;
  }
}

void check_events(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  AliasCheck check;
  while (parser.HandleNextDocument(check)) {
  }
}

/// Why `path` names no file: "file not found", or the system's reason (a symlink loop:
/// "Too many levels of symbolic links"); "" if it exists.
std::string missing_reason(const fs::path& path) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) return "cannot be read: " + ec.message();
  return fs::exists(status) ? std::string() : std::string("file not found");
}

/// fs::weakly_canonical, or `path` itself if it cannot be resolved (the read then says why).
fs::path canonical_or_self(const fs::path& path) {
  std::error_code ec;
  fs::path out = fs::weakly_canonical(path, ec);
  return ec ? path : out;
}

std::string read_text(const fs::path& path) {
  std::error_code ec;
  if (const std::string why = missing_reason(path); !why.empty()) throw InputError(path.string() + ": " + why);
  if (fs::is_directory(path, ec)) {
    throw InputError(path.string() + ": is a directory, expected a YAML file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string() + ": cannot be read (permission denied?)");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Node load_with_bases(const fs::path& path, std::vector<fs::path>& chain, std::vector<fs::path>* files) {
  chain.push_back(canonical_or_self(path));
  Node doc = load_yaml_file(path);
  if (files != nullptr) files->push_back(path);
  if (!doc.is_map()) {
    throw InputError(doc.origin().describe() + ": a config file must be a mapping of keys, got " + doc.kind_name());
  }
  const Node* base = doc.find("base");
  if (base == nullptr) {
    chain.pop_back();
    return doc;
  }
  if (!base->is_scalar() || base->text().empty()) {
    throw InputError(base->origin().describe() + ": key 'base': expected a file path");
  }
  const fs::path base_path = path.parent_path() / base->text();
  std::error_code ec;
  if (const std::string why = missing_reason(base_path); !why.empty()) {
    throw InputError(base->origin().describe() + ": key 'base': " + why + ": " + base_path.string());
  }
  if (fs::is_directory(base_path, ec)) {
    throw InputError(base->origin().describe() +
                     ": key 'base': is a directory, expected a YAML file: " + base_path.string());
  }
  // A cycle is reported at the `base:` that closes it, with the whole chain.
  const fs::path base_canonical = canonical_or_self(base_path);
  if (std::find(chain.begin(), chain.end(), base_canonical) != chain.end()) {
    std::string cycle;
    for (const auto& c : chain) cycle += c.string() + " -> ";
    throw InputError(base->origin().describe() + ": key 'base': inheritance forms a cycle: " + cycle +
                     base_canonical.string());
  }
  Node merged = load_with_bases(base_path, chain, files);
  doc.erase("base");
  merge_into(merged, doc);
  chain.pop_back();
  return merged;
}

}  // namespace

Node parse_yaml(const std::string& text, const std::string& source_name) {
  check_utf8(text, source_name);
  YAML::Node root;
  try {
    check_events(text);
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(origin_of(e.mark, source_name).describe() + ": invalid YAML: " + e.msg);
  }
  try {
    return convert(root, source_name);
  } catch (const YAML::Exception& e) {
    throw InputError(origin_of(e.mark, source_name).describe() + ": invalid YAML: " + e.msg);
  }
}

Node load_yaml_file(const fs::path& path) {
  const std::string text = read_text(path);
  Node doc = parse_yaml(text, path.string());
  if (doc.is_null()) throw InputError(path.string() + ": file is empty");
  return doc;
}

Node load_config_file(const fs::path& path, std::vector<fs::path>* files) {
  std::vector<fs::path> chain;
  return load_with_bases(path, chain, files);
}

Override parse_override(const std::string& assignment) {
  const Origin cli{"<command line> --set " + assignment, 0, 0};
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw InputError(cli.describe() + ": expected KEY=VALUE, e.g. --set seed=7");
  }
  const std::string value_text = assignment.substr(eq + 1);
  Node value = parse_yaml(value_text.empty() ? "\"\"" : value_text, cli.file);
  value.relocate(cli);  // errors point at the command line, not "<line 1>"
  return Override{assignment.substr(0, eq), std::move(value), cli};
}

void apply_override(Node& root, const std::string& assignment) {
  Override o = parse_override(assignment);
  try {
    root.set_path(o.path, std::move(o.value), o.origin);
  } catch (const PathBlocked& e) {
    throw InputError(o.origin.describe() + ": key '" + e.key() + "' holds " + e.holds() + " (set at " +
                     e.holder_origin().describe() + "), cannot set '" + o.path + "'");
  }
}

}  // namespace tiersim::config
