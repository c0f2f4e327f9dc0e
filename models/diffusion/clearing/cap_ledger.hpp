#pragma once
// The Tier 2 cap ledgers within one month (docs/ODD.md s.7.3): what each round may grant,
// and the one way to draw on them. A round's requests on a country's ledger are granted in
// full if the ledger has room, else shared pro rata (every request gets the same share) or
// in random order (buyers in a random order take what they asked until the ledger is
// empty). The ledger is charged with what vendors ship of the grants; the next round sees
// the ledger less what was shipped, so a grant vendors could not fill can be granted again.
#include <cstdint>
#include <vector>

#include "models/diffusion/clearing/requests.hpp"
#include "models/diffusion/state.hpp"

namespace tiersim::models::diffusion {

class CapLedger {
 public:
  /// Opens the month: each country's ledger available now (0 where no caps apply).
  CapLedger(Policy& policy, const MonthRules& rules, const time::YearMonth& now, std::size_t countries,
            const rng::Stream& ration_stream);

  double available(std::size_t c) const { return ledger_[c]; }

  /// Grant a round's requests on the ledgers. Pro rata: share(c) is each request's granted
  /// share. Random order: each buyer's grant goes to scratch.cap_grant from its request in
  /// scratch.cap_part.
  void grant(const std::vector<RoundRequests>& requests, const BuyerIndex& index, ClearingScratch& scratch,
             std::uint64_t round);
  double share(std::size_t c) const { return share_[c]; }
  /// What the round granted in country c (before vendor rationing), H100e.
  double granted(std::size_t c) const;
  const std::vector<double>& shares() const { return share_; }

  /// Charge the ledgers with what vendors shipped of the round's grants (`vendor_fill`: the
  /// share of each market's orders vendors could serve) and take it off the month's ledger.
  void draw(const MarketArray& vendor_fill, std::vector<CountryMonth>& month);

 private:
  void ration_random(std::size_t c, double available, const BuyerIndex& index, ClearingScratch& scratch,
                     std::uint64_t round) const;

  Policy& policy_;
  bool random_order_;
  std::uint64_t step_;
  const rng::Stream& ration_stream_;
  std::vector<double> ledger_;   ///< left this month per country
  std::vector<double> request_;  ///< the current round's requests on the ledger
  std::vector<double> share_;    ///< pro rata: the current round's granted share
};

}  // namespace tiersim::models::diffusion
