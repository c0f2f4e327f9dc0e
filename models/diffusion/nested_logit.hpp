#pragma once
// McFadden-consistent nested logit (MODEL s.3), numerically stable with log-sum-exp:
//   P(k) = P(k | n) P(n),  P(k | n) = exp(V_k/mu_n) / sum_{j in n} exp(V_j/mu_n),
//   P(n) = exp(mu_n I_n) / sum_m exp(mu_m I_m),  I_n = ln sum_{j in n} exp(V_j/mu_n).
// With every mu = 1 it is multinomial logit. Unavailable alternatives get probability 0;
// Defer is its own nest, so its mu does not matter.
#include <array>

#include "models/diffusion/alternatives.hpp"

namespace tiersim::models::diffusion {

struct NestParams {
  double mu_us = 1.0;
  double mu_cn = 1.0;
};

/// Probabilities of the five alternatives. `available` must include at least one
/// alternative; the result sums to 1 over available ones (to rounding).
std::array<double, kNumAlts> nested_logit(const std::array<double, kNumAlts>& v, AltMask available,
                                          const NestParams& nests);

/// Index of the alternative a uniform draw u in [0,1) selects (inverse CDF in fixed order).
int draw_alternative(const std::array<double, kNumAlts>& p, double u);

}  // namespace tiersim::models::diffusion
