// The US vendors' allocation of scarce output across markets and their price by market
// (models/diffusion/us_supply.hpp, docs/ODD.md s.7.8): the water-filling rule on its own,
// then its sign and lag in the whole model.
#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "models/diffusion/us_supply.hpp"
#include "tests/models/diffusion/harness.hpp"

using namespace tiersim;
using namespace tiersim::models::diffusion;
using tiersim::testing::Harness;

namespace {

double shipped(const MarketArray& fill, const MarketArray& orders) {
  double total = 0;
  for (std::size_t m = 0; m < kNumMarkets; ++m) total += fill[m] * orders[m];
  return total;
}

}  // namespace

TEST_CASE("Allocation: enough output fills every order, equal weights give every market the same fill",
          "[diffusion][us][markets]") {
  const MarketArray orders{4.0, 3.0, 2.0, 1.0};
  const MarketArray equal{1.0, 1.0, 1.0, 1.0};
  for (const double fill : allocate_output(10.0, orders, equal)) CHECK(fill == 1.0);
  for (const double fill : allocate_output(25.0, orders, {5.0, 0.1, 1.0, 2.0})) CHECK(fill == 1.0);
  const auto f = allocate_output(5.0, orders, equal);
  for (const double fill : f) CHECK(fill == Approx(0.5).epsilon(1e-15));
  CHECK(shipped(f, orders) == Approx(5.0).epsilon(1e-15));
}

TEST_CASE("Allocation: a market with more weight fills first, the rest share what is left, output all shipped",
          "[diffusion][us][markets]") {
  const MarketArray orders{1.0, 1.0, 1.0, 1.0};
  // weight x orders: 4 of 7 would give the first market 8/7 of its orders; it is filled and
  // the others share the remaining 1 equally.
  const auto f = allocate_output(2.0, orders, {4.0, 1.0, 1.0, 1.0});
  CHECK(f[0] == 1.0);
  for (std::size_t m = 1; m < kNumMarkets; ++m) CHECK(f[m] == Approx(1.0 / 3.0).epsilon(1e-15));
  // Unequal weights below saturation: fills in proportion to weight.
  const auto g = allocate_output(1.0, orders, {1.0, 2.0, 1.0, 0.5});
  CHECK(g[1] == Approx(2.0 * g[0]).epsilon(1e-14));
  CHECK(g[3] == Approx(0.5 * g[0]).epsilon(1e-14));
  CHECK(shipped(g, orders) == Approx(1.0).epsilon(1e-14));
  // A market without orders takes nothing and does not change the others' fills.
  const auto h = allocate_output(1.5, {0.0, 1.0, 1.0, 1.0}, {100.0, 1.0, 1.0, 1.0});
  CHECK(h[0] == 1.0);
  for (std::size_t m = 1; m < kNumMarkets; ++m) CHECK(h[m] == Approx(0.5).epsilon(1e-15));
}

TEST_CASE("Allocation: raising a market's weight never lowers its fill nor raises another's, and never ships more",
          "[diffusion][us][markets]") {
  const MarketArray orders{3.0, 1.0, 2.0, 0.5};
  const double output = 3.0;
  MarketArray w{1.0, 1.0, 1.0, 1.0};
  auto before = allocate_output(output, orders, w);
  for (int step = 0; step < 40; ++step) {
    w[2] *= 1.25;
    const auto after = allocate_output(output, orders, w);
    INFO("weight " << w[2]);
    CHECK(after[2] >= before[2] - 1e-15);
    for (const std::size_t m : {0UL, 1UL, 3UL}) CHECK(after[m] <= before[m] + 1e-15);
    CHECK(shipped(after, orders) == Approx(output).epsilon(1e-13));
    for (const double fill : after) {
      CHECK(fill >= 0.0);
      CHECK(fill <= 1.0);
    }
    before = after;
  }
  CHECK(before[2] == 1.0);  // a large enough weight fills the market in full
}

