// Stances as a dynamic political economy (models/diffusion/stance.cpp, learning.cpp;
// docs/ODD.md s.7.7): the sign and the lag of each response in the whole model. The caps
// make Tier 2 countries more open from the first quarterly revision under the rule, not
// before; state dependence slows turnover; frozen stances ignore the rule.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/models/diffusion/harness.hpp"

using namespace tiersim;
using namespace tiersim::models::diffusion;
using tiersim::testing::Harness;

namespace {

/// Stances of every country, month by month.
std::vector<std::vector<Stance>> stance_path(const std::string& scenario, std::vector<std::string> overrides,
                                             int months) {
  Harness h(scenario, std::move(overrides), 1);
  std::vector<std::vector<Stance>> path;
  for (int t = 0; t < months; ++t) {
    h.step(t);
    path.push_back(h.model->state().countries.stance);
  }
  return path;
}

std::vector<bool> tier2(const std::string& scenario) {
  Harness h(scenario, {}, 1);
  const auto& s = h.model->state();
  std::vector<bool> out(s.world.countries);
  for (std::size_t c = 0; c < out.size(); ++c) out[c] = s.world.tier2_2025(c);
  return out;
}

int open_count(const std::vector<Stance>& stances, const std::vector<bool>& which) {
  int n = 0;
  for (std::size_t c = 0; c < stances.size(); ++c) n += which[c] && stances[c] == Stance::open ? 1 : 0;
  return n;
}

int changes(const std::vector<std::vector<Stance>>& path) {
  int n = 0;
  for (std::size_t t = 1; t < path.size(); ++t) {
    for (std::size_t c = 0; c < path[t].size(); ++c) n += path[t][c] != path[t - 1][c] ? 1 : 0;
  }
  return n;
}

// Dependence differs a little between the arms; without it the caps are the only difference
// in the first revision, and the shared draws make the comparison exact.
const std::string kNoDependence = "params.stance.h_dependence=0";

}  // namespace

TEST_CASE("Stances: the caps open Tier 2 countries from the first quarterly revision, not before",
          "[diffusion][stance]") {
  const auto t2 = tier2("diffusion_rule");
  const auto rule = stance_path("diffusion_rule", {kNoDependence}, 36);
  const auto none = stance_path("no_controls", {kNoDependence}, 36);
  // The binding-cap tally is a count of the quarter's months, emptied at each revision.
  Harness h("diffusion_rule", {}, 1);
  for (int t = 0; t < 12; ++t) {
    h.step(t);
    for (const double m : h.model->state().countries.cap_bound_months) {
      CHECK(m >= 0.0);
      CHECK(m <= 2.0);
      if (t % 3 == 2) CHECK(m == 0.0);
    }
  }
  // Months 1-2 come before the first revision (end of March): the same stances.
  CHECK(rule[0] == none[0]);
  CHECK(rule[1] == none[1]);
  // At the first revision every country open without the rule is open with it (the same
  // draws, a higher chance of open), and some more are.
  for (std::size_t c = 0; c < t2.size(); ++c) {
    if (none[2][c] == Stance::open) CHECK(rule[2][c] == Stance::open);
  }
  CHECK(open_count(rule[2], t2) > open_count(none[2], t2));
  // Over 2025-27 the rule keeps more Tier 2 countries open.
  int rule_open = 0, none_open = 0;
  for (std::size_t t = 0; t < rule.size(); ++t) {
    rule_open += open_count(rule[t], t2);
    none_open += open_count(none[t], t2);
  }
  CHECK(rule_open > none_open);
}

TEST_CASE("Stances: frozen stances ignore the rule, and state dependence slows turnover", "[diffusion][stance]") {
  const auto rule = stance_path("diffusion_rule", {"params.stance.behaviour=frozen"}, 36);
  const auto none = stance_path("no_controls", {"params.stance.behaviour=frozen"}, 36);
  CHECK(rule == none);
  const auto sticky = stance_path("no_controls", {"params.stance.h_stay=3"}, 72);
  const auto loose = stance_path("no_controls", {"params.stance.h_stay=0"}, 72);
  CHECK(changes(sticky) < changes(loose));
  CHECK(changes(loose) > 0);
}
