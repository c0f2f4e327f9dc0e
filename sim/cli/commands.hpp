#pragma once
// What the subcommands of the tiersim command line share (internal to sim/cli/): the app's
// own options, messages, and the sweep and merge subcommands (sweep_command.cpp).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/engine/model.hpp"

namespace tiersim::cli {

inline constexpr const char* kOutOfMemory =
    "out of memory (std::bad_alloc): the model does not fit in the memory available; make it smaller (its "
    "number of agents, e.g. buyers or markets) or run fewer runs side by side (--threads)";

/// Options of the app itself, for every subcommand.
struct GlobalOptions {
  int threads = 0;
  bool quiet = false;
};

/// Where a result goes without -o: results/<name of the config or sweep file>.h5.
std::filesystem::path default_output(const std::string& config);

enum class ConfigKind { run, sweep };

/// The file a CONFIG (run, validate) or SWEEP (sweep) argument names: the argument itself if
/// it is a path (it has a directory part or ends in .yaml/.yml) or an existing file; else a
/// bare name, looked up as configs/scenarios/NAME.yaml (run) or configs/sweeps/NAME.yaml
/// (sweep) in the current directory, then in the source tree tiersim was built from.
/// InputError listing the available names if there is none.
std::string find_config(const std::string& arg, ConfigKind kind);

/// Rethrows `e`, an error reading `file` as a file of kind `expected`, as "FILE:LINE:COL:
/// key 'design': this is a sweep file: use `tiersim sweep FILE`" (or the reverse) if `file`
/// is plainly of the other kind; otherwise rethrows `e` as it is.
[[noreturn]] void rethrow_for_kind(const InputError& e, const std::string& file, ConfigKind expected);

/// The value of --seed (digits only, checked by the option parser): InputError naming
/// --seed above the range of seeds (9e15).
std::int64_t seed_option(const std::string& text);

struct SweepCommand {
  std::string sweep_file;
  std::vector<std::string> sets;  ///< --set, applied to every run after the sweep's own `set:`
  std::string seed;               ///< --seed: replaces the sweep's `seed:`
  std::string output;
  bool resume = false;
  bool overwrite = false;
  std::string shard;
  bool dry_run = false;
};

/// `tiersim sweep`: runs (or, under mpirun, shares) the sweep; prints its outcome.
int cmd_sweep(const SweepCommand& c, const GlobalOptions& g, const std::string& program, const std::string& cmdline,
              const engine::ModelCatalog& catalog);

/// `tiersim params MODEL --json`: the parameter rows as one JSON object.
int cmd_params_json(const std::string& model, const engine::ModelCatalog& catalog);

/// `tiersim info FILE --json`: what `info` shows, as one JSON object.
int cmd_info_json(const std::string& path, bool show_config);

/// `tiersim merge`: the shard files of a sweep into one file.
int cmd_merge(const std::string& out, const std::vector<std::string>& shards, bool overwrite, bool quiet, int threads);

}  // namespace tiersim::cli
