#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/diffusion/buyers.hpp"

using namespace tiersim;
using namespace tiersim::models::diffusion;

namespace {

struct World {
  DiffusionParams p;
  BuyerInit init;
  BuyerIndex index;
  World(std::vector<std::size_t> counts, std::vector<double> monthly, std::vector<double> project) {
    init.monthly_demand_2025 = monthly;
    init.installed.assign(monthly.size(), 1000.0);
    init.cn_stack_share.assign(monthly.size(), 0.25);
    init.nveu_eligible_country.assign(monthly.size(), true);
    init.project_share = std::move(project);
    index.begin.assign(counts.size() + 1, 0);
    for (std::size_t c = 0; c < counts.size(); ++c) index.begin[c + 1] = index.begin[c] + counts[c];
  }
};

}  // namespace

TEST_CASE("buyer counts follow demand shares with a floor", "[diffusion][buyers]") {
  const auto n = buyers_per_country({0.75, 0.2, 0.0499, 0.0001}, 10000, 3);
  CHECK(n == std::vector<std::size_t>{7500, 2000, 499, 3});
}

TEST_CASE("buyers' demand adds up to each country's demand and the national project holds its share",
          "[diffusion][buyers]") {
  World w({5000, 200, 3}, {1000.0, 50.0, 2.0}, {0.0, 0.8, 0.0});
  const engine::Executor ex(2);
  const auto b = make_buyers(w.p, w.init, w.index, 7, 0, ex);
  REQUIRE(b.size() == 5203);
  for (std::size_t c = 0; c < 3; ++c) {
    double sum = 0, installed = 0;
    for (std::size_t i = w.index.begin[c]; i < w.index.begin[c + 1]; ++i) {
      REQUIRE(b.country[i] == c);
      sum += b.base_demand[i];
      installed += b.ib_us[i] + b.ib_cn[i];
    }
    CHECK(sum == Approx(w.init.monthly_demand_2025[c]).epsilon(1e-12));
    CHECK(installed == Approx(1000.0).epsilon(1e-12));
  }
  CHECK(b.base_demand[5000] == Approx(0.8 * 50.0));
}

TEST_CASE("sizes are Pareto-tailed and training shares Beta(2,3)", "[diffusion][buyers]") {
  World w({100000}, {1.0e6}, {0.0});
  const engine::Executor ex(2);
  const auto b = make_buyers(w.p, w.init, w.index, 11, 0, ex);
  // Pareto(1.2): the largest 1% of buyers hold far more than 1% of demand.
  auto sizes = b.base_demand;
  std::sort(sizes.begin(), sizes.end(), std::greater<>());
  const double top = std::accumulate(sizes.begin(), sizes.begin() + 1000, 0.0);
  CHECK(top / 1.0e6 > 0.2);
  // Hill estimator of the tail index on the top 1% (4-sigma band: alpha/sqrt(k) = 0.038).
  double hill = 0;
  for (int i = 0; i < 1000; ++i) hill += std::log(sizes[static_cast<std::size_t>(i)] / sizes[1000]);
  CHECK(1000.0 / hill == Approx(1.2).margin(0.15));
  // Beta(2, 3): mean 0.4, variance 0.04.
  double m = 0, m2 = 0;
  for (float tf : b.training) {
    const auto t = static_cast<double>(tf);
    m += t;
    m2 += t * t;
  }
  m /= static_cast<double>(b.size());
  m2 = m2 / static_cast<double>(b.size()) - m * m;
  CHECK(m == Approx(0.4).margin(0.004));
  CHECK(m2 == Approx(0.04).margin(0.002));
  // Initial stacks: 25% of buyers on the Chinese stack (4 sigma of a binomial).
  const auto cn = std::count_if(b.ib_cn.begin(), b.ib_cn.end(), [](double x) { return x > 0; });
  CHECK(std::fabs(static_cast<double>(cn) / 1e5 - 0.25) < 4 * std::sqrt(0.25 * 0.75 / 1e5));
}

TEST_CASE("buyers are identical for any thread count and differ across seeds", "[diffusion][buyers]") {
  World w({3000, 3000}, {10.0, 20.0}, {0.5, 0.0});
  const auto a = make_buyers(w.p, w.init, w.index, 3, 1, engine::Executor(1));
  const auto b = make_buyers(w.p, w.init, w.index, 3, 1, engine::Executor(2));
  const auto c = make_buyers(w.p, w.init, w.index, 4, 1, engine::Executor(2));
  CHECK(a.base_demand == b.base_demand);
  CHECK(a.training == b.training);
  CHECK(a.base_demand != c.base_demand);
}

TEST_CASE("only large buyers in eligible countries are National VEUs", "[diffusion][buyers]") {
  World w({10, 10}, {1.0e5, 1.0e5}, {0.9, 0.9});
  w.init.nveu_eligible_country = {true, false};
  const engine::Executor ex(1);
  const auto b = make_buyers(w.p, w.init, w.index, 1, 0, ex);
  CHECK(b.nveu[0] == 1);   // 90k/month x 12 >= 50k/year
  CHECK(b.nveu[1] == 0);   // a small buyer
  CHECK(b.nveu[10] == 0);  // not an eligible country
}
