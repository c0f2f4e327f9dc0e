// US chip vendors at settlement: revenue by destination tier (docs/ODD.md s.3).
#include <numeric>

#include "models/diffusion/phases.hpp"

namespace tiersim::models::diffusion {

void vendor_revenue(State& s) {
  // Chips shipped by the tier of their destination: buyers' imports and gatekeeper builds
  // where the quarter's placement puts them; split over vendors by output shares.
  std::array<double, 3> shipped_by_tier{0, 0, 0};
  const auto& policy = *s.policy;
  for (std::size_t c = 0; c < s.world.countries; ++c) {
    shipped_by_tier[static_cast<std::size_t>(policy.tier(c) - 1)] += s.month.country[c].served[kUsDirect];
  }
  const auto& gk = s.gatekeepers;
  for (std::size_t k = 0; k < gk.shipped.size(); ++k) {
    for (std::size_t c = 0; c < s.world.countries; ++c) {
      shipped_by_tier[static_cast<std::size_t>(policy.tier(c) - 1)] += gk.shipped[k] * gk.share[k][c];
    }
  }
  auto& v = s.vendors;
  const double out_total = std::accumulate(v.output.begin(), v.output.end(), 0.0);
  for (std::size_t k = 0; k < v.output.size(); ++k) {
    const double share = out_total > 0 ? v.output[k] / out_total : 0.0;
    for (std::size_t t = 0; t < 3; ++t) v.revenue[k][t] = shipped_by_tier[t] * share * v.price;
  }
  // The same money by destination country (the tier sums above keep their own order).
  for (std::size_t c = 0; c < s.world.countries; ++c) {
    double here = s.month.country[c].served[kUsDirect];
    for (std::size_t k = 0; k < gk.shipped.size(); ++k) here += gk.shipped[k] * gk.share[k][c];
    v.revenue_by_country[c] = here * v.price;
  }
  s.month.global.vendor_revenue = v.price * s.month.global.vendor_shipped;
}

}  // namespace tiersim::models::diffusion
