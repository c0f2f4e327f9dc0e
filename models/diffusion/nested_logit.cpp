#include "models/diffusion/nested_logit.hpp"

#include <cmath>
#include <limits>

namespace tiersim::models::diffusion {

std::array<double, kNumAlts> nested_logit(const std::array<double, kNumAlts>& v, AltMask available,
                                          const NestParams& nests) {
  const std::array<double, kNumNests> mu = {nests.mu_us, nests.mu_cn, 1.0};
  constexpr double kNone = -std::numeric_limits<double>::infinity();
  // Inclusive value of each nest, shifted by the nest's largest scaled utility so no
  // exponential overflows whatever the scale of V.
  std::array<double, kNumNests> top{kNone, kNone, kNone};
  for (int k = 0; k < kNumAlts; ++k) {
    if ((available & bit(k)) == 0) continue;
    const int n = kNestOf[static_cast<std::size_t>(k)];
    top[static_cast<std::size_t>(n)] =
        std::max(top[static_cast<std::size_t>(n)], v[static_cast<std::size_t>(k)] / mu[static_cast<std::size_t>(n)]);
  }
  std::array<double, kNumNests> inclusive{kNone, kNone, kNone};
  for (int n = 0; n < kNumNests; ++n) {
    const auto un = static_cast<std::size_t>(n);
    if (top[un] == kNone) continue;
    double s = 0.0;
    for (int k = 0; k < kNumAlts; ++k) {
      if ((available & bit(k)) == 0 || kNestOf[static_cast<std::size_t>(k)] != n) continue;
      s += std::exp(v[static_cast<std::size_t>(k)] / mu[un] - top[un]);
    }
    inclusive[un] = top[un] + std::log(s);
  }
  double top_level = kNone;
  for (int n = 0; n < kNumNests; ++n) {
    const auto un = static_cast<std::size_t>(n);
    if (inclusive[un] != kNone) top_level = std::max(top_level, mu[un] * inclusive[un]);
  }
  double denom = 0.0;
  for (int n = 0; n < kNumNests; ++n) {
    const auto un = static_cast<std::size_t>(n);
    if (inclusive[un] != kNone) denom += std::exp(mu[un] * inclusive[un] - top_level);
  }
  const double log_denom = top_level + std::log(denom);
  std::array<double, kNumAlts> p{};
  for (int k = 0; k < kNumAlts; ++k) {
    const auto uk = static_cast<std::size_t>(k);
    if ((available & bit(k)) == 0) continue;
    const auto un = static_cast<std::size_t>(kNestOf[uk]);
    p[uk] = std::exp(v[uk] / mu[un] - inclusive[un] + mu[un] * inclusive[un] - log_denom);
  }
  return p;
}

ChoiceTable make_choice_table(const std::array<double, kNumAlts>& e, AltMask available, const NestParams& nests) {
  ChoiceTable t;
  auto nest = [&](int first, int second, double mu, double& g) {
    const double x1 = (available & bit(first)) ? e[static_cast<std::size_t>(first)] : 0.0;
    const double x2 = (available & bit(second)) ? e[static_cast<std::size_t>(second)] : 0.0;
    const double sum = x1 + x2;
    if (sum <= 0) return;
    g = mu == 1.0 ? sum : std::exp(mu * std::log(sum));
    t.within[static_cast<std::size_t>(first)] = x1 / sum;
    t.within[static_cast<std::size_t>(second)] = x2 / sum;
  };
  nest(kUsDirect, kUsCloud, nests.mu_us, t.g_us);
  nest(kCnChip, kCnCloud, nests.mu_cn, t.g_cn);
  if (available & bit(kDefer)) {
    t.g_defer = e[kDefer];
    t.within[kDefer] = 1.0;
  }
  return t;
}

int draw_choice(const ChoiceTable& t, double us_weight, double cn_weight, double u) {
  return draw_alternative(choice_probabilities(t, us_weight, cn_weight), u);
}

}  // namespace tiersim::models::diffusion
