#pragma once
// A buyer's choice probabilities in the hot loop (docs/ODD.md s.7.1): the country's tabulated
// nested-logit tables (utilities.cpp) times the buyer's two multipliers. Inline so that the
// clearing passes over buyers compile to one loop body.
#include <algorithm>
#include <array>
#include <cmath>

#include "models/diffusion/nested_logit.hpp"
#include "models/diffusion/state.hpp"

namespace tiersim::models::diffusion {

struct BuyerWeights {
  double us, cn;
};

/// exp(delta ln A_b): the buyer's expected US availability to the power delta (floored).
/// It changes only in the learning phase, so the clearing passes compute it once per
/// buyer-month (ClearingScratch::avail_weight).
inline double availability_weight(const ChoiceParams& p, const Buyers& buyers, std::size_t b) {
  const double a = std::max(p.availability_floor, static_cast<double>(buyers.a_us[b]));
  return std::exp(p.delta_avail * std::log(a));
}

/// The buyer's terms scale whole stacks: exp(delta ln A_b - S_b [majority CN]) on the US
/// nest, exp(-S_b [majority US]) on the Chinese one; `avail` is availability_weight.
inline BuyerWeights buyer_weights(const ChoiceInputs& choice, const Buyers& buyers, std::size_t b, double avail) {
  const double switching = static_cast<double>(choice.switching[b]);
  const bool majority_cn = buyers.majority_cn(b);
  return {avail * (majority_cn ? switching : 1.0), majority_cn ? 1.0 : switching};
}

/// Choice probabilities of buyer b of country c, with alternative `removed` unavailable
/// (-1: none), its availability weight given.
inline std::array<double, kNumAlts> buyer_probabilities(const Buyers& buyers, const ChoiceInputs& choice, std::size_t b,
                                                        std::size_t c, double avail, int removed = -1) {
  const BuyerWeights w = buyer_weights(choice, buyers, b, avail);
  return choice_probabilities(choice.tables[c][static_cast<std::size_t>(removed + 1)], w.us, w.cn);
}

/// The same, computing the availability weight.
inline std::array<double, kNumAlts> buyer_probabilities(const ChoiceParams& p, const Buyers& buyers,
                                                        const ChoiceInputs& choice, std::size_t b, std::size_t c,
                                                        int removed = -1) {
  return buyer_probabilities(buyers, choice, b, c, availability_weight(p, buyers, b), removed);
}

/// Re-choice probabilities of a Tier 2 buyer (b of country c) refused on the cap, US_direct
/// being the compliant chip (ChoiceInputs::compliant).
inline std::array<double, kNumAlts> compliant_probabilities(const Buyers& buyers, const ChoiceInputs& choice,
                                                            std::size_t b, std::size_t c, double avail) {
  const BuyerWeights w = buyer_weights(choice, buyers, b, avail);
  return choice_probabilities(choice.compliant[c], w.us, w.cn);
}

}  // namespace tiersim::models::diffusion
