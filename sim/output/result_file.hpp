#pragma once
// The tiersim result file (docs/output-format.md). Every file, from a single run or a
// sweep, has the same layout: a leading `run` dimension, one slot per planned run, the run
// plan written before the first run starts, and a per-run status so that finished work is
// visible (and skipped on resume) even if the process dies.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "sim/output/nc_file.hpp"
#include "sim/output/recorder.hpp"

namespace tiersim::output {

/// Major.minor version of the file layout. Readers refuse an unknown major version.
inline constexpr int kFormatMajor = 1;
inline constexpr int kFormatMinor = 0;
std::string format_version();

/// Status of a run slot (variable `run_status`).
enum class RunStatus : std::int8_t { pending = 0, done = 1, failed = 2 };

struct PlannedRun {
  std::int64_t run_index = 0;
  std::uint64_t seed = 0;
};

struct Provenance {
  std::string model;
  std::string config_yaml;  ///< the fully resolved config
  std::uint64_t seed = 0;
  int threads = 1;
  std::string command;      ///< the command line that produced the file
};

class ResultFile {
 public:
  /// Create the file (under a temporary name until commit()) with all dimensions, the run
  /// plan and empty data variables.
  static ResultFile create(const std::filesystem::path& path, const Layout& layout,
                           std::span<const PlannedRun> plan, const Provenance& provenance, bool overwrite);

  /// Write one run's data into its slot, mark it done and flush.
  void write_run(std::size_t slot, const RunData& data);
  /// Record a failed run with its error message.
  void mark_failed(std::size_t slot, const std::string& message);
  /// Finish: mark complete and move into place.
  void commit();
  const std::filesystem::path& path() const { return file_.path(); }

 private:
  ResultFile(NcFile file, Layout layout) : file_(std::move(file)), layout_(std::move(layout)) {}
  NcFile file_;
  Layout layout_;
};

}  // namespace tiersim::output
