// The real policy path (configs/scenarios/history_2025.yaml, docs/calibration-data.md s.11):
// every dated event is in force from its month, and Beijing's discouragement of US chip
// purchases lowers China's requests for them from the month it starts, not before.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/models/diffusion/harness.hpp"

using namespace tiersim;
using namespace tiersim::models::diffusion;
using tiersim::testing::Harness;

namespace {

std::size_t index_of(const State& s, const std::string& iso) {
  const int i = s.world.table.index_of(iso);
  REQUIRE(i >= 0);
  return static_cast<std::size_t>(i);
}

/// China's (CHN, HKG, MAC) round-1 requests for US chips this month.
double china_us_requests(const State& s) {
  double total = 0;
  for (std::size_t c = 0; c < s.world.countries; ++c) {
    if (s.world.china[c]) total += s.month.country[c].demand[kUsDirect];
  }
  return total;
}

}  // namespace

TEST_CASE("Policy path: each history_2025 event is in force from its month", "[diffusion][policy]") {
  Harness h("history_2025", {}, 1);
  const auto& s = h.model->state();
  const std::size_t mys = index_of(s, "MYS"), khm = index_of(s, "KHM"), are = index_of(s, "ARE");
  for (int t = 0; t < 14; ++t) {
    h.step(t);
    const Policy& p = *s.policy;
    const int m = t + 1;  // month of 2025 (13, 14: January, February 2026)
    INFO("month " << m);
    CHECK(p.rule_in_force() == (m < 5));
    CHECK(p.guidance() == (m >= 5));
    if (m >= 5) CHECK(p.g2g(are));  // (a G2G agreement may also be drawn at the start)
    CHECK(p.china_licence() == (m < 4 || m >= 8));
    CHECK(p.permits(mys) == (m >= 7));
    CHECK(p.china_discouraged() == (m >= 9));
    CHECK(p.retaliation() == (m < 11));
    CHECK(p.tier(khm) == (m >= 11 ? 2 : 3));
  }
}

TEST_CASE("Policy path: Beijing's discouragement lowers China's requests for US chips from its month on",
          "[diffusion][policy]") {
  const std::string events = "params.policy.events=[{date: 2025-07-01, action: china_discourage_on}]";
  Harness base("no_controls", {}, 1);
  Harness told("no_controls", {events}, 1);
  int lower = 0;
  for (int t = 0; t < 12; ++t) {
    base.step(t);
    told.step(t);
    const double a = china_us_requests(base.model->state());
    const double b = china_us_requests(told.model->state());
    INFO("month " << t + 1);
    if (t < 6) {
      CHECK(b == a);
    } else {
      CHECK(b < a);
      ++lower;
    }
  }
  CHECK(lower == 6);
}
