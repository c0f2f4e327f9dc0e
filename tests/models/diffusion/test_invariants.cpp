// Invariants of the diffusion model, checked every month of every scenario (MODEL s.4):
// demand conservation per country, no capacity ever exceeded, UVEU limits whenever the
// rule is in force, no US compute where it is barred (Tier 3).
#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>

#include "models/diffusion/invariants.hpp"
#include "models/diffusion/supply.hpp"
#include "tests/models/diffusion/harness.hpp"

using namespace tiersim;
using namespace tiersim::models::diffusion;
using tiersim::testing::Harness;

namespace {

void check_month(const Harness& h, const std::string& label) {
  const auto& m = h.model->state();
  const auto& policy = *m.policy;
  const auto& rule = h.params.policy.rule;
  const double rel = 1e-9;
  INFO(label << " " << m.clock.now.to_string());
  for (std::size_t c = 0; c < m.month.country.size(); ++c) {
    const auto& cm = m.month.country[c];
    INFO("country " << m.world.table.rows[c].iso3);
    // Conservation: new + backlog in = served + backlog out + abandoned.
    const double in = cm.new_demand + cm.backlog_in;
    const double served = std::accumulate(cm.served.begin(), cm.served.end(), 0.0);
    const double out = served + cm.backlog_out + cm.abandoned;
    REQUIRE(std::fabs(in - out) <= rel * std::max(1.0, in));
    REQUIRE(cm.served[kDefer] == 0.0);
    REQUIRE(cm.abandoned >= 0.0);  // the backlog is carried rounded down, never up
    for (double x : cm.served) REQUIRE(x >= 0.0);
    // The cap ledger never goes negative / never exceeds what was released.
    if (policy.tier(c) == 2) {
      REQUIRE(policy.ledger_used(c) <= policy.ledger_released(c, m.clock.now) * (1 + 1e-12) + 1e-9);
    }
    // Tier 3 gets no US compute, except compliant chips for China while they may be sold
    // there; never US cloud.
    if (policy.tier(c) == 3) {
      if (us_barred(policy, m.world.china, c)) REQUIRE(cm.served[kUsDirect] == 0.0);
      REQUIRE(cm.served[kUsCloud] == 0.0);
    }
    // Gatekeeper capacity in the country is never over-used.
    REQUIRE(m.month.cloud_local_used[c] <= m.month.cloud_free_before[c] * (1 + 1e-12) + 1e-9);
  }
  // Buyers' LPP and NVEU allowances.
  const auto& b = m.buyers;
  const double nveu_limit = nveu_allowance(rule, m.clock.now);
  for (std::size_t c = 0; c < m.world.countries; ++c) {
    for (std::size_t i = m.index.begin[c]; i < m.index.begin[c + 1]; ++i) {
      // Per consignee: a buyer stands for m.world.consignees(i, c) of them.
      const double consignees = m.world.consignees(i, c);
      REQUIRE(b.lpp_used[i] <= rule.lpp_h100e_per_year * consignees * (1 + 1e-12) + 1e-9);
      REQUIRE(b.lpp_used[i] <= b.lpp_requested[i] * (1 + 1e-12) + 1e-9);
      // Stored in single precision: at most half a unit in the last place over the limit.
      REQUIRE(static_cast<double>(b.nveu_used[i]) <= nveu_limit * consignees * (1 + kStoredTolerance));
    }
  }
  // Global capacities.
  const auto& g = m.month.global;
  REQUIRE(g.vendor_shipped <= g.vendor_output * (1 + 1e-12));
  REQUIRE(g.cn_export_used <= g.cn_export_capacity * (1 + 1e-12) + 1e-12);
  REQUIRE(g.cn_domestic_used <= g.cn_domestic_capacity * (1 + 1e-12) + 1e-12);
  REQUIRE(g.cn_cloud_used <= g.cn_cloud_capacity * (1 + 1e-12) + 1e-12);
  REQUIRE(g.us_cloud_remote_used >= 0.0);
  // UVEU limits while the rule (with its placement limits) is in force.
  if (policy.uveu_limits_active()) {
    for (const auto& placed : m.gatekeepers.placed) {
      const double total = std::accumulate(placed.begin(), placed.end(), 0.0);
      double t1 = 0;
      for (std::size_t c = 0; c < placed.size(); ++c) {
        if (policy.tier(c) == 1) t1 += placed[c];
        if (policy.tier(c) == 2) REQUIRE(placed[c] <= rule.uveu_max_tier2_share * total * (1 + 1e-9));
        if (policy.tier(c) == 3) REQUIRE(placed[c] == 0.0);
      }
      REQUIRE(t1 >= rule.uveu_min_tier1_share * total * (1 - 1e-9));
      const int usa = m.world.table.index_of("USA");
      REQUIRE(placed[static_cast<std::size_t>(usa)] >= rule.uveu_min_home_share * total * (1 - 1e-9));
    }
  }
}

void run_and_check(const std::string& scenario, std::vector<std::string> overrides = {}) {
  Harness h(scenario, overrides, 2);
  std::vector<double> carried(h.model->state().world.countries, 0.0);
  for (int s = 0; s < h.calendar.steps(); ++s) {
    h.step(s);
    check_month(h, scenario);
    // Demand is conserved across months too: the backlog a country's buyers carried out of
    // last month (stored in single precision) is the backlog they bring into this one.
    const auto& month = h.model->state().month.country;
    for (std::size_t c = 0; c < carried.size(); ++c) {
      REQUIRE(month[c].backlog_in == carried[c]);  // the same values summed in the same order
      carried[c] = month[c].backlog_out;
    }
    // The model's own checker (run every month in checked builds) agrees.
    REQUIRE(first_violation(h.model->state(), h.params) == "");
  }
}

}  // namespace

