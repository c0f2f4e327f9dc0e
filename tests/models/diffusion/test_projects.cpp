// National projects' procurement (models/diffusion/projects.cpp, docs/ODD.md s.7.11): a
// tender awards a contract that holds for its term; under US pressure an award to a
// Chinese offer is withdrawn as often as the veto probability says, and under Chinese
// pressure an award to a US offer; frozen projects choose each month as before.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/models/diffusion/harness.hpp"

using namespace tiersim;
using namespace tiersim::models::diffusion;
using tiersim::testing::Harness;

namespace {

bool chinese(int k) { return k == kCnChip || k == kCnCloud; }

struct ProjectRun {
  int chinese_contract_months = 0;  ///< project-months under a contract for a Chinese offer
  double vetoes = 0;
};

/// Chinese offers made the best (a large ASC), GP10 guidance from the start.
ProjectRun pressured(double veto) {
  Harness h("no_controls",
            {"params.projects.behaviour=adaptive", "params.choice.asc_cn_chip=12",
             "params.projects.veto_probability=" + std::to_string(veto),
             "params.policy.events=[{date: 2025-01-01, action: guidance_on}]"},
            1);
  const auto& s = h.model->state();
  ProjectRun out;
  for (int t = 0; t < 24; ++t) {
    h.step(t);
    for (std::size_t c = 0; c < s.world.countries; ++c) out.chinese_contract_months += chinese(s.projects.contract[c]);
  }
  for (const double v : s.projects.vetoes) out.vetoes += v;
  return out;
}

}  // namespace

TEST_CASE("Projects: a contract holds for its term, and the project asks the awarded offer every month",
          "[diffusion][projects]") {
  Harness h("diffusion_rule", {"params.projects.behaviour=adaptive", "params.projects.contract_months=24"}, 1);
  const auto& s = h.model->state();
  std::vector<int> first(s.world.countries, -2);
  int held = 0;
  for (int t = 0; t < 24; ++t) {
    h.step(t);
    for (std::size_t c = 0; c < s.world.countries; ++c) {
      const std::size_t b = s.world.project_buyer[c];
      const int k = s.projects.contract[c];
      if (b == kNoBuyer || k < 0) continue;
      if (first[c] == -2) first[c] = k;
      INFO("country " << s.world.table.rows[c].iso3 << ", month " << t);
      // A 24-month term outlasts the test: the award changes only if its offer closed.
      if ((s.choice.available[c] & bit(first[c])) != 0) CHECK(k == first[c]);
      if (s.buyers.alt1[b] != 255) CHECK(static_cast<int>(s.buyers.alt1[b]) == k);
      ++held;
    }
  }
  REQUIRE(held > 24);  // several projects under contract for many months
}

TEST_CASE("Projects: a tender is held when the term ends, and not between", "[diffusion][projects]") {
  Harness h(
      "diffusion_rule",
      {"params.projects.behaviour=adaptive", "params.projects.contract_months=3", "params.projects.retender_fill=0"},
      1);
  const auto& s = h.model->state();
  std::vector<int> first(s.world.countries, -1);
  int awards = 0;
  for (int t = 0; t < 12; ++t) {
    h.step(t);
    for (std::size_t c = 0; c < s.world.countries; ++c) {
      if (s.world.project_buyer[c] == kNoBuyer || !s.projects.awarded[c]) continue;
      if (first[c] < 0) first[c] = t;
      INFO("country " << s.world.table.rows[c].iso3 << ", month " << t);
      // With every offer open and delivery never too low, awards fall every 3 months.
      CHECK((t - first[c]) % 3 == 0);
      ++awards;
    }
  }
  REQUIRE(awards >= 8);  // several projects, each re-awarded
}

TEST_CASE("Projects: under US pressure awards to Chinese offers are vetoed at the veto probability",
          "[diffusion][projects]") {
  const auto open = pressured(0.0);
  const auto vetoed = pressured(1.0);
  REQUIRE(open.chinese_contract_months > 0);  // the Chinese offer wins tenders when nobody vetoes
  CHECK(open.vetoes == 0.0);
  CHECK(vetoed.chinese_contract_months == 0);
  CHECK(vetoed.vetoes > 0.0);
}

TEST_CASE("Projects: under Chinese pressure awards to US offers are vetoed at the Chinese veto probability",
          "[diffusion][projects]") {
  // Leverage from the first month (share 0: any Chinese installed base), no US pressure.
  const auto run = [](double veto) {
    Harness h("no_controls",
              {"params.projects.behaviour=adaptive", "params.projects.cn_leverage_share=0",
               "params.projects.cn_veto_probability=" + std::to_string(veto)},
              1);
    const auto& s = h.model->state();
    ProjectRun out;
    int us_months = 0;
    for (int t = 0; t < 24; ++t) {
      h.step(t);
      for (std::size_t c = 0; c < s.world.countries; ++c) {
        const int k = s.projects.contract[c];
        us_months += k == kUsDirect || k == kUsCloud;
        out.chinese_contract_months += chinese(k);
      }
    }
    for (const double v : s.projects.vetoes_cn) out.vetoes += v;
    for (const double v : s.projects.vetoes) CHECK(v == 0.0);  // no US pressure here
    return std::pair{out, us_months};
  };
  const auto [free, free_us] = run(0.0);
  const auto [pressed, pressed_us] = run(1.0);
  REQUIRE(free_us > 0);  // US offers win tenders when nobody vetoes
  CHECK(free.vetoes == 0.0);
  CHECK(pressed_us == 0);  // every US award withdrawn
  CHECK(pressed.vetoes > 0.0);
}

TEST_CASE("Projects: below the leverage share China cannot press", "[diffusion][projects]") {
  // A leverage share of 1 needs an all-Chinese installed base: no veto, whatever its chance.
  Harness h("no_controls",
            {"params.projects.behaviour=adaptive", "params.projects.cn_leverage_share=1",
             "params.projects.cn_veto_probability=1"},
            1);
  const auto& s = h.model->state();
  int us_months = 0;
  for (int t = 0; t < 12; ++t) {
    h.step(t);
    for (const int k : s.projects.contract) us_months += k == kUsDirect || k == kUsCloud;
  }
  CHECK(us_months > 0);
  for (const double v : s.projects.vetoes_cn) CHECK(v == 0.0);
}

TEST_CASE("Projects: frozen projects hold no contract", "[diffusion][projects]") {
  Harness h("diffusion_rule", {"params.projects.behaviour=frozen"}, 1);
  const auto& s = h.model->state();
  for (int t = 0; t < 12; ++t) {
    h.step(t);
    for (const int k : s.projects.contract) CHECK(k == -1);
  }
}
