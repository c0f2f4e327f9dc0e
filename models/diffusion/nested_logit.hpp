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

/// A buyer's probabilities from its country's table and its two multipliers (inline: the
/// clearing passes call it once or twice per buyer-month).
inline std::array<double, kNumAlts> choice_probabilities(const ChoiceTable& t, double us_weight, double cn_weight) {
  const double w_us = t.g_us * us_weight;
  const double w_cn = t.g_cn * cn_weight;
  const double total = w_us + w_cn + t.g_defer;
  std::array<double, kNumAlts> p{};
  p[kUsDirect] = w_us / total * t.within[kUsDirect];
  p[kUsCloud] = w_us / total * t.within[kUsCloud];
  p[kCnChip] = w_cn / total * t.within[kCnChip];
  p[kCnCloud] = w_cn / total * t.within[kCnCloud];
  p[kDefer] = t.g_defer / total;
  return p;
}

/// Inverse-CDF draw over nests, then within the nest (the same alternative order as
/// draw_alternative on choice_probabilities, to rounding).
int draw_choice(const ChoiceTable& t, double us_weight, double cn_weight, double u);

/// Index of the alternative a uniform draw u in [0,1) selects (inverse CDF in fixed order).
inline int draw_alternative(const std::array<double, kNumAlts>& p, double u) {
  double c = 0.0;
  int last = -1;
  for (int k = 0; k < kNumAlts; ++k) {
    if (p[static_cast<std::size_t>(k)] <= 0.0) continue;
    c += p[static_cast<std::size_t>(k)];
    last = k;
    if (u < c) return k;
  }
  return last;  // u beyond the rounded total: the last alternative with positive probability
}

}  // namespace tiersim::models::diffusion
