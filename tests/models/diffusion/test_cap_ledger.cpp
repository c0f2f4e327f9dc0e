// The Tier 2 cap ledgers within a month (models/diffusion/clearing/cap_ledger.hpp).
#include <catch2/catch.hpp>

#include "models/diffusion/clearing/cap_ledger.hpp"

using namespace tiersim;
using namespace tiersim::models::diffusion;

namespace {

struct LedgerFixture {
  PolicyParams pp;
  CountryTable table;
  std::unique_ptr<Policy> policy;
  MonthRules rules;
  rng::Stream stream{1, 0, rng::purpose_id("test.ration")};
  BuyerIndex index;
  ClearingScratch scratch;
  std::vector<CountryMonth> month;

  explicit LedgerFixture(Rationing rationing) {
    pp.rule.release = CapRelease::front_loaded;  // the whole cap available in the first month
    pp.rule.cap_h100e = 100.0;
    pp.rule.rationing = rationing;
    table.rows.resize(1);
    table.rows[0].iso3 = "ARE";
    table.rows[0].tier_2025 = 2;
    policy = std::make_unique<Policy>(pp, table, std::vector<Event>{{0, EventAction::rule_on, {}, 2}},
                                      std::vector<bool>{false});
    policy->apply(0);
    rules.caps = true;
    rules.random_order = rationing == Rationing::random_order;
    index.begin = {0, 2};
    scratch.cap_part = {150.0, 50.0};  // two buyers ask 200 of a ledger of 100
    scratch.cap_grant = {0.0, 0.0};
    month.assign(1, CountryMonth{});
  }
  std::vector<RoundRequests> requests(double cap) const {
    std::vector<RoundRequests> r(1);
    r[0].direct.cap = cap;
    return r;
  }
};

}  // namespace

TEST_CASE("a short ledger is granted pro rata and charged with what vendors ship", "[diffusion][ledger]") {
  LedgerFixture f(Rationing::pro_rata);
  CapLedger ledger(*f.policy, f.rules, {2025, 1}, 1, f.stream);
  REQUIRE(ledger.available(0) == Approx(100.0));
  ledger.grant(f.requests(200.0), f.index, f.scratch, 0);
  CHECK(ledger.share(0) == Approx(0.5));
  CHECK(ledger.granted(0) == Approx(100.0));
  ledger.draw({0.6, 0.6, 0.6, 0.6}, f.month);  // vendors ship 60% of every market's orders
  CHECK(f.policy->ledger_used(0) == Approx(60.0));
  CHECK(f.month[0].cap_drawn == Approx(60.0));
  // What vendors could not ship is still on the ledger for round 2.
  CHECK(ledger.available(0) == Approx(40.0));
  ledger.grant(f.requests(10.0), f.index, f.scratch, 1);
  CHECK(ledger.granted(0) == Approx(10.0));
}

TEST_CASE("random-order rationing grants whole requests in a random order until the ledger is empty",
          "[diffusion][ledger]") {
  LedgerFixture f(Rationing::random_order);
  CapLedger ledger(*f.policy, f.rules, {2025, 1}, 1, f.stream);
  ledger.grant(f.requests(200.0), f.index, f.scratch, 0);
  // Whichever buyer comes first gets what it asked (up to 100); the other gets the rest.
  CHECK(f.scratch.cap_grant[0] + f.scratch.cap_grant[1] == Approx(100.0));
  CHECK((f.scratch.cap_grant[1] == Approx(50.0) || f.scratch.cap_grant[0] == Approx(100.0)));
  CHECK(ledger.granted(0) == Approx(100.0));
  ledger.draw({1.0, 1.0, 1.0, 1.0}, f.month);
  CHECK(ledger.available(0) == Approx(0.0));
  CHECK(f.policy->ledger_used(0) == Approx(100.0));
}
