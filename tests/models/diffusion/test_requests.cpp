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
    buyers.nveu = {0, 0, 1};
    buyers.lpp_used = {0.0, 1500.0, 0.0};
    buyers.nveu_used = {0.0, 0.0, 99000.0};
    rules.caps = true;
    buyers.lpp_requested = {0.0, 1500.0, 0.0};  // (= lpp_used: one consignee each, all exempt)
    rules.lpp_limit = 1699.0;
    rules.nveu_limit = 100000.0;
  }
};

}  // namespace

TEST_CASE("US_direct requests clear by NVEU allowance, then LPP exemption, then the country cap",
          "[diffusion][requests]") {
  SplitFixture f;
  SECTION("Tier 1: no cap applies") {
    const auto sp = split_direct(f.rules, *f.policy, f.buyers, 0, 0, 5000.0);
    CHECK(sp.free_ == 5000.0);
    CHECK(sp.cap + sp.lpp + sp.nveu == 0.0);
  }
  SECTION("Tier 2 without NVEU: what is left of the LPP exemption, then the cap") {
    const auto sp = split_direct(f.rules, *f.policy, f.buyers, 1, 1, 5000.0);
    CHECK(sp.lpp == Approx(199.0));
    CHECK(sp.cap == Approx(4801.0));
    CHECK(sp.nveu == 0.0);
  }
  SECTION("an NVEU beyond its allowance: the LPP exemption, then the cap") {
    const auto sp = split_direct(f.rules, *f.policy, f.buyers, 2, 1, 5000.0);
    CHECK(sp.nveu == Approx(1000.0));
    CHECK(sp.lpp == Approx(1699.0));
    CHECK(sp.cap == Approx(2301.0));
  }
  SECTION("a buyer standing for 2.5 consignees has 2.5 NVEU allowances and LPP exemptions") {
    // Country 1: buyers 1 and 2, the lower and upper halves of the consignee sizes.
    ConsigneeSizes sizes;
    sizes.per_buyer = {1.0, 2.5};
    sizes.first = {0, 1};
    sizes.end = {1, 3};
    sizes.finish();
    f.rules.consignee_sizes = &sizes;
    const auto nveu = split_direct(f.rules, *f.policy, f.buyers, 2, 1, 1.0e7);
    CHECK(nveu.nveu == Approx(2.5 * 100000.0 - 99000.0));
    CHECK(nveu.lpp == Approx(2.5 * 1699.0));  // nothing imported yet: every consignee's whole exemption
    // Buyer 1 requested 1500 this year, spread over its consignees by size (all below the
    // limit): what is left of their exemptions is the pooled 2.5 x 1699 - 1500 ...
    const auto ordinary = split_direct(f.rules, *f.policy, f.buyers, 1, 1, 1.0e7);
    CHECK(ordinary.lpp == Approx(2.5 * 1699.0 - 1500.0));
    // ... but after 4000 the largest of them are at their limit and what they asked beyond
    // it used no exemption: more is left than the pooled 2.5 x 1699 - 4000.
    f.buyers.lpp_requested[1] = 4000.0;
    const auto later = split_direct(f.rules, *f.policy, f.buyers, 1, 1, 1.0e7);
    CHECK(later.lpp > 2.5 * 1699.0 - 4000.0);
    CHECK(later.lpp < 2.5 * 1699.0 - 1500.0);
    f.buyers.lpp_requested[1] = 1500.0;
    CHECK(ordinary.lpp + ordinary.cap == Approx(1.0e7));
    SECTION("a national project is one consignee") {
      const std::vector<std::size_t> project{kNoBuyer, 1};
      f.rules.project_buyer = &project;
      sizes.first = {0, 2};
      CHECK(split_direct(f.rules, *f.policy, f.buyers, 1, 1, 5000.0).lpp == Approx(199.0));
      CHECK(split_direct(f.rules, *f.policy, f.buyers, 2, 1, 1.0e7).nveu == Approx(2.5 * 100000.0 - 99000.0));
    }
  }
  SECTION("no caps in force: everything is unrestricted") {
    f.rules.caps = false;
    const auto sp = split_direct(f.rules, *f.policy, f.buyers, 2, 1, 5000.0);
    CHECK(sp.free_ == 5000.0);
  }
}
