#include <catch2/catch.hpp>

#include "models/diffusion/policy.hpp"
#include "models/diffusion/stance.hpp"
#include "models/diffusion/supply.hpp"
#include "sim/config/yaml_loader.hpp"
#include "sim/core/error.hpp"

using namespace tiersim;
using namespace tiersim::models::diffusion;
using Catch::Matchers::Contains;

TEST_CASE("the cap is released linearly over 2025-2027, then at the yearly rate", "[diffusion][policy]") {
  RuleParams r;
  CHECK(cap_released(r, {2024, 12}) == 0.0);
  CHECK(cap_released(r, {2025, 1}) == Approx(49900.0 / 36));
  CHECK(cap_released(r, {2025, 12}) == Approx(49900.0 / 3));
  CHECK(cap_released(r, {2027, 12}) == Approx(49900.0));
  CHECK(cap_released(r, {2028, 12}) == Approx(49900.0 + 16633.0));
  r.release = CapRelease::front_loaded;
  CHECK(cap_released(r, {2025, 1}) == Approx(49900.0));
}

TEST_CASE("NVEU allowances reach 100k, 270k, 320k at the end of 2025-2027", "[diffusion][policy]") {
  RuleParams r;
  CHECK(nveu_allowance(r, {2025, 12}) == Approx(100000.0));
  CHECK(nveu_allowance(r, {2026, 6}) == Approx(185000.0));
  CHECK(nveu_allowance(r, {2027, 12}) == Approx(320000.0));
  CHECK(nveu_allowance(r, {2028, 12}) == Approx(370000.0));
}

TEST_CASE("events switch the rule, guidance and tiers in their month", "[diffusion][policy]") {
  CountryTable t;
  t.rows.resize(3);
  t.rows[0].tier_2025 = 1;
  t.rows[1].tier_2025 = 2;
  t.rows[2].tier_2025 = 3;
  PolicyParams pp;
  std::vector<Event> ev{{4, EventAction::rule_off, {}, 2},        {0, EventAction::rule_on, {}, 2},
                        {4, EventAction::guidance_on, {}, 2},     {10, EventAction::tier, {2}, 2},
                        {-1, EventAction::retaliation_on, {}, 2}, {2, EventAction::g2g, {1}, 2}};
  Policy p(pp, t, ev, {false, false, false});
  CHECK(p.apply(0));
  CHECK(p.rule_in_force());
  CHECK(p.retaliation());  // dated before the run: applied in the first month
  p.apply(1);
  CHECK(p.ledger_released(1, {2025, 3}) == Approx(3 * 49900.0 / 36));
  p.apply(2);
  CHECK(p.g2g(1));
  CHECK(p.ledger_released(1, {2025, 3}) == Approx(2 * 3 * 49900.0 / 36));
  p.apply(3);
  CHECK_FALSE(p.apply(4));
  CHECK_FALSE(p.rule_in_force());
  CHECK(p.guidance());
  CHECK(p.tier(2) == 3);
  p.apply(10);
  CHECK(p.tier(2) == 2);
  p.ledger_draw(1, 1000.0);
  CHECK(p.ledger_available(1, {2025, 3}) == Approx(2 * 3 * 49900.0 / 36 - 1000.0));
}

TEST_CASE("compliant chips are open to capped Tier 2 buyers only while caps apply and events allow",
          "[diffusion][policy]") {
  CountryTable t;
  t.rows.resize(1);
  t.rows[0].tier_2025 = 2;
  PolicyParams pp;
  std::vector<Event> ev{{0, EventAction::rule_on, {}, 2},
                        {2, EventAction::compliant_tier2_off, {}, 2},
                        {4, EventAction::compliant_tier2_on, {}, 2},
                        {6, EventAction::rule_off, {}, 2}};
  Policy p(pp, t, ev, {false});
  CHECK_FALSE(p.compliant_tier2());  // no caps before the first month's events
  p.apply(0);
  CHECK(p.compliant_tier2());  // compliant_tier2_at_start
  p.apply(2);
  CHECK_FALSE(p.compliant_tier2());
  p.apply(4);
  CHECK(p.compliant_tier2());
  p.apply(6);
  CHECK_FALSE(p.compliant_tier2());  // no caps, nothing to be outside of
}

