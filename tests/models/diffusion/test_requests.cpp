// How a US_direct request clears under the rule (models/diffusion/clearing/requests.hpp).
#include <catch2/catch.hpp>

#include "models/diffusion/clearing/requests.hpp"

using namespace tiersim;
using namespace tiersim::models::diffusion;

namespace {

struct SplitFixture {
  CountryTable table;
  PolicyParams pp;
  std::unique_ptr<Policy> policy;
  Buyers buyers;
  MonthRules rules;

  SplitFixture() {
    table.rows.resize(2);
    table.rows[0].tier_2025 = 1;
    table.rows[1].tier_2025 = 2;
    policy = std::make_unique<Policy>(pp, table, std::vector<Event>{}, std::vector<bool>{false, false});
    buyers.country = {0, 1, 1};
    buyers.nveu = {0, 0, 1};
    buyers.lpp_used = {0.0, 1500.0, 0.0};
    buyers.nveu_used = {0.0, 0.0, 99000.0};
    rules.caps = true;
    rules.lpp_limit = 1699.0;
    rules.nveu_limit = 100000.0;
  }
};

}  // namespace

TEST_CASE("US_direct requests clear by NVEU allowance, then LPP exemption, then the country cap",
          "[diffusion][requests]") {
  SplitFixture f;
  SECTION("Tier 1: no cap applies") {
    const auto sp = split_direct(f.rules, *f.policy, f.buyers, 0, 5000.0);
    CHECK(sp.free_ == 5000.0);
    CHECK(sp.cap + sp.lpp + sp.nveu == 0.0);
  }
  SECTION("Tier 2 without NVEU: what is left of the LPP exemption, then the cap") {
    const auto sp = split_direct(f.rules, *f.policy, f.buyers, 1, 5000.0);
    CHECK(sp.lpp == Approx(199.0));
    CHECK(sp.cap == Approx(4801.0));
    CHECK(sp.nveu == 0.0);
  }
  SECTION("an NVEU beyond its allowance: the LPP exemption, then the cap") {
    const auto sp = split_direct(f.rules, *f.policy, f.buyers, 2, 5000.0);
    CHECK(sp.nveu == Approx(1000.0));
    CHECK(sp.lpp == Approx(1699.0));
    CHECK(sp.cap == Approx(2301.0));
  }
  SECTION("no caps in force: everything is unrestricted") {
    f.rules.caps = false;
    const auto sp = split_direct(f.rules, *f.policy, f.buyers, 2, 5000.0);
    CHECK(sp.free_ == 5000.0);
  }
}
