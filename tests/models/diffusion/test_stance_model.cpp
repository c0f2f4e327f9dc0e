#include <catch2/catch.hpp>

#include "models/register.hpp"
#include "sim/config/yaml_loader.hpp"
#include "sim/engine/simulation.hpp"

using namespace tiersim;

namespace {

engine::RunData run_stance(const std::vector<std::string>& overrides) {
  static const auto catalog = models::catalog();
  auto cfg =
      engine::load_run_config(std::string(TIERSIM_SOURCE_DIR) + "/configs/reference/stance.yaml", overrides, catalog);
  const engine::Executor ex(1);
  engine::Simulation sim(cfg, 0, ex);
  return sim.run();
}

double summary(const engine::RunData& d, std::size_t k) { return d.summaries[k]; }

}  // namespace

TEST_CASE("starting from the 5G record, the first months reproduce the record exactly", "[diffusion][stance]") {
  // Before the first quarterly revision nothing has moved: the moments are the record's
  // shares (Tier 1: 13 of 16 excluded or restricted; Tier 2: 8 of 25), in every replicate.
  const auto d = run_stance({"params.start=five_g", "calendar.months=2", "params.replicates=10"});
  CHECK(summary(d, 0) == Approx(13.0 / 16.0));
  CHECK(summary(d, 1) < 1e-12);  // sd over replicates (rounding only)
  CHECK(summary(d, 2) == Approx(8.0 / 25.0));
}

TEST_CASE("a strongly negative base utility keeps every country open", "[diffusion][stance]") {
  const auto d = run_stance({"params.stance.h_restrict=-20", "params.stance.h_exclude=-20", "params.replicates=20"});
  for (std::size_t k = 0; k < d.summaries.size(); k += 2) CHECK(summary(d, k) < 1e-3);
}

TEST_CASE("stance shares rise with the base utility of exclusion", "[diffusion][stance]") {
  const auto lo = run_stance({"params.stance.h_exclude=-2", "params.replicates=100"});
  const auto hi = run_stance({"params.stance.h_exclude=0", "params.replicates=100"});
  for (std::size_t k = 0; k < lo.summaries.size(); k += 2) CHECK(summary(hi, k) > summary(lo, k));
}