namespace {

/// Months of a run with scarce US output (half the packaging ceiling, capacity frozen at
/// the v1 path scaled down), and the gatekeepers' and the import markets' fills and prices.
struct MarketPath {
  std::vector<double> cloud_fill, import_fill, tier2_fill, cloud_price, tier2_price;
  std::vector<bool> scarce;
};

MarketPath market_path(const std::vector<std::string>& extra) {
  std::vector<std::string> overrides{"params.vendors.output_2025=[4.8e6, 0.4e6]",
                                     "params.vendors.capacity.behaviour=frozen"};
  overrides.insert(overrides.end(), extra.begin(), extra.end());
  Harness h("diffusion_rule", overrides, 1);
  const auto& s = h.model->state();
  MarketPath out;
  for (int t = 0; t < 24; ++t) {
    h.step(t);
    const auto& g = s.month.global;
    double orders = 0, shipped_imports = 0, import_orders = 0;
    for (std::size_t m = 0; m < kNumMarkets; ++m) orders += g.market_orders[m];
    for (std::size_t m = kMarketTier1; m < kNumMarkets; ++m) {
      shipped_imports += g.market_shipped[m];
      import_orders += g.market_orders[m];
    }
    out.scarce.push_back(orders > g.vendor_output * (1 + 1e-9));
    out.cloud_fill.push_back(g.market_shipped[kMarketCloud] / g.market_orders[kMarketCloud]);
    out.import_fill.push_back(shipped_imports / import_orders);
    out.tier2_fill.push_back(
        g.market_orders[kMarketTier2] > 0 ? g.market_shipped[kMarketTier2] / g.market_orders[kMarketTier2] : 1.0);
    out.cloud_price.push_back(s.vendors.market_price[kMarketCloud]);
    out.tier2_price.push_back(s.vendors.market_price[kMarketTier2]);
  }
  return out;
}

}  // namespace

TEST_CASE("Scarce output goes first to the market with priority, and the rationed markets' prices rise a month later",
          "[diffusion][us][markets]") {
  const auto even = market_path({});
  const auto first = market_path({"params.vendors.allocation.priority_cloud=4"});
  int scarce_months = 0, later = 0;
  for (std::size_t t = 0; t < even.scarce.size(); ++t) {
    if (!first.scarce[t]) continue;
    ++scarce_months;
    INFO("month " << t);
    // The gatekeepers' orders are filled at least as well as the buyers' imports.
    CHECK(first.cloud_fill[t] >= first.import_fill[t] - 1e-12);
    // Prices this month answer last month's scarcity: the rationed markets pay more.
    if (t + 1 < even.scarce.size() && first.tier2_fill[t] < first.cloud_fill[t] - 1e-6) {
      ++later;
      CHECK(first.tier2_price[t + 1] > first.cloud_price[t + 1]);
    }
  }
  REQUIRE(scarce_months >= 6);  // the scenario is scarce enough to test anything
  REQUIRE(later >= 3);
  // With priority, the gatekeepers get more of the short months than with even weights.
  double even_fill = 0, first_fill = 0;
  for (std::size_t t = 0; t < even.scarce.size(); ++t) {
    even_fill += even.cloud_fill[t];
    first_fill += first.cloud_fill[t];
  }
  CHECK(first_fill > even_fill);
}

TEST_CASE("Frozen allocation: one world price in every market (the v1 rule), even when output is short",
          "[diffusion][us][markets]") {
  const auto frozen = market_path({"params.vendors.allocation.behaviour=frozen"});
  int scarce_months = 0;
  for (std::size_t t = 0; t < frozen.scarce.size(); ++t) {
    INFO("month " << t);
    CHECK(frozen.cloud_price[t] == frozen.tier2_price[t]);
    if (frozen.scarce[t]) ++scarce_months;
  }
  REQUIRE(scarce_months >= 6);
  // The same months responding: the markets' prices part.
  const auto adaptive = market_path({});
  double gap = 0;
  for (std::size_t t = 0; t < adaptive.scarce.size(); ++t)
    gap += std::abs(adaptive.tier2_price[t] - adaptive.cloud_price[t]);
  CHECK(gap > 0.0);
}
