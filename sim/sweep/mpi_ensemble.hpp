#pragma once
// A sweep over MPI ranks. Rank 0 dispatches: it hands out run indices one at a time to
// whichever worker asks (dynamic load balancing) and records the outcomes that come back;
// workers run what they are given. Protocol: worker -> 0: kReady (empty) once, then kResult
// after each run; 0 -> worker: kRun (the run index) or kStop. A result is
// [u64 run][u8 ok] then the data (doubles) or the message.
#include <cstddef>
#include <functional>
#include <vector>

#include "sim/engine/executor.hpp"
#include "sim/engine/recorder.hpp"
#include "sim/sweep/execute_run.hpp"
#include "sim/sweep/mpi_session.hpp"
#include "sim/sweep/sweep.hpp"

namespace tiersim::sweep {

/// Receives each run's outcome, in completion order.
using RecordOutcome = std::function<void(std::size_t, RunOutcome&&)>;

/// Rank 0 of a distributed session: runs `todo` on the workers until every run is done or
/// `stop()` says so (runs in flight always finish), then stops every worker.
void mpi_dispatch(const MpiSession& session, const std::vector<std::size_t>& todo, const output::Layout& layout,
                  const std::function<bool()>& stop, const RecordOutcome& record);

/// A worker rank: runs what rank 0 hands out until it says stop.
void mpi_work(const Sweep& sweep, const output::Layout& layout, const engine::Executor& exec);

}  // namespace tiersim::sweep
