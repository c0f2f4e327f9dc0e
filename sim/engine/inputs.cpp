#include "sim/engine/inputs.hpp"

#include <array>
#include <fstream>
#include <system_error>

#include "sim/core/error.hpp"
#include "sim/core/sha256.hpp"

namespace tiersim::engine {
namespace {

namespace fs = std::filesystem;

std::string absolute_text(const fs::path& path) {
  std::error_code ec;
  const fs::path abs = fs::absolute(path, ec);
  return (ec ? path : abs).lexically_normal().string();
}

void collect_data_files(const config::Node& node, const std::string& prefix, const config::Node* written,
                        const fs::path& config_dir, std::vector<std::pair<std::string, fs::path>>& out) {
  if (node.is_map()) {
    for (const auto& e : node.entries()) {
      collect_data_files(e.value, prefix.empty() ? e.key : prefix + "." + e.key, written, config_dir, out);
    }
    return;
  }
  if (!node.is_scalar() || node.text().empty()) return;
  const fs::path path = resolve_data_path(written, config_dir, prefix, node.text());
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) out.emplace_back(prefix, path);
}

constexpr const char* kSeparator = "  ";

/// Whether `a` and `b` name the same file (both existing), or the same path.
bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  if (fs::equivalent(a, b, ec)) return true;
  return absolute_text(fs::weakly_canonical(a, ec)) == absolute_text(fs::weakly_canonical(b, ec));
}

}  // namespace

std::vector<fs::path> input_files(const ResolvedConfig& cfg) {
  std::vector<fs::path> out = cfg.config_files;
  for (const auto& [key, path] : data_files(cfg)) out.push_back(path);
  return out;
}

void check_output_is_not_an_input(const fs::path& output, const std::vector<fs::path>& inputs) {
  for (const char* suffix : {"", ".partial", ".incomplete", ".incomplete.new", ".lock"}) {
    fs::path written = output;
    written += suffix;
    for (const fs::path& input : inputs) {
      if (!same_file(written, input)) continue;
      throw InputError("'" + output.string() + "': " +
                       (*suffix == '\0' ? std::string("is") : "'" + written.string() + "', written beside it, is") +
                       " an input of this command ('" + input.string() +
                       "'); refusing to write over it: choose another output path");
    }
  }
}

std::string file_sha256(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string() + ": cannot be read (an input file of this run)");
  Sha256 sha;
  std::array<char, 1 << 16> buffer{};
  while (in) {
    in.read(buffer.data(), buffer.size());
    sha.update(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  if (in.bad()) throw InputError(path.string() + ": cannot be read (an input file of this run)");
  return sha.hex_digest();
}

std::vector<std::pair<std::string, fs::path>> data_files(const ResolvedConfig& cfg) {
  std::vector<std::pair<std::string, fs::path>> out;
  collect_data_files(cfg.params, "", cfg.source.find("params"), cfg.config_dir, out);
  return out;
}

const std::string& InputManifest::add(const fs::path& file) {
  const std::string key = absolute_text(file);
  if (const auto it = files_.find(key); it != files_.end()) return it->second;
  return files_.emplace(key, file_sha256(file)).first->second;
}

std::vector<fs::path> InputManifest::paths() const {
  std::vector<fs::path> out;
  for (const auto& [path, sha] : files_) out.emplace_back(path);
  return out;
}

std::vector<std::string> InputManifest::lines() const {
  std::vector<std::string> out;
  for (const auto& [path, sha] : files_) out.push_back(sha + kSeparator + path);
  return out;
}

InputManifest InputManifest::parse(const std::vector<std::string>& lines) {
  InputManifest m;
  for (const std::string& line : lines) {
    const auto at = line.find(kSeparator);
    if (at == std::string::npos) continue;
    m.files_.emplace(line.substr(at + 2), line.substr(0, at));
  }
  return m;
}

std::string InputManifest::difference_from(const InputManifest& stored, const std::string& stored_what) const {
  if (stored.files_.empty()) return {};  // a file from before inputs were listed: nothing to compare
  std::vector<std::string> found;
  for (const auto& [path, sha] : stored.files_) {
    const auto it = files_.find(path);
    if (it == files_.end()) {
      found.push_back("input file '" + path + "' was read when " + stored_what + ", and is not read now");
    } else if (it->second != sha) {
      found.push_back("input file '" + path + "' changed since " + stored_what + " (content SHA-256 " +
                      sha.substr(0, 12) + "... then, " + it->second.substr(0, 12) + "... now)");
    }
  }
  for (const auto& [path, sha] : files_) {
    if (!stored.files_.contains(path)) found.push_back("input file '" + path + "' was not read when " + stored_what);
  }
  std::string out;
  for (const std::string& f : found) out += (out.empty() ? "" : "; ") + f;
  return out;
}

}  // namespace tiersim::engine
