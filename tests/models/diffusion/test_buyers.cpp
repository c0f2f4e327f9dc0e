#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "models/diffusion/buyers.hpp"
#include "models/diffusion/country_sums.hpp"

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
    init.consignees_per_buyer.assign(monthly.size(), 1.0);
    index.begin.assign(counts.size() + 1, 0);
    for (std::size_t c = 0; c < counts.size(); ++c) index.begin[c + 1] = index.begin[c] + counts[c];
  }
};

}  // namespace

TEST_CASE("buyer counts follow demand shares with a floor", "[diffusion][buyers]") {
  const auto n = buyers_per_country({0.75, 0.2, 0.0499, 0.0001}, 10000, 3);
  CHECK(n == std::vector<std::size_t>{7500, 2000, 499, 3});
}

TEST_CASE("an ordinary buyer stands for the consignees its country has beyond its national project",
          "[diffusion][buyers]") {
  BuyerIndex index;
  index.begin = {0, 7500, 9500, 9999, 10002};
  const std::vector<double> share{0.75, 0.2, 0.0499, 0.0001};
  const std::vector<bool> project{false, true, false, true};
  SECTION("as many consignees as buyers (the defaults): one each") {
    const auto w = consignees_per_buyer(share, 10000, 3, index, project);
    CHECK(w == std::vector<double>{1.0, 1.0, 1.0, 1.0});
  }
  SECTION("ten times as many consignees: about ten each, the project still one") {
    const auto w = consignees_per_buyer(share, 100000, 3, index, project);
    CHECK(w[0] == 75000.0 / 7500.0);
    CHECK(w[1] == (20000.0 - 1.0) / (2000.0 - 1.0));
    CHECK(w[2] == 4990.0 / 499.0);
    CHECK(w[3] == (10.0 - 1.0) / (3.0 - 1.0));
  }
  SECTION("fewer consignees than buyers: a fraction of one each, at least K_min per country") {
    const auto w = consignees_per_buyer(share, 1000, 2, index, project);
    CHECK(w[0] == 750.0 / 7500.0);
    CHECK(w[3] == (2.0 - 1.0) / (3.0 - 1.0));
  }
}

TEST_CASE("Pareto strata means average to the mean and capped means follow their limits", "[diffusion][buyers]") {
  const double alpha = 1.2;
  for (const std::size_t m : {1UL, 7UL, 1000UL, 1000000UL}) {
    double sum = 0;
    for (std::size_t j = 0; j < m; ++j) sum += pareto_stratum_mean(j, m, alpha);
    CHECK(sum / static_cast<double>(m) == Approx(alpha / (alpha - 1.0)).epsilon(1e-9));
  }
  // E[min(tX, L) | stratum] against a midpoint rule on F^-1(u) = (1 - u)^(-1/alpha).
  const std::size_t m = 10;
  for (std::size_t j = 0; j < m; ++j) {
    for (const double t : {0.0, 10.0, 300.0, 1699.0, 5000.0}) {
      const int steps = 200000;
      double numeric = 0;
      for (int k = 0; k < steps; ++k) {
        const double u = (static_cast<double>(j) + (k + 0.5) / steps) / static_cast<double>(m);
        numeric += std::min(t * std::pow(1.0 - u, -1.0 / alpha), 1699.0);
      }
      numeric /= steps;
      CHECK(pareto_stratum_capped_mean(j, m, alpha, t, 1699.0) == Approx(numeric).epsilon(2e-3).margin(1e-9));
    }
  }
  // No limit: nothing exempt; a tiny consignee: all of it.
  CHECK(pareto_stratum_capped_mean(3, 10, alpha, 100.0, 0.0) == 0.0);
  CHECK(pareto_stratum_capped_mean(0, 10, alpha, 1.0, 1699.0) == Approx(pareto_stratum_mean(0, 10, alpha)));
}

TEST_CASE("an NVEU is a buyer whose consignees each demand more than the threshold", "[diffusion][buyers]") {
  // One country, 10 buyers, no project: yearly demands are Pareto draws of a 1.2e6 total.
  World w({10}, {1.0e5}, {0.0});
  w.p.policy.rule.nveu_min_demand = 1.0e5;
  const auto one = make_buyers(w.p, w.init, w.index, 5, 0);
  w.init.consignees_per_buyer = {4.0};
  const auto four = make_buyers(w.p, w.init, w.index, 5, 0);
  int nveu_one = 0, nveu_four = 0;
  for (std::size_t i = 0; i < one.size(); ++i) {
    const double yearly = 12.0 * static_cast<double>(one.base_demand[i]);
    CHECK(one.nveu[i] == (yearly >= 1.0e5 ? 1 : 0));
    CHECK(four.nveu[i] == (yearly >= 4.0e5 ? 1 : 0));
    nveu_one += one.nveu[i];
    nveu_four += four.nveu[i];
  }
  CHECK(nveu_one > nveu_four);  // the draw has buyers between the two thresholds
}

