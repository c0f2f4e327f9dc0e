#pragma once
// What the subcommands of the tiersim command line share (internal to sim/cli/): the app's
// own options, messages, and the sweep and merge subcommands (sweep_command.cpp).
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

struct SweepCommand {
  std::string sweep_file;
  std::string output;
  bool resume = false;
  bool overwrite = false;
  std::string shard;
  bool dry_run = false;
};

/// `tiersim sweep`: runs (or, under mpirun, shares) the sweep; prints its outcome.
int cmd_sweep(const SweepCommand& c, const GlobalOptions& g, const std::string& program, const std::string& cmdline,
              const engine::ModelCatalog& catalog);

/// `tiersim merge`: the shard files of a sweep into one file.
int cmd_merge(const std::string& out, const std::vector<std::string>& shards, bool overwrite, bool quiet);

}  // namespace tiersim::cli
