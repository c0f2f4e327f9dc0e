#pragma once
// Reading a result file back (docs/output-format.md): the format check, the run statuses
// and errors, and the sweep's identity, so that the sweep runner (resume), `tiersim merge`
// and `tiersim info` never spell the file's bookkeeping themselves. ResultFile writes it.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/output/nc_file.hpp"
#include "sim/output/result_schema.hpp"

namespace tiersim::output {

/// Statuses of the first `runs` slots of `file` (variable `run_status`); a code that is not
/// a RunStatus counts as pending.
std::vector<RunStatus> read_statuses(const NcFile& file, std::size_t runs);

class ResultReader {
 public:
  /// Open a result file read-only. InputError if it is not a tiersim file or its
  /// `format_version` has another major version than kFormatMajor (this is the check).
  static ResultReader open(const std::filesystem::path& path);
  /// Open any tiersim file read-only, whatever its format version, to show what it is.
  static ResultReader inspect(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return file_.path(); }
  /// The file itself, to list its dimensions, variables and attributes.
  const NcFile& file() const { return file_; }

  /// A root attribute as stored; nullopt if absent.
  std::optional<AttrValue> attribute(const std::string& name) const;
  /// A text root attribute; nullopt if absent or not text.
  std::optional<std::string> text(const std::string& name) const;

  /// Every run finished (done or failed): the `complete` marker is set.
  bool is_complete() const;
  /// The sweep's identity; nullopt for a file not written by a sweep.
  std::optional<std::string> sweep_hash() const;
  /// `input_files` of a sweep file: "SHA256  PATH" of every input file (empty if absent).
  std::vector<std::string> input_files() const;
  /// "i/N" of a shard file; nullopt for a file of a whole sweep or run.
  std::optional<std::string> shard() const;

  /// Size of the `run` dimension (0 if there is none).
  std::size_t runs() const;
  bool has_statuses() const;
  std::vector<RunStatus> statuses() const;
  bool has_errors() const;
  /// `run_error` of every run: a failed run's message, "" for the others.
  std::vector<std::string> errors() const;

 private:
  explicit ResultReader(NcFile file) : file_(std::move(file)) {}
  NcFile file_;
};

}  // namespace tiersim::output