TEST_CASE("buyers' demand adds up to each country's demand and the national project holds its share",
          "[diffusion][buyers]") {
  World w({5000, 200, 3}, {1000.0, 50.0, 2.0}, {0.0, 0.8, 0.0});
  const auto b = make_buyers(w.p, w.init, w.index, 7, 0);
  REQUIRE(b.size() == 5203);
  for (std::size_t c = 0; c < 3; ++c) {
    double sum = 0, installed = 0;
    for (std::size_t i = w.index.begin[c]; i < w.index.begin[c + 1]; ++i) {
      REQUIRE(w.index.country_of(i) == c);
      sum += static_cast<double>(b.base_demand[i]);
      installed += static_cast<double>(b.ib_us[i]) + static_cast<double>(b.ib_cn[i]);
    }
    // Each stored value is rounded to single precision, within 2^-24 of its double.
    const auto eps = static_cast<double>(std::numeric_limits<Quantity>::epsilon());
    CHECK(sum == Approx(w.init.monthly_demand_2025[c]).epsilon(eps));
    CHECK(installed == Approx(1000.0).epsilon(eps));
  }
  CHECK(b.base_demand[5000] == Approx(0.8 * 50.0));
}

TEST_CASE("sizes are Pareto-tailed and training shares Beta(2,3)", "[diffusion][buyers]") {
  World w({100000}, {1.0e6}, {0.0});
  const engine::Executor ex(2);
  const auto b = make_buyers(w.p, w.init, w.index, 11, 0);
  // Pareto(1.2): the largest 1% of buyers hold far more than 1% of demand.
  auto sizes = b.base_demand;
  std::sort(sizes.begin(), sizes.end(), std::greater<>());
  const double top = std::accumulate(sizes.begin(), sizes.begin() + 1000, 0.0);
  CHECK(top / 1.0e6 > 0.2);
  // Hill estimator of the tail index on the top 1% (4-sigma band: alpha/sqrt(k) = 0.038).
  double hill = 0;
  for (int i = 0; i < 1000; ++i)
    hill += std::log(static_cast<double>(sizes[static_cast<std::size_t>(i)]) / static_cast<double>(sizes[1000]));
  CHECK(1000.0 / hill == Approx(1.2).margin(0.15));
  // Beta(2, 3): mean 0.4, variance 0.04.
  double m = 0, m2 = 0;
  for (float tf : training_shares(w.p, b.size(), 11, 0, ex)) {
    const auto t = static_cast<double>(tf);
    m += t;
    m2 += t * t;
  }
  m /= static_cast<double>(b.size());
  m2 = m2 / static_cast<double>(b.size()) - m * m;
  CHECK(m == Approx(0.4).margin(0.004));
  CHECK(m2 == Approx(0.04).margin(0.002));
  // Initial stacks: 25% of buyers on the Chinese stack (4 sigma of a binomial).
  const auto cn = std::count_if(b.ib_cn.begin(), b.ib_cn.end(), [](Quantity x) { return x > 0.0F; });
  CHECK(std::fabs(static_cast<double>(cn) / 1e5 - 0.25) < 4 * std::sqrt(0.25 * 0.75 / 1e5));
}

TEST_CASE("buyers are identical for any thread count and differ across seeds", "[diffusion][buyers]") {
  World w({3000, 3000}, {10.0, 20.0}, {0.5, 0.0});
  const auto a = make_buyers(w.p, w.init, w.index, 3, 1);
  const auto c = make_buyers(w.p, w.init, w.index, 4, 1);
  const auto training_1 = training_shares(w.p, a.size(), 3, 1, engine::Executor(1));
  const auto training_2 = training_shares(w.p, a.size(), 3, 1, engine::Executor(2));
  CHECK(training_1 == training_2);
  // Sizes are the strata of the size distribution, the same for every seed; training
  // shares and stacks are draws.
  CHECK(a.base_demand == c.base_demand);
  CHECK(training_1 != training_shares(w.p, a.size(), 4, 1, engine::Executor(2)));
  CHECK(a.ib_cn != c.ib_cn);
}

TEST_CASE("only large buyers in eligible countries are National VEUs", "[diffusion][buyers]") {
  World w({10, 10}, {1.0e5, 1.0e5}, {0.9, 0.9});
  w.init.nveu_eligible_country = {true, false};
  const auto b = make_buyers(w.p, w.init, w.index, 1, 0);
  CHECK(b.nveu[0] == 1);   // 90k/month x 12 >= 50k/year
  CHECK(b.nveu[1] == 0);   // a small buyer
  CHECK(b.nveu[10] == 0);  // not an eligible country
}

