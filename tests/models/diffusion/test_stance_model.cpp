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

// The panel of decision timing (configs/reference/stance_panel.yaml: year ends 2019-2024,
// three groups: Tier 1, other US allies, other non-allies; docs/validation.md).
namespace {

struct Panel {
  std::vector<double> holding, ever;  ///< year x group, row-major
  double at(const std::vector<double>& v, std::size_t year, std::size_t group) const { return v[year * 3 + group]; }
};

Panel run_panel(const std::vector<std::string>& overrides) {
  static const auto catalog = models::catalog();
  auto cfg = engine::load_run_config(std::string(TIERSIM_SOURCE_DIR) + "/configs/reference/stance_panel.yaml",
                                     overrides, catalog);
  const engine::Executor ex(1);
  engine::Simulation sim(cfg, 0, ex);
  const auto& vars = sim.layout().vars;
  const auto d = sim.run();
  Panel p;
  for (std::size_t i = 0; i < vars.size(); ++i) {
    if (vars[i].name == "exrs_panel") p.holding = d.vars[i];
    if (vars[i].name == "ever_exrs_panel") p.ever = d.vars[i];
  }
  REQUIRE(p.holding.size() == 18);
  REQUIRE(p.ever.size() == 18);
  return p;
}

}  // namespace

TEST_CASE("panel: with no revision the stances stay those decided before 2019", "[diffusion][stance]") {
  // AUS, JPN, NZL and TWN (Tier 1) start excluded; every other country open.
  const auto p = run_panel({"params.stance.update_probability=0", "params.replicates=5"});
  for (std::size_t y = 0; y < 6; ++y) {
    CHECK(p.at(p.holding, y, 0) == Approx(4.0 / 16.0));
    CHECK(p.at(p.holding, y, 1) == 0.0);
    CHECK(p.at(p.holding, y, 2) == 0.0);
    for (std::size_t g = 0; g < 3; ++g) CHECK(p.at(p.ever, y, g) == p.at(p.holding, y, g));
  }
}

TEST_CASE("panel: a strong utility of exclusion drives every group toward 1", "[diffusion][stance]") {
  // A country is still open at the end of 2024 only if never revisited in 24 quarters:
  // 0.75^24 = 0.1%.
  const auto p = run_panel({"params.stance.h_exclude=20", "params.replicates=50"});
  for (std::size_t g = 0; g < 3; ++g) CHECK(p.at(p.holding, 5, g) > 0.99);
  for (std::size_t y = 1; y < 6; ++y) {
    for (std::size_t g = 0; g < 3; ++g) CHECK(p.at(p.ever, y, g) >= p.at(p.ever, y - 1, g));  // never decreases
  }
}

TEST_CASE("panel: state dependence keeps the stance taken, and at 0 is the memoryless process", "[diffusion][stance]") {
  const std::vector<std::string> base{"params.replicates=100", "params.stance.h_restrict=0",
                                      "params.stance.h_exclude=0"};
  auto with = [&](std::vector<std::string> extra) {
    extra.insert(extra.end(), base.begin(), base.end());
    return run_panel(extra);
  };
  const auto memoryless = with({"params.stance.behaviour=frozen"});
  const auto zero = with({"params.stance.h_stay=0"});
  CHECK(zero.holding == memoryless.holding);  // the stance held adds nothing at h_stay 0
  CHECK(zero.ever == memoryless.ever);
  const auto sticky = with({"params.stance.h_stay=3"});
  for (std::size_t g = 0; g < 3; ++g) {
    // Fewer of those that ever restricted have reverted to open by the end of 2024.
    const double reverted0 = zero.at(zero.ever, 5, g) - zero.at(zero.holding, 5, g);
    const double reverted3 = sticky.at(sticky.ever, 5, g) - sticky.at(sticky.holding, 5, g);
    CHECK(reverted3 < reverted0);
  }
}

TEST_CASE("panel: US pressure dated from 2022 leaves the years before it unchanged", "[diffusion][stance]") {
  const auto off = run_panel({"params.replicates=100"});
  const auto on = run_panel({"params.replicates=100", "params.guidance=true", "params.guidance_from=2022-01",
                             "params.stance.guidance_shift=1"});
  for (std::size_t y = 0; y < 3; ++y) {
    for (std::size_t g = 0; g < 3; ++g) CHECK(on.at(on.holding, y, g) == off.at(off.holding, y, g));
  }
  for (std::size_t g = 0; g < 3; ++g) CHECK(on.at(on.holding, 5, g) > off.at(off.holding, 5, g));
}
