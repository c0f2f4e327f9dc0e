#pragma once
// The files a run reads, identified by their content: its config file with its `base:`
// chain, and the data files its parameters name. A sweep's hash covers the data files' bytes
// (and the configs' meaning), and its file lists them all with their digests, so that
// --resume and merge refuse results computed from other inputs, naming the file.
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/engine/simulation.hpp"

namespace tiersim::engine {

/// SHA-256 (hex) of a file's bytes. InputError naming the file if it cannot be read.
std::string file_sha256(const std::filesystem::path& path);

/// The data files `cfg` names: every text parameter whose value, resolved as
/// ModelContext::data_file resolves it, is an existing regular file. (key, path) pairs, the
/// key dotted below `params:`, in the order of the parameters.
std::vector<std::pair<std::string, std::filesystem::path>> data_files(const ResolvedConfig& cfg);

/// The files `cfg` reads: its config file and bases (as loaded), then its data files.
std::vector<std::filesystem::path> input_files(const ResolvedConfig& cfg);

/// InputError unless `output`, and the files written beside it (`.partial`, `.incomplete`,
/// `.incomplete.new`, `.lock`), are none of `inputs`: an output never replaces an input.
void check_output_is_not_an_input(const std::filesystem::path& output,
                                  const std::vector<std::filesystem::path>& inputs);

/// Input files and the SHA-256 of their content, by absolute path. Stored in result files as
/// lines "SHA256  PATH" (root attribute `input_files`, docs/output-format.md).
class InputManifest {
 public:
  /// Hash `file` (once per path) and return the digest of its content.
  const std::string& add(const std::filesystem::path& file);
  /// The files, in path order.
  std::vector<std::filesystem::path> paths() const;
  /// "SHA256  PATH" per file, in path order.
  std::vector<std::string> lines() const;
  /// A manifest as stored (no file is read).
  static InputManifest parse(const std::vector<std::string>& lines);
  /// What differs from `stored`, naming every file that does: "input file 'P' changed since
  /// STORED_WHAT ...; ...", or "" if both list the same files with the same content (or
  /// `stored` lists none: a file written before inputs were listed).
  std::string difference_from(const InputManifest& stored, const std::string& stored_what) const;

 private:
  std::map<std::string, std::string> files_;  // absolute path -> sha256
};

}  // namespace tiersim::engine
