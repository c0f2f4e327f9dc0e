#pragma once
// A country's stance toward the Chinese AI stack (MODEL s.6): a Brock-Durlauf discrete
// choice with peer effects inside its bloc,
//   U(s) = h_s(ally, tier 1, US pressure) + J m_bloc(s) + e,  P(s) ~ exp(beta U(s)),
// updated asynchronously (each quarter a country revisits its stance with some probability).
#include <array>
#include <cstdint>

#include "models/diffusion/params.hpp"

namespace tiersim::models::diffusion {

enum class Stance : std::uint8_t { open = 0, restrict = 1, exclude = 2 };
inline constexpr int kNumStances = 3;

struct StanceInputs {
  bool ally = false;
  bool tier1 = false;
  bool guidance = false;                ///< US pressure event active
  std::array<double, kNumStances> bloc_share{1.0, 0.0, 0.0};  ///< m_bloc(s)
};

std::array<double, kNumStances> stance_probabilities(const StanceParams& p, const StanceInputs& in);

/// Inverse-CDF draw of a stance from probabilities.
Stance draw_stance(const std::array<double, kNumStances>& prob, double u);

}  // namespace tiersim::models::diffusion
