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

/// The buyer's terms scale whole stacks: exp(delta ln A_b - S_b [majority CN]) on the US
/// nest, exp(-S_b [majority US]) on the Chinese one.
inline BuyerWeights buyer_weights(const ChoiceParams& p, const Buyers& buyers, const ChoiceInputs& choice,
                                  std::size_t b) {
  const double a = std::max(p.availability_floor, static_cast<double>(buyers.a_us[b]));
  const double switching = static_cast<double>(choice.switching[b]);
  const bool majority_cn = buyers.majority_cn(b);
  return {std::exp(p.delta_avail * std::log(a)) * (majority_cn ? switching : 1.0), majority_cn ? 1.0 : switching};
}

/// Choice probabilities of buyer b, with alternative `removed` unavailable (-1: none).
inline std::array<double, kNumAlts> buyer_probabilities(const ChoiceParams& p, const Buyers& buyers,
                                                        const ChoiceInputs& choice, std::size_t b, int removed = -1) {
  const BuyerWeights w = buyer_weights(p, buyers, choice, b);
  return choice_probabilities(choice.tables[buyers.country[b]][static_cast<std::size_t>(removed + 1)], w.us, w.cn);
}

/// Re-choice probabilities of a Tier 2 buyer refused on the cap, US_direct being the
/// compliant chip (ChoiceInputs::compliant).
inline std::array<double, kNumAlts> compliant_probabilities(const ChoiceParams& p, const Buyers& buyers,
                                                            const ChoiceInputs& choice, std::size_t b) {
  const BuyerWeights w = buyer_weights(p, buyers, choice, b);
  return choice_probabilities(choice.compliant[buyers.country[b]], w.us, w.cn);
}

}  // namespace tiersim::models::diffusion