TEST_CASE("a stored quantity rounds a sum once, and a carried one down", "[diffusion][buyers]") {
  // add_to: the sum of the stored value and a double, rounded to the nearest float once.
  Quantity q = 1.0F;
  add_to(q, 1e-8);  // below half a unit in the last place of 1: stays
  CHECK(q == 1.0F);
  add_to(q, 0.75e-7);  // above half of 2^-23: rounds up
  CHECK(q == std::nextafter(1.0F, 2.0F));
  // Once: 1 + (2^-24 + 2^-50) rounds up to 1 + 2^-23; rounding the addend to float first
  // would leave a tie, 1 + 2^-24, which rounds to even, 1.
  Quantity once = 1.0F;
  add_to(once, 0x1p-24 + 0x1p-50);
  CHECK(once == 1.0F + 0x1p-23F);
  // add_up: never below the exact sum, even for additions below half a unit in the last place.
  Quantity used = 1.0F;
  double exact = 1.0;
  for (int i = 0; i < 100; ++i) {
    add_up(used, 1e-9);
    exact += 1e-9;
    REQUIRE(static_cast<double>(used) >= exact);
  }
  Quantity exact_sum = 0.5F;
  add_up(exact_sum, 0.25);  // representable: no rounding
  CHECK(exact_sum == 0.75F);
  // stored_down: the largest float not above x, exact where x is a float.
  for (const double x : {0.0, 1.0, 0.1, 1.0 / 3.0, 2.0 / 3.0, 12345.678901, 1e-30, 3.4e38, 1e-40, 1.0 + 0x1p-24,
                         static_cast<double>(std::numeric_limits<Quantity>::max())}) {
    const Quantity down = stored_down(x);
    INFO(x);
    CHECK(static_cast<double>(down) <= x);
    CHECK(static_cast<double>(std::nextafter(down, std::numeric_limits<Quantity>::infinity())) > x);
    // Within a unit in the last place: relative for normal floats, absolute for subnormal ones.
    const double ulp = std::max(x * static_cast<double>(std::numeric_limits<Quantity>::epsilon()),
                                static_cast<double>(std::numeric_limits<Quantity>::denorm_min()));
    CHECK(x - static_cast<double>(down) <= ulp);
  }
  CHECK(stored_down(0.5) == 0.5F);
  CHECK(stored_down(1.0 + 0x1p-24) == 1.0F);                         // a tie that rounding to nearest sends to even
  CHECK(stored_down(1e39) == std::numeric_limits<Quantity>::max());  // beyond the largest float
}

TEST_CASE("a buyer's country is the range it is in, empty countries skipped", "[diffusion][buyers]") {
  // Countries 1 and 3 have no buyers; 0 has 2, 2 has 3, 4 has 1.
  BuyerIndex index;
  CHECK(index.buyers() == 0);  // no countries yet
  index.begin = {0, 2, 2, 5, 5, 6};
  REQUIRE(index.buyers() == 6);
  const std::vector<std::size_t> expected{0, 0, 2, 2, 2, 4};
  for (std::size_t i = 0; i < 6; ++i) CHECK(index.country_of(i) == expected[i]);
}

TEST_CASE("per-country sums equal serial sums, in the same order for any thread count", "[diffusion][buyers]") {
  // Countries without buyers first, between and last; countries straddling the executor's
  // blocks (2048 buyers) and one spanning several blocks.
  const std::vector<std::size_t> counts{0, 0, 3, 2047, 0, 1, 5000, 2049, 0, 4096, 7, 0, 0};
  BuyerIndex index;
  index.begin.assign(counts.size() + 1, 0);
  for (std::size_t c = 0; c < counts.size(); ++c) index.begin[c + 1] = index.begin[c] + counts[c];
  const auto value = [](std::size_t i) { return 1.0 / static_cast<double>(i + 3); };
  // Serial reference: each country's buyers in order, split where the blocks split them.
  std::vector<double> serial(counts.size(), 0.0);
  std::vector<std::size_t> visits(index.buyers(), 0);
  for (std::size_t c = 0; c < counts.size(); ++c) {
    double part = 0;
    for (std::size_t i = index.begin[c]; i < index.begin[c + 1]; ++i) {
      if (i != index.begin[c] && i % engine::kBlockSize == 0) {
        serial[c] += part;
        part = 0;
      }
      part += value(i);
    }
    serial[c] += part;
  }
  for (const int threads : {1, 2}) {
    INFO(threads << " threads");
    const engine::Executor ex(threads);
    std::fill(visits.begin(), visits.end(), 0);
    const auto sums = per_country_sums<std::array<double, 1>>(ex, index, [&](std::size_t i, std::size_t c, auto& acc) {
      CHECK(index.country_of(i) == c);
      ++visits[i];
      acc[0] += value(i);
    });
    REQUIRE(sums.size() == counts.size());
    for (std::size_t c = 0; c < counts.size(); ++c) CHECK(sums[c][0] == serial[c]);  // bit for bit
    CHECK(std::all_of(visits.begin(), visits.end(), [](std::size_t v) { return v == 1; }));
  }
}
