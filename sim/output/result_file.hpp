#pragma once
// The tiersim result file (docs/output-format.md). Every file, from a single run or a
// sweep, has the same layout: a leading `run` dimension, one slot per planned run, the run
// plan written before the first run starts, and a per-run status so that finished work is
// visible (and skipped on resume) even if the process dies.
//
// Two ways of writing it:
//  - create(): a single run, written under `<path>.partial` and renamed when complete;
//  - create_incomplete(): a sweep, written in place at `<out>.incomplete` with every data
//    chunk allocated up front and uncompressed, so that a run's write only overwrites raw
//    bytes (HDF5 metadata never changes after creation) and a killed process leaves a file
//    that opens and resumes. compact() turns it into the compressed, complete `<out>`.
//
// The names it writes are in result_schema.hpp; ResultReader (result_reader.hpp) reads them.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "sim/engine/recorder.hpp"
#include "sim/output/nc_file.hpp"
#include "sim/output/result_schema.hpp"

namespace tiersim::output {

// What the engine's recorders collect is what a result file holds.
using engine::Layout;
using engine::OutputDim;
using engine::OutputVar;
using engine::RunData;
using engine::SummaryVar;

struct PlannedRun {
  std::int64_t run_index = 0;
  std::uint64_t seed = 0;
  std::int64_t point = 0;        ///< design point
  std::int64_t replicate = 0;    ///< replicate of the point (different seed)
  std::string scenario = {};     ///< pair_with scenario name; "" when the sweep has none
  std::int64_t trajectory = -1;  ///< Morris trajectory of the point; -1 for other designs
};

/// One swept parameter's value in every run: a variable over `run` named by its dotted
/// config path (e.g. `params.q`).
struct PlanColumn {
  std::string name;  ///< dotted config path; the variable is cf::variable_name(name)
  bool numeric = true;
  std::vector<double> numbers = {};    ///< one per run, if numeric
  std::vector<std::string> text = {};  ///< one per run, otherwise
  std::vector<Attr> attrs = {};        ///< e.g. the sampled range: design_min, design_max, design_scale
  std::string units = {};              ///< from the model's parameter table ("" if unknown)
  std::string long_name = {};          ///< what the parameter means ("" if unknown)
};

/// What a sweep adds to the file: the design and its provenance.
struct SweepDescription {
  std::string sweep_yaml;                           ///< the resolved sweep config
  std::string sweep_hash;                           ///< SHA-256 of the run plan and every run's resolved config
  std::string design_kind;                          ///< grid, zip, lhs, sobol, morris
  std::vector<std::string> design_parameters = {};  ///< in design order
  std::int64_t design_samples = 0;                  ///< points (grid/zip), N (lhs, sobol), r (morris)
  std::int64_t morris_levels = 0;                   ///< 0 unless morris
  std::string shard = {};                           ///< "i/N" for a shard file, else empty
  std::vector<std::string> input_files = {};        ///< "SHA256  PATH" of every input file
  std::vector<PlanColumn> columns = {};
  bool morris = false;  ///< write `trajectory(run)`
};

struct Provenance {
  std::string model;
  std::string config_yaml;  ///< the fully resolved config (of run 0 for a sweep)
  std::uint64_t seed = 0;
  int threads = 1;
  int processes = 1;    ///< MPI ranks of the session that created the file
  std::string command;  ///< the command line that produced the file
};

class ResultFile {
 public:
  /// Create a single-run file (under a temporary name until commit()) with all dimensions,
  /// the run plan and empty data variables.
  static ResultFile create(const std::filesystem::path& path, const Layout& layout, std::span<const PlannedRun> plan,
                           const Provenance& provenance, bool overwrite);

  /// Create a sweep's crash-safe in-progress file at `path` (`<out>.incomplete`), with the
  /// run plan and every run slot pending. It is assembled under `<path>.new` and renamed, so
  /// `path` always names a complete, resumable file. Refuses an existing file unless `overwrite`.
  static ResultFile create_incomplete(const std::filesystem::path& path, const Layout& layout,
                                      std::span<const PlannedRun> plan, const Provenance& provenance,
                                      const SweepDescription& sweep, bool overwrite);

  /// Open an in-progress sweep file for resuming. InputError if it does not have the
  /// variables and shapes of `layout`.
  static ResultFile open_incomplete(const std::filesystem::path& path, const Layout& layout);

  /// Status of every run slot.
  std::vector<RunStatus> statuses() const;
  /// Write one run's data into its slot, then mark it done (data and status are flushed
  /// separately, in that order, so a done status always means complete data).
  void write_run(std::size_t slot, const RunData& data);
  /// Record a failed run with its error message.
  void mark_failed(std::size_t slot, const std::string& message);
  /// Finish a single-run file: mark complete and move into place.
  void commit();
  /// Flush and close an in-progress file, leaving it in place.
  void close();
  const std::filesystem::path& path() const { return file_.path(); }

  /// Copy a finished in-progress file into the compressed, complete `out` (atomic rename),
  /// then delete `incomplete`. `content_digest` of `out` equals that of the in-progress file.
  static void compact(const std::filesystem::path& incomplete, const std::filesystem::path& out, bool replace_existing);
  /// The reverse, to re-run failed runs of a finished sweep: copy the complete `out` into a
  /// new crash-safe in-progress file `incomplete`.
  static void expand(const std::filesystem::path& out, const std::filesystem::path& incomplete);

 private:
  ResultFile(NcFile file, Layout layout, std::size_t runs)
      : file_(std::move(file)), layout_(std::move(layout)), runs_(runs) {}
  NcFile file_;
  Layout layout_;
  std::size_t runs_ = 0;
  std::vector<bool> had_error_;  // slots whose run_error holds a message (cleared when redone)
};

/// InputError unless `path` can be a result file: it names a file (not a directory) in a
/// directory that exists. Whether it may be replaced is the writer's own check.
void check_output_path(const std::filesystem::path& path);

/// Chunk length along `run` of 1-d run variables in an in-progress file: each status write
/// rewrites one chunk, so it stays small whatever the number of runs.
inline constexpr std::size_t kIncompleteRunChunk = 1024;

}  // namespace tiersim::output