TEST_CASE("invariants hold every month: no_controls", "[diffusion][invariants]") { run_and_check("no_controls"); }
TEST_CASE("invariants hold every month: diffusion_rule", "[diffusion][invariants]") { run_and_check("diffusion_rule"); }
TEST_CASE("invariants hold every month: history_2025", "[diffusion][invariants]") { run_and_check("history_2025"); }
TEST_CASE("invariants hold every month: microsoft_proposal", "[diffusion][invariants]") {
  run_and_check("microsoft_proposal");
}
TEST_CASE("invariants hold every month: strict", "[diffusion][invariants]") { run_and_check("strict"); }
TEST_CASE("invariants hold every month: retaliation", "[diffusion][invariants]") { run_and_check("retaliation"); }

TEST_CASE(
    "invariants hold in expected mode, random-order rationing, front-loaded caps, cheap Chinese exports, wide leakage",
    "[diffusion][invariants]") {
  run_and_check("diffusion_rule", {"params.choice.mode=expected"});
  run_and_check("strict", {"params.policy.rule.rationing=random_order", "params.policy.rule.release=front_loaded"});
  run_and_check("diffusion_rule", {"params.china.export_share=0.2", "params.china.price_ratio=0.6",
                                   "params.choice.s_train=0", "params.choice.s_infer=0"});
  run_and_check("no_controls",
                {"params.leakage.chips_rate=1", "params.leakage.hub_factor=20", "params.leakage.cloud_rate=0.5"});
  run_and_check("diffusion_rule", {"params.demand.abandon_rate=0"});
  run_and_check("diffusion_rule",
                {"params.leakage.chips_rate=1", "params.leakage.hub_factor=20", "params.leakage.licence_factor=1",
                 "params.leakage.veu_factor=1", "params.leakage.uveu_cloud_factor=1"});
}

TEST_CASE("caps bind under the rule and never without it", "[diffusion]") {
  Harness rule("diffusion_rule", {}, 2);
  Harness none("no_controls", {}, 2);
  std::vector<bool> bound(rule.model->state().world.table.rows.size(), false);
  double drawn_none = 0;
  for (int s = 0; s < 36; ++s) {
    rule.step(s);
    none.step(s);
    for (std::size_t c = 0; c < bound.size(); ++c) {
      const auto& m = rule.model->state().month.country[c];
      if (m.cap_requested > m.cap_available) bound[c] = true;
      drawn_none += none.model->state().month.country[c].cap_drawn + none.model->state().month.country[c].cap_requested;
    }
  }
  CHECK(std::count(bound.begin(), bound.end(), true) >= 3);
  CHECK(drawn_none == 0.0);
}

TEST_CASE("Chinese quality improves with deployment and stays below US quality", "[diffusion]") {
  Harness h("diffusion_rule", {"params.china.learning_exponent=0.5"}, 1);
  const double q0 = h.model->state().china.quality;
  for (int s = 0; s < h.calendar.steps(); ++s) h.step(s);
  CHECK(h.model->state().china.quality > q0);
  CHECK(h.model->state().china.quality <= 1.0);
}

TEST_CASE("1 vs 2 threads: identical state after a full run", "[diffusion][parallel]") {
  Harness a("history_2025", {}, 1);
  Harness b("history_2025", {}, 2);
  for (int s = 0; s < a.calendar.steps(); ++s) {
    a.step(s);
    b.step(s);
  }
  CHECK(a.model->state().buyers.backlog == b.model->state().buyers.backlog);
  CHECK(a.model->state().buyers.ib_cn == b.model->state().buyers.ib_cn);
  CHECK(a.model->state().buyers.a_us == b.model->state().buyers.a_us);
  for (std::size_t c = 0; c < a.model->state().month.country.size(); ++c) {
    REQUIRE(a.model->state().month.country[c].served == b.model->state().month.country[c].served);
  }
}

TEST_CASE("bad references in the model's parameters name the key", "[diffusion]") {
  using Catch::Matchers::Contains;
  CHECK_THROWS_WITH(Harness("diffusion_rule", {"params.demand.ceiling_countries=[ARE, XYZ]"}, 1),
                    Contains("params.demand.ceiling_countries") && Contains("'XYZ'"));
  CHECK_THROWS_WITH(
      Harness("diffusion_rule", {"params.policy.events=[{date: 2025-02-01, action: g2g, countries: [QQQ]}]"}, 1),
      Contains("'QQQ'"));
  CHECK_THROWS_WITH(Harness("diffusion_rule", {"params.policy.events=[{date: 2025-02-01, action: rule_onn}]"}, 1),
                    Contains("did you mean 'rule_on'"));
  CHECK_THROWS_WITH(Harness("diffusion_rule", {"params.data.countries=nope.csv"}, 1), Contains("nope.csv"));
  CHECK_THROWS_WITH(Harness("diffusion_rule", {"params.vendors.output_2025=[1.0]"}, 1),
                    Contains("one value per vendor"));
}

