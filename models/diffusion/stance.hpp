#pragma once
// A country's stance toward the Chinese AI stack (docs/ODD.md s.7.7): a Brock-Durlauf
// discrete choice with peer effects inside its bloc, state dependence, and a response to
// the AI market,
//   U(s) = h_s(ally, tier 1, US pressure) + J m_bloc(s) + h_stay [s = current]
//          + [s = open] (h_capped capped + h_binding binding + h_dependence dependence) + e,
//   P(s) ~ exp(beta U(s)),
// updated asynchronously (each quarter a country revisits its stance with some probability).
#include <array>
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "models/diffusion/country_table.hpp"
#include "models/diffusion/params.hpp"
#include "sim/rng/stream.hpp"

namespace tiersim::models::diffusion {

enum class Stance : std::uint8_t { open = 0, restrict = 1, exclude = 2 };
inline constexpr int kNumStances = 3;

/// The stance a country's 5G decision on Huawei corresponds to (unknown: open).
inline Stance stance_of_5g(FiveG g) {
  return g == FiveG::excluded ? Stance::exclude : (g == FiveG::restricted ? Stance::restrict : Stance::open);
}

struct StanceInputs {
  bool ally = false;
  bool tier1 = false;
  bool guidance = false;                                      ///< US pressure event active
  std::array<double, kNumStances> bloc_share{1.0, 0.0, 0.0};  ///< m_bloc(s)
  int current = -1;                                           ///< the stance held now (-1: none yet)
  bool capped = false;                                        ///< the rule's caps apply to the country
  double binding = 0.0;                                       ///< share of the quarter's months its cap bound
  double dependence = 0.0;                                    ///< Chinese share of its installed compute
};

/// What each country's stance responds to in the AI market, per country (docs/ODD.md s.7.7).
struct StanceSignals {
  std::vector<bool> capped;
  std::vector<double> binding;
  std::vector<double> dependence;
};

std::array<double, kNumStances> stance_probabilities(const StanceParams& p, const StanceInputs& in);

/// Inverse-CDF draw of a stance from probabilities.
Stance draw_stance(const std::array<double, kNumStances>& prob, double u);

/// The fixed traits of the countries whose stances evolve.
struct StanceWorld {
  std::vector<int> bloc;  ///< bloc (region) index per country
  std::size_t blocs = 0;
  std::vector<bool> ally;   ///< US treaty ally or MNNA
  std::vector<bool> tier1;  ///< Tier 1 partner
  std::vector<bool> fixed;  ///< stance never revised (China)
  /// Blocs x countries, 1 where the country belongs to the bloc (set by finish()).
  Eigen::MatrixXd membership;

  /// Build the membership matrix from `bloc` and `blocs`.
  void finish();
};

/// Share of each bloc's members holding each stance (blocs x 3): membership times the
/// countries' stances as indicator rows, divided by the bloc's size. The counts are sums of
/// zeros and ones, exact in any order.
Eigen::MatrixXd bloc_shares(const StanceWorld& world, const std::vector<Stance>& stance);

/// One quarterly revision (synchronous): bloc shares from the current stances, then each
/// country that is not fixed revisits its stance with probability update_probability,
/// given its current stance and the AI market's signals; without `signals` memoryless and
/// blind to the market (the v1 process, which the 5G calibration fits).
/// Draws: stream.uniform(entity_offset + country, step, 0 and 1).
void revise_stances(std::vector<Stance>& stance, const StanceWorld& world, const StanceParams& params, bool guidance,
                    const StanceSignals* signals, const rng::Stream& stream, std::uint64_t step,
                    std::uint64_t entity_offset = 0);

}  // namespace tiersim::models::diffusion