TEST_CASE("event actions are decoded by name, unknown or missing ones are refused", "[diffusion][policy]") {
  auto decode = [](const std::string& yaml) {
    PolicyParams p;
    config::decode(config::parse_yaml(yaml, "cfg.yaml"), p, "params.policy");
    return p;
  };
  const auto ok = decode("events: [{date: 2025-05-13, action: rule_off}]\n");
  REQUIRE(ok.events.size() == 1);
  CHECK(ok.events[0].action == EventAction::rule_off);
  CHECK(event_action_name(ok.events[0].action) == "rule_off");
  CHECK_THROWS_WITH(decode("events: [{date: 2025-05-13, action: rule_onn}]\n"),
                    Contains("cfg.yaml:1") && Contains("did you mean 'rule_on'"));
  // Without an action the event decodes as `unset`, which the model's check refuses.
  DiffusionParams params;
  params.policy = decode("events: [{date: 2025-05-13}]\n");
  CHECK(params.policy.events[0].action == EventAction::unset);
  CHECK_THROWS_WITH(params.check(config::parse_yaml("{}", "cfg.yaml")),
                    Contains("params.policy.events[0].action") && Contains("needs an action"));
}

TEST_CASE("growth paths decline linearly and compound", "[diffusion][supply]") {
  CHECK(growth_factor(2.2, 1.5, 2025) == 2.2);
  CHECK(growth_factor(2.2, 1.5, 2027) == Approx(1.85));
  CHECK(growth_factor(2.2, 1.5, 2031) == 1.5);
  CHECK(path_level(1.0, 2.2, 1.5, 2025) == 1.0);
  CHECK(path_level(1.0, 2.2, 1.5, 2027) == Approx(2.2 * 2.025));
  CHECK(path_level(1.0, 2.2, 1.5, 2024) == Approx(1.0 / 2.2));
  VendorParams v;
  CHECK(us_base_price(v, {2026, 1}) == Approx(15400.0 * 0.75));
  ChinaParams c;
  CHECK(huawei_units(c, 2026) == 6.0e5);
  CHECK(huawei_units(c, 2029) == Approx(1.0e6 * 1.5 * 1.5));
  c.output_scale = 2.0;
  CHECK(huawei_units(c, 2025) == Approx(8.0e5));
}

TEST_CASE("stance probabilities: sum to one, peers pull, pressure pushes", "[diffusion][stance]") {
  StanceParams p;
  StanceInputs in;
  const auto base = stance_probabilities(p, in);
  CHECK(base[0] + base[1] + base[2] == Approx(1.0));
  in.bloc_share = {0.0, 0.0, 1.0};
  const auto peers = stance_probabilities(p, in);
  CHECK(peers[2] > base[2]);
  in.guidance = true;
  CHECK(stance_probabilities(p, in)[0] < peers[0]);
  p.j_peer = 0;
  in.guidance = false;
  const auto a = stance_probabilities(p, in);
  in.bloc_share = {1.0, 0.0, 0.0};
  const auto b = stance_probabilities(p, in);
  CHECK(a[0] == Approx(b[0]));  // J = 0: no peer effect
  // State dependence: the stance held gains; none held (-1) is the memoryless v1 process.
  StanceParams q;
  StanceInputs held;
  const auto memoryless = stance_probabilities(q, held);
  held.current = static_cast<int>(Stance::restrict);
  const auto stay = stance_probabilities(q, held);
  CHECK(stay[1] > memoryless[1]);
  CHECK(stay[0] < memoryless[0]);
  q.h_stay = 0;
  CHECK(stance_probabilities(q, held)[1] == Approx(memoryless[1]).epsilon(1e-15));
  // The AI market: caps, binding caps and dependence on Chinese compute each raise open.
  StanceInputs market;
  const double open0 = stance_probabilities(q, market)[0];
  market.capped = true;
  const double open1 = stance_probabilities(q, market)[0];
  market.binding = 1.0;
  const double open2 = stance_probabilities(q, market)[0];
  market.dependence = 0.5;
  const double open3 = stance_probabilities(q, market)[0];
  CHECK(open0 < open1);
  CHECK(open1 < open2);
  CHECK(open2 < open3);
  CHECK(draw_stance({0.2, 0.3, 0.5}, 0.1) == Stance::open);
  CHECK(draw_stance({0.2, 0.3, 0.5}, 0.4) == Stance::restrict);
  CHECK(draw_stance({0.2, 0.3, 0.5}, 0.6) == Stance::exclude);
}
