#include <catch2/catch.hpp>

#include <numeric>

#include "models/diffusion/placement.hpp"
#include "sim/rng/stream.hpp"

using namespace tiersim::models::diffusion;

namespace {

// 12 countries: 0 = home (Tier 1), 1-3 Tier 1, 4-9 Tier 2, 10-11 Tier 3.
PlacementProblem random_problem(std::uint64_t seed, bool uveu) {
  const tiersim::rng::Stream s(seed, 0, 7);
  PlacementProblem p;
  p.tier = {1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3};
  p.home = 0;
  const double k_total = 1000.0;
  p.existing.assign(12, 0.0);
  // A compliant existing placement: 60% home, 25% other Tier 1, 15% over Tier 2 (<= 7% each).
  p.existing[0] = 0.6 * k_total;
  for (int c = 1; c <= 3; ++c) p.existing[static_cast<std::size_t>(c)] = 0.25 * k_total / 3;
  for (int c = 4; c <= 9; ++c) p.existing[static_cast<std::size_t>(c)] = 0.15 * k_total / 6;
  p.weight.resize(12);
  for (std::size_t c = 0; c < 12; ++c) p.weight[c] = std::pow(10.0, 3.0 * s.uniform(c, 0));
  p.budget = 100.0 + 900.0 * s.uniform(99, 0);
  p.uveu = uveu;
  p.home_bias = 0.2;
  return p;
}

void check_uveu(const PlacementProblem& p, const std::vector<double>& x) {
  const double total = std::accumulate(p.existing.begin(), p.existing.end(), 0.0) + p.budget;
  double t1 = 0;
  for (std::size_t c = 0; c < x.size(); ++c) {
    REQUIRE(x[c] >= 0.0);
    const double after = p.existing[c] + x[c];
    if (p.tier[c] == 1) t1 += after;
    if (p.tier[c] == 2) REQUIRE(after <= p.max_tier2 * total * (1 + 1e-9));
    if (p.tier[c] == 3) REQUIRE(x[c] == 0.0);
  }
  REQUIRE(t1 >= p.min_tier1 * total * (1 - 1e-9));
  REQUIRE(p.existing[0] + x[0] >= p.min_home * total * (1 - 1e-9));
}

double objective(const PlacementProblem& p, const std::vector<double>& x) {
  double s = 0;
  for (std::size_t c = 0; c < x.size(); ++c) {
    const double w = p.weight[c] * (static_cast<int>(c) == p.home ? 1 + p.home_bias : 1.0);
    s += w * std::log(1.0 + p.existing[c] + x[c]);
  }
  return s;
}

}  // namespace

TEST_CASE("placement meets the budget and every UVEU limit", "[diffusion][gatekeeper]") {
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    const auto p = random_problem(seed, true);
    const auto r = place_capacity(p);
    REQUIRE(r.feasible);
    CHECK(std::accumulate(r.x.begin(), r.x.end(), 0.0) == Approx(p.budget).epsilon(1e-9));
    check_uveu(p, r.x);
  }
}

TEST_CASE("placement is optimal: no feasible transfer between two countries improves it", "[diffusion][gatekeeper]") {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    for (bool uveu : {false, true}) {
      const auto p = random_problem(seed, uveu);
      const auto r = place_capacity(p);
      const double best = objective(p, r.x);
      const double eps = 1e-3 * p.budget;
      for (std::size_t a = 0; a < 12; ++a) {
        for (std::size_t b = 0; b < 12; ++b) {
          if (a == b || r.x[a] < eps) continue;
          auto y = r.x;
          y[a] -= eps;
          y[b] += eps;
          bool feasible = p.tier[b] != 3;
          if (feasible && uveu) {
            const double total = std::accumulate(p.existing.begin(), p.existing.end(), 0.0) + p.budget;
            double t1 = 0;
            for (std::size_t c = 0; c < 12; ++c) {
              if (p.tier[c] == 1) t1 += p.existing[c] + y[c];
              if (p.tier[c] == 2 && p.existing[c] + y[c] > p.max_tier2 * total) feasible = false;
            }
            feasible = feasible && t1 >= p.min_tier1 * total && p.existing[0] + y[0] >= p.min_home * total;
          }
          if (feasible) REQUIRE(objective(p, y) <= best + 1e-9 * std::fabs(best));
        }
      }
    }
  }
}

TEST_CASE("without the rule capacity follows demand, never into Tier 3", "[diffusion][gatekeeper]") {
  auto p = random_problem(3, false);
  p.weight.assign(12, 1.0);
  p.weight[5] = 1e6;  // a Tier 2 country with overwhelming demand
  const auto r = place_capacity(p);
  CHECK(r.x[10] == 0.0);
  CHECK(r.x[11] == 0.0);
  CHECK(r.x[5] > 0.9 * p.budget);  // no 7% limit without the rule
  p.uveu = true;
  const auto ruled = place_capacity(p);
  const double total = std::accumulate(p.existing.begin(), p.existing.end(), 0.0) + p.budget;
  CHECK(p.existing[5] + ruled.x[5] == Approx(p.max_tier2 * total).epsilon(1e-9));  // at its limit
}

TEST_CASE("water-filling equalises marginal value where bounds do not bind", "[diffusion][gatekeeper]") {
  const std::vector<int> members{0, 1, 2};
  const std::vector<double> w{1.0, 2.0, 3.0}, k{0.0, 0.0, 0.0}, lo{0, 0, 0};
  const std::vector<double> hi{1e9, 1e9, 1e9};
  std::vector<double> x(3, 0.0);
  REQUIRE(water_fill(members, w, k, lo, hi, 597.0, x));
  // w_c / (1 + x_c) equal for all: 1 + x = (1, 2, 3) * 600 / 6.
  CHECK(x[0] == Approx(99.0).epsilon(1e-9));
  CHECK(x[1] == Approx(199.0).epsilon(1e-9));
  CHECK(x[2] == Approx(299.0).epsilon(1e-9));
  std::vector<double> small_hi{10, 10, 10};
  CHECK_FALSE(water_fill(members, w, k, lo, small_hi, 31.0, x));
}