TEST_CASE("the model's invariant checker reports a violation with the country and month", "[diffusion]") {
  using Catch::Matchers::Contains;
  Harness h("diffusion_rule", {}, 1);
  h.step(0);
  auto& s = const_cast<State&>(h.model->state());
  REQUIRE(first_violation(s, h.params) == "");
  const auto usa = static_cast<std::size_t>(s.world.table.index_of("USA"));
  s.month.country[usa].served[kUsCloud] += 1.0;
  CHECK_THAT(first_violation(s, h.params), Contains("2025-01") && Contains("USA") && Contains("not conserved"));
  s.month.country[usa].served[kUsCloud] -= 1.0;
  s.month.global.vendor_shipped = 2 * s.month.global.vendor_output;
  CHECK_THAT(first_violation(s, h.params), Contains("vendors shipped more than their output"));
}

TEST_CASE("a buyer served in full by US alternatives in both rounds has a US fill rate of 1", "[diffusion]") {
  // The rationed part of a US_direct request re-chosen as US_cloud is the same demand for
  // US compute: counted once, a buyer that got all of it expects full availability.
  Harness h("diffusion_rule", {}, 1);
  std::size_t rechosen_in_us_nest = 0;
  for (int step = 0; step < 24; ++step) {
    h.step(step);
    const auto& s = h.model->state();
    const auto& b = s.buyers;
    auto is_us = [](std::uint8_t k) { return k == kUsDirect || k == kUsCloud; };
    for (std::size_t i = 0; i < b.size(); ++i) {
      const bool all_us = is_us(b.alt1[i]) && (b.alt2[i] == 255 || is_us(b.alt2[i]));
      if (!all_us || static_cast<double>(b.backlog[i]) != 0.0) continue;
      INFO("buyer " << i << " month " << step);
      REQUIRE(s.scratch.own_us_fill[i] == Approx(1.0).margin(1e-12));
      if (b.alt2[i] != 255) ++rechosen_in_us_nest;
    }
  }
  CHECK(rechosen_in_us_nest > 0);
}

TEST_CASE("gatekeepers place capacity by the US cloud requests of both rounds", "[diffusion]") {
  Harness h("strict", {}, 1);
  const std::size_t n = h.model->state().world.countries;
  std::vector<double> quarter(n, 0.0);
  double round2 = 0;
  for (int step = 0; step < 3; ++step) {
    h.step(step);
    for (std::size_t c = 0; c < n; ++c) {
      const auto& m = h.model->state().month.country[c];
      quarter[c] += m.demand[kUsCloud] + m.demand2[kUsCloud];
      round2 += m.demand2[kUsCloud];
    }
  }
  REQUIRE(round2 > 0);  // capped demand re-chose US cloud
  h.step(3);            // April: the quarter's placement sees the first quarter's requests
  const auto& signal = h.model->state().gatekeepers.cloud_signal_prev;
  for (std::size_t c = 0; c < n; ++c) REQUIRE(signal[c] == Approx(quarter[c]).epsilon(1e-12));
}

TEST_CASE("the vendors' scarcity signal counts the orders they were asked to ship, not refused requests",
          "[diffusion]") {
  // Month 0 of the rule with a tiny cap and no exemptions: the caps refuse Tier 2 requests.
  // With output just above the orders that cleared, vendors see no scarcity.
  // Output is set directly, so capacity follows the given path (frozen), not the packaging ceiling.
  const std::vector<std::string> tight{"params.policy.rule.cap_h100e=10", "params.policy.rule.lpp_h100e_per_year=0",
                                       "params.policy.rule.nveu=false", "params.vendors.capacity.behaviour=frozen"};
  auto abundant = tight;  // vendors ship every cleared order: the flows do not depend on output
  abundant.push_back("params.vendors.output_2025=[1e12, 0]");
  Harness probe("diffusion_rule", abundant, 1);
  probe.step(0);
  const auto& s0 = probe.model->state();
  const double cleared = s0.month.global.vendor_orders;
  double refused = 0;
  for (const auto& m : s0.month.country) refused += m.cap_requested - m.cap_drawn;
  REQUIRE(refused > 0.02 * cleared);
  const double output = 1.01 * cleared * 12;  // per year: the 2025 level
  auto with_output = tight;
  with_output.push_back("params.vendors.output_2025=[" + std::to_string(output) + ", 0]");
  Harness h("diffusion_rule", with_output, 1);
  h.step(0);
  CHECK(h.model->state().month.global.vendor_orders == Approx(cleared).epsilon(1e-12));
  CHECK(h.model->state().vendors.excess_share == 0.0);
}
