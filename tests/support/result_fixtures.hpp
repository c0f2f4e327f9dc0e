#pragma once
// A small result-file layout with its run data, plan and sweep description, for the tests
// of writing and reading result files.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/output/result_file.hpp"

namespace tiersim::test {

/// Dimensions time(3) x market(2), one variable `share` over them, one summary `final`.
inline output::Layout small_layout() {
  output::Layout l;
  l.start = time::YearMonth{2025, 1};
  output::OutputDim t;
  t.name = "time";
  t.is_time = true;
  t.steps = {0, 1, 2};
  t.long_name = "month";
  output::OutputDim m;
  m.name = "market";
  m.labels = {"a", "b"};
  l.dims = {t, m};
  output::OutputVar v;
  v.name = "share";
  v.units = "1";
  v.dims = {"time", "market"};
  v.shape = {3, 2};
  l.vars = {v};
  l.summaries = {{"final", "1", "final share"}};
  return l;
}

/// Data of run `run` for small_layout(): distinct values per run.
inline output::RunData data_for(std::size_t run) {
  output::RunData d;
  d.vars = {std::vector<double>(6)};
  for (std::size_t i = 0; i < 6; ++i) d.vars[0][i] = static_cast<double>(run) + 0.1 * static_cast<double>(i);
  d.summaries = {static_cast<double>(run) * 2.0};
  return d;
}

/// `n` runs: two scenarios (a, b) per design point.
inline std::vector<output::PlannedRun> plan_of(std::size_t n) {
  std::vector<output::PlannedRun> plan(n);
  for (std::size_t i = 0; i < n; ++i) {
    plan[i].run_index = static_cast<std::int64_t>(i);
    plan[i].seed = 100 + i;
    plan[i].point = static_cast<std::int64_t>(i / 2);
    plan[i].scenario = i % 2 == 0 ? "a" : "b";
  }
  return plan;
}

/// A grid over `params.q` matching plan_of(n).
inline output::SweepDescription description(std::size_t n) {
  output::SweepDescription d;
  d.sweep_yaml = "design: {kind: grid}\n";
  d.sweep_hash = std::string(64, 'a');
  d.design_kind = "grid";
  d.design_parameters = {"params.q"};
  d.design_samples = static_cast<std::int64_t>(n / 2);
  output::PlanColumn q;
  q.name = "params.q";
  for (std::size_t i = 0; i < n; ++i) q.numbers.push_back(0.1 * static_cast<double>(i / 2));
  d.columns = {q};
  return d;
}

}  // namespace tiersim::test
