#pragma once
// Where a gatekeeper puts new capacity (MODEL s.5).
//
// The gatekeeper maximises sum_c w_c ln(1 + K_c + x_c): margins rise with the US-cloud
// demand w_c observed in country c and fall with the capacity already there, so new
// capacity is spread by water-filling (the "+1" H100e keeps ln finite where K_c = 0).
// Subject to sum_c x_c = X, x_c >= 0, no capacity in Tier 3 and, while the UVEU rule is in
// force: (K_c + x_c) <= max_tier2 (K + X) for every Tier 2 c, sum_{Tier 1} (K_c + x_c) >=
// min_tier1 (K + X), and (K_home + x_home) >= min_home (K + X).
//
// Solved exactly: each combination of binding group constraints (none, home, Tier 1, both)
// gives independent water-filling problems; the best feasible candidate is the optimum
// (the objective is concave, so the optimum's active set is one of the four).
#include <vector>

namespace tiersim::models::diffusion {

struct PlacementProblem {
  std::vector<double> weight;    ///< demand signal per country (>= 0)
  std::vector<double> existing;  ///< capacity already placed (K_c, H100e)
  std::vector<int> tier;         ///< active tier per country (1, 2, 3)
  int home = -1;                 ///< index of the headquarters country (-1: none)
  double budget = 0.0;           ///< X, H100e to place
  bool uveu = false;             ///< UVEU limits in force
  double min_tier1 = 0.75;
  double max_tier2 = 0.07;
  double min_home = 0.5;
  double home_bias = 0.0;  ///< weight of the home country multiplied by (1 + home_bias)
};

struct Placement {
  std::vector<double> x;  ///< new capacity per country
  bool feasible = true;   ///< false if the UVEU limits cannot all be met (x is then a best effort)
};

Placement place_capacity(const PlacementProblem& problem);

/// Water-fill `budget` over `members`: x_c = clamp(w_c / nu - (1 + K_c), lo_c, hi_c) with nu
/// chosen so the x sum to the budget. Returns false if the budget exceeds sum(hi).
bool water_fill(const std::vector<int>& members, const std::vector<double>& weight, const std::vector<double>& existing,
                const std::vector<double>& lo, const std::vector<double>& hi, double budget, std::vector<double>& x);

}  // namespace tiersim::models::diffusion
