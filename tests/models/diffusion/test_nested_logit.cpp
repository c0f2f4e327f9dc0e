#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/diffusion/nested_logit.hpp"
#include "sim/rng/stream.hpp"

using namespace tiersim::models::diffusion;

namespace {
std::array<double, kNumAlts> mnl(const std::array<double, kNumAlts>& v, AltMask m) {
  std::array<double, kNumAlts> p{};
  double s = 0;
  for (int k = 0; k < kNumAlts; ++k) {
    if (m & bit(k)) s += std::exp(v[static_cast<std::size_t>(k)]);
  }
  for (int k = 0; k < kNumAlts; ++k) {
    if (m & bit(k)) p[static_cast<std::size_t>(k)] = std::exp(v[static_cast<std::size_t>(k)]) / s;
  }
  return p;
}
}  // namespace

TEST_CASE("nested logit with mu = 1 equals multinomial logit", "[diffusion][logit]") {
  const std::array<double, kNumAlts> v{0.3, -0.2, -1.5, -2.0, -0.7};
  for (AltMask m : {kAllAlts, AltMask(bit(kUsCloud) | bit(kCnChip) | bit(kDefer)), AltMask(bit(kDefer))}) {
    const auto p = nested_logit(v, m, {1.0, 1.0});
    const auto q = mnl(v, m);
    for (std::size_t k = 0; k < kNumAlts; ++k) CHECK(p[k] == Approx(q[k]).epsilon(1e-12));
  }
}

TEST_CASE("probabilities sum to one and unavailable alternatives get zero", "[diffusion][logit]") {
  const std::array<double, kNumAlts> v{1.0, 0.5, -1.0, -0.5, 0.0};
  const AltMask m = bit(kUsDirect) | bit(kCnCloud) | bit(kDefer);
  const auto p = nested_logit(v, m, {0.4, 0.7});
  CHECK(std::accumulate(p.begin(), p.end(), 0.0) == Approx(1.0).epsilon(1e-14));
  CHECK(p[kUsCloud] == 0.0);
  CHECK(p[kCnChip] == 0.0);
}

TEST_CASE("within a nest the odds are exp((V_i - V_j)/mu) and across nests they are not IIA", "[diffusion][logit]") {
  const std::array<double, kNumAlts> v{0.8, 0.1, -1.0, -1.3, -0.5};
  const double mu = 0.5;
  const auto p = nested_logit(v, kAllAlts, {mu, 0.6});
  CHECK(p[kUsDirect] / p[kUsCloud] == Approx(std::exp((0.8 - 0.1) / mu)).epsilon(1e-12));
  CHECK(p[kCnChip] / p[kCnCloud] == Approx(std::exp((-1.0 + 1.3) / 0.6)).epsilon(1e-12));
  // Removing US_direct moves more of its share to US_cloud (same nest) than proportional.
  const auto q = nested_logit(v, static_cast<AltMask>(kAllAlts & ~bit(kUsDirect)), {mu, 0.6});
  const double gain_cloud = q[kUsCloud] / p[kUsCloud];
  const double gain_cn = q[kCnChip] / p[kCnChip];
  CHECK(gain_cloud > gain_cn);
}

TEST_CASE("nested logit is stable for extreme utilities", "[diffusion][logit]") {
  const std::array<double, kNumAlts> v{1000.0, 999.0, -1000.0, -2000.0, 0.0};
  const auto p = nested_logit(v, kAllAlts, {0.05, 0.05});
  for (double x : p) REQUIRE(std::isfinite(x));
  CHECK(std::accumulate(p.begin(), p.end(), 0.0) == Approx(1.0));
  CHECK(p[kUsDirect] > 0.99);
}

TEST_CASE("simulated choice frequencies match the closed form (chi-square, 0.1% level)", "[diffusion][logit]") {
  const std::array<double, kNumAlts> v{0.2, 0.0, -0.8, -1.1, -0.4};
  const auto p = nested_logit(v, kAllAlts, {0.5, 0.7});
  const tiersim::rng::Stream s(99, 0, 1);
  const int n = 200000;
  std::array<int, kNumAlts> count{};
  for (int i = 0; i < n; ++i)
    ++count[static_cast<std::size_t>(draw_alternative(p, s.uniform(static_cast<std::uint64_t>(i), 0)))];
  double chi2 = 0;
  for (std::size_t k = 0; k < kNumAlts; ++k) {
    const double e = n * p[k];
    chi2 += (count[k] - e) * (count[k] - e) / e;
  }
  CHECK(chi2 < 18.47);  // chi-square, 4 degrees of freedom, 0.999 quantile
}

TEST_CASE("draw_alternative never returns an unavailable alternative", "[diffusion][logit]") {
  std::array<double, kNumAlts> p{0.0, 0.5, 0.0, 0.5, 0.0};
  CHECK(draw_alternative(p, 0.0) == kUsCloud);
  CHECK(draw_alternative(p, 0.7) == kCnCloud);
  CHECK(draw_alternative(p, 0.9999999999999999) == kCnCloud);
}

TEST_CASE("the tabulated (country x mask) form equals the general nested logit", "[diffusion][logit]") {
  const tiersim::rng::Stream s(17, 0, 3);
  for (std::uint64_t trial = 0; trial < 2000; ++trial) {
    auto c = s.cursor(trial, 0);
    std::array<double, kNumAlts> base{};
    for (auto& x : base) x = 6.0 * c.uniform() - 3.0;
    const NestParams nests{0.05 + 0.95 * c.uniform(), 0.05 + 0.95 * c.uniform()};
    const double adj_us = -3.0 * c.uniform();  // per-buyer adjustment of the US stack
    const double adj_cn = -3.0 * c.uniform();
    const auto mask = static_cast<AltMask>(bit(kDefer) | (c.below(16) & 0x0F));
    std::array<double, kNumAlts> v = base;
    v[kUsDirect] += adj_us;
    v[kUsCloud] += adj_us;
    v[kCnChip] += adj_cn;
    v[kCnCloud] += adj_cn;
    const auto general = nested_logit(v, mask, nests);
    const double shift = *std::max_element(base.begin(), base.end());
    const std::array<double, kNumAlts> mu{nests.mu_us, nests.mu_us, nests.mu_cn, nests.mu_cn, 1.0};
    std::array<double, kNumAlts> e{};
    for (std::size_t k = 0; k < kNumAlts; ++k) e[k] = std::exp((base[k] - shift) / mu[k]);
    const auto fast = choice_probabilities(make_choice_table(e, mask, nests), std::exp(adj_us), std::exp(adj_cn));
    for (std::size_t k = 0; k < kNumAlts; ++k) REQUIRE(fast[k] == Approx(general[k]).epsilon(1e-12).margin(1e-15));
  }
}
