#pragma once
// Running a sweep: runs side by side on the executor's threads (or on MPI ranks,
// mpi_ensemble.hpp), each result written into its slot of `<out>.incomplete` as it
// completes; resume, shards and the compaction into `<out>` (docs/output-format.md,
// "Crash safety").
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/sweep/mpi_session.hpp"
#include "sim/sweep/sweep.hpp"

namespace tiersim::sweep {

/// `--shard i/N`: this process runs the runs with run_index % N == i.
struct Shard {
  std::size_t index = 0;
  std::size_t count = 1;
  bool active() const { return count > 1; }
  bool owns(std::size_t run) const { return run % count == index; }
  std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
};
/// Parse "i/N" (0 <= i < N). InputError naming the option otherwise.
Shard parse_shard(const std::string& text);

struct SweepOptions {
  std::filesystem::path output;  ///< the final file; work happens in `<output>.incomplete`
  bool resume = false;
  bool overwrite = false;
  Shard shard;
  int threads = 0;      ///< 0 = all cores
  std::string command;  ///< for provenance
  const MpiSession* mpi = nullptr;
  /// Polled between runs: true stops scheduling new runs (SIGINT/SIGTERM).
  std::function<bool()> stop_requested;
  /// Called with (0, runs to do in this session) before the first run, then after each
  /// finished run with (finished, runs to do).
  std::function<void(std::size_t, std::size_t)> on_progress;
  /// Informational lines for the user (never called from library code on a worker rank).
  std::function<void(const std::string&)> note;
};

enum class SweepEnd {
  complete,                ///< every run done: `<output>` written, `.incomplete` removed
  already_complete,        ///< --resume found `<output>` complete: nothing to do
  finished_with_failures,  ///< nothing pending, some runs failed: `<output>` written
  interrupted,             ///< stopped by stop_requested: `.incomplete` kept
  stopped_on_failure,      ///< on_failure: stop: `.incomplete` kept
  worker,                  ///< this MPI rank computed runs for rank 0
};

struct SweepResult {
  SweepEnd end = SweepEnd::complete;
  std::size_t runs = 0;  ///< runs of this process's share (the shard, or all)
  std::size_t done = 0;
  std::size_t failed = 0;
  std::size_t pending = 0;
  std::size_t ran = 0;                                      ///< runs executed in this session
  std::filesystem::path file;                               ///< where the results are now
  std::vector<std::pair<std::size_t, std::string>> errors;  ///< (run, message) of failed runs, first few
};

/// Writing results failed once `<output>.incomplete` held the sweep: the disk filled up (or
/// another I/O error) while a run's results or the compacted `<output>` were written. The
/// runs done before are kept in `<output>.incomplete`, and `--resume` continues from there.
/// what() names the file that could not be written and where the runs are kept.
class ResultsNotWritten : public RuntimeFailure {
 public:
  using RuntimeFailure::RuntimeFailure;
};

/// `<output>.incomplete` and `<output>.lock`.
std::filesystem::path incomplete_path(const std::filesystem::path& output);
std::filesystem::path lock_path(const std::filesystem::path& output);

/// Run (or resume) a sweep. InputError for refused outputs (exists, locked, foreign file,
/// a different sweep); runtime errors of single runs are recorded in the file, not thrown;
/// ResultsNotWritten when results cannot be written.
SweepResult run_sweep(const Sweep& sweep, const SweepOptions& options);

/// Check that a file holds this sweep: a tiersim file with the same `sweep_hash` and shard.
/// InputError otherwise. Never modifies the file.
void check_sweep_file(const std::filesystem::path& file, const Sweep& sweep, const Shard& shard);

}  // namespace tiersim::sweep
