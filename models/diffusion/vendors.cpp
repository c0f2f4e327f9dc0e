// US chip vendors at settlement: revenue by destination tier (docs/ODD.md s.3).
#include <numeric>

#include "models/diffusion/phases.hpp"

namespace tiersim::models::diffusion {

void vendor_revenue(State& s) {
  // Chips shipped by the tier of their destination: buyers' imports at the price of the
  // country's market, gatekeeper builds (where the quarter's placement puts them) at the
  // price of the gatekeepers' market; split over vendors by output shares.
  const auto& policy = *s.policy;
  const auto& gk = s.gatekeepers;
  auto& v = s.vendors;
  std::array<double, 3> money_by_tier{0, 0, 0};
  double money = 0;
  for (std::size_t c = 0; c < s.world.countries; ++c) {
    double builds = 0;
    for (std::size_t k = 0; k < gk.shipped.size(); ++k) builds += gk.shipped[k] * gk.share[k][c];
    const double here = s.month.country[c].served[kUsDirect] * v.market_price[market_of(policy, c)] +
                        builds * v.market_price[kMarketCloud];
    v.revenue_by_country[c] = here;
    money_by_tier[static_cast<std::size_t>(policy.tier(c) - 1)] += here;
    money += here;
  }
  const double out_total = std::accumulate(v.output.begin(), v.output.end(), 0.0);
  for (std::size_t k = 0; k < v.output.size(); ++k) {
    const double share = out_total > 0 ? v.output[k] / out_total : 0.0;
    for (std::size_t t = 0; t < 3; ++t) v.revenue[k][t] = money_by_tier[t] * share;
  }
  s.month.global.vendor_revenue = money;
}

}  // namespace tiersim::models::diffusion
