#pragma once
// The model's invariants for the month just cleared (docs/ODD.md s.7.2-7.4): demand is
// conserved in every country; nothing is served negative; no capacity is exceeded (cap
// ledgers, LPP and NVEU allowances, vendor output, gatekeeper capacity in each country,
// Chinese supply); no US compute is served where it is barred (Tier 3); leakage moves
// compute only from Tier 2 to Tier 3, conserved, within its limits; the UVEU
// placement limits hold while in force. Builds with TIERSIM_CHECKS (Debug, CI) check them
// every month and stop the run at the first violation.
#include <limits>
#include <string>

#include "models/diffusion/state.hpp"

namespace tiersim::models::diffusion {

/// Relative tolerance of the checks: sums of doubles over up to 1e7 buyers.
inline constexpr double kInvariantTolerance = 1e-9;

/// Relative tolerance of the check on a buyer's NVEU allowance in use, a stored quantity:
/// each addition is rounded up to single precision, so the stored use is never below the
/// compute served under the allowance, and the headroom is recomputed from it in every
/// round, so the stored use ends at most one unit in the last place (2^-23 relative) above
/// the allowance however many rounds it took.
inline constexpr auto kStoredTolerance = static_cast<double>(std::numeric_limits<Quantity>::epsilon());

/// The first violated invariant, as a message naming the quantity, the country and the
/// month; empty if every invariant holds.
std::string first_violation(const State& s, const DiffusionParams& p);

}  // namespace tiersim::models::diffusion
