#pragma once
// One run of a sweep as every dispatcher (threads on one process, MPI ranks) executes it.
#include <cstddef>
#include <string>

#include "sim/engine/executor.hpp"
#include "sim/engine/recorder.hpp"
#include "sim/sweep/sweep.hpp"

namespace tiersim::sweep {

/// What one run produced: data, or the message of the exception that ended it.
struct RunOutcome {
  bool ok = false;
  output::RunData data;
  std::string error;
};

/// Build, check and run one simulation. Never throws: a failure is the run's result.
RunOutcome execute_run(const Sweep& sweep, std::size_t run, const output::Layout& layout, const engine::Executor& exec);

/// The file layout: that of run 0 (every shard and rank computes the same).
output::Layout reference_layout(const Sweep& sweep, const engine::Executor& exec);

}  // namespace tiersim::sweep
