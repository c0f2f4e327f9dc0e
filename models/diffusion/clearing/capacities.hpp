#pragma once
// Capacities within one month's clearing and the rationing factors of a round (docs/ODD.md
// s.7.3): a round's requests are served pro rata from what every capacity has left, and
// each round uses up what it served, so the next round sees only the rest.
#include <algorithm>
#include <vector>

#include "models/diffusion/clearing/cap_ledger.hpp"
#include "models/diffusion/clearing/requests.hpp"
#include "models/diffusion/state.hpp"

namespace tiersim::models::diffusion {

/// What is left of the month's global capacities, H100e.
struct Capacities {
  double vendor = 0;           ///< US vendor output not yet shipped
  double cn_export = 0;        ///< Chinese chips for export
  double cn_domestic = 0;      ///< Chinese chips for China
  double cn_cloud = 0;         ///< Chinese cloud capacity abroad
  double cn_cloud_orders = 0;  ///< the Chinese clouds' hardware orders on export chips (first round only)
};

/// The shares of a round's requests that are served.
struct RoundFactors {
  std::vector<double> cap;                 ///< pro rata: share of each country's cap requests granted
  bool per_buyer_cap = false;              ///< random-order rationing: grants are per buyer (scratch.cap_grant)
  MarketArray vendor{1.0, 1.0, 1.0, 1.0};  ///< share of each market's US chip orders vendors ship
  double vendor_orders = 0.0;              ///< the round's US chip orders that the rules let through, H100e
  MarketArray market_orders{};             ///< ... by market
  /// US_cloud per country: the share served of the requests that must stay in the country
  /// (local capacity only, served first), and of the others (local, then remote) and the
  /// local part of that.
  std::vector<double> cloud_resident, cloud_other, cloud_other_local;
  double cn_export = 1.0, cn_domestic = 1.0, cn_cloud = 1.0;

  /// Share of country c's US_direct orders the vendors ship this round (its tier's market).
  double vendor_fill(const Policy& policy, std::size_t c) const { return vendor[market_of(policy, c)]; }
};

/// The month's capacities before the first round; resets the month's global flows.
Capacities open_capacities(State& s);

/// Factors of one round: its requests per country against what is left. Grants the
/// round's cap requests on the ledger; `gatekeeper_orders` are the gatekeepers' chip orders
/// that compete with buyers for vendor output in this round.
RoundFactors make_factors(const State& s, const Env& env, const std::vector<RoundRequests>& requests,
                          double gatekeeper_orders, CapLedger& ledger, const Capacities& cap, ClearingScratch& scratch,
                          std::uint64_t round);

/// The round's use of every capacity, so the next round sees what is left.
/// `shipped_direct`: US_direct served to buyers in the round.
void consume(State& s, const RoundFactors& f, const std::vector<RoundRequests>& requests, double shipped_direct,
             double gatekeeper_orders, Capacities& cap);

/// Served part of a request r for alternative k by buyer b in a round with factors f.
/// `sp` is the buyer's US_direct split (only for k == US_direct); `grant` its cap grant under
/// random-order rationing; `residency` the share of its US_cloud request that must stay in c.
inline double served_of(const RoundFactors& f, const Policy& policy, const std::vector<bool>& china, std::size_t c,
                        int k, double r, const DirectSplit& sp, double grant, double residency) {
  switch (k) {
    case kUsDirect: {
      const double cap_granted = f.per_buyer_cap ? std::min(grant, sp.cap) : f.cap[c] * sp.cap;
      return f.vendor_fill(policy, c) * (sp.lpp + cap_granted + sp.nveu + sp.free_);
    }
    case kUsCloud: return r * (residency * f.cloud_resident[c] + (1.0 - residency) * f.cloud_other[c]);
    case kCnChip: return r * (china[c] ? f.cn_domestic : f.cn_export);
    case kCnCloud: return r * (china[c] ? f.cn_domestic : f.cn_cloud);
    default: return 0.0;
  }
}

}  // namespace tiersim::models::diffusion
