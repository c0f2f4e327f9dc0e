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

/// The same model, factored for the hot loop. When V_k = C_k + (per-buyer term on the
/// whole stack of k), the weight of nest n is f_n^mu_n (sum_{j in n} exp((C_j - s)/mu_n))^mu_n
/// with f_n = exp(buyer term / mu_n) and any common shift s. The second factor and the
/// within-nest probabilities depend only on the country and the availability mask, so they
/// are tabulated once per step; a buyer contributes two multipliers (us_weight, cn_weight =
/// f_n^mu_n = exp(buyer term of the stack)).
struct ChoiceTable {
  double g_us = 0.0, g_cn = 0.0, g_defer = 0.0;  ///< nest weights before the buyer's multipliers
  std::array<double, kNumAlts> within{};         ///< P(k | nest of k); 0 if unavailable
};

/// e_k = exp((C_k - s) / mu_nest(k)) with the same shift s for every k.
ChoiceTable make_choice_table(const std::array<double, kNumAlts>& e, AltMask available, const NestParams& nests);

std::array<double, kNumAlts> choice_probabilities(const ChoiceTable& t, double us_weight, double cn_weight);

/// Inverse-CDF draw over nests, then within the nest (the same alternative order as
/// draw_alternative on choice_probabilities, to rounding).
int draw_choice(const ChoiceTable& t, double us_weight, double cn_weight, double u);

/// Index of the alternative a uniform draw u in [0,1) selects (inverse CDF in fixed order).
int draw_alternative(const std::array<double, kNumAlts>& p, double u);

}  // namespace tiersim::models::diffusion
