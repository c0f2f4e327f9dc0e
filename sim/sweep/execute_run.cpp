#include "sim/sweep/execute_run.hpp"

#include <algorithm>
#include <exception>

#include "sim/core/error.hpp"

namespace tiersim::sweep {
namespace {

std::string layout_difference(const output::Layout& want, const output::Layout& got) {
  for (const auto& d : got.dims) {
    const auto it = std::find_if(want.dims.begin(), want.dims.end(), [&](const auto& w) { return w.name == d.name; });
    if (it == want.dims.end()) return "it has dimension '" + d.name + "', which run 0 does not";
    if (it->size() != d.size() || it->labels != d.labels || it->steps != d.steps) {
      return "dimension '" + d.name + "' has " + std::to_string(d.size()) + " entries, " + std::to_string(it->size()) +
             " in run 0";
    }
  }
  if (got.start != want.start)
    return "its calendar starts at " + got.start.to_string() + ", run 0's at " + want.start.to_string();
  return "its output variables differ from run 0's";
}

}  // namespace

RunOutcome execute_run(const Sweep& sweep, std::size_t run, const output::Layout& layout,
                       const engine::Executor& exec) {
  RunOutcome out;
  try {
    const engine::ResolvedConfig cfg = sweep.resolve_run(run);
    engine::Simulation sim(cfg, 0, exec);
    if (!(sim.layout() == layout)) {
      // The file's shape is fixed before the first run; a parameter that changes the
      // output's dimensions (e.g. the number of markets recorded at native level) cannot
      // share it.
      throw InputError(
          "the output of this run does not fit the sweep's file: " + layout_difference(layout, sim.layout()) +
          "; record such outputs at a level that does not depend on the swept parameters "
          "(e.g. level: world)");
    }
    out.data = sim.run();
    out.ok = true;
  } catch (const std::exception& e) {
    out.error = e.what();
  } catch (...) {
    out.error = "unknown error";
  }
  return out;
}

output::Layout reference_layout(const Sweep& sweep, const engine::Executor& exec) {
  const engine::ResolvedConfig cfg = sweep.resolve_run(0);
  const engine::Simulation sim(cfg, 0, exec);
  return sim.layout();
}

}  // namespace tiersim::sweep
