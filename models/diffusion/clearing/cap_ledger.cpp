#include "models/diffusion/clearing/cap_ledger.hpp"

#include <algorithm>
#include <utility>

namespace tiersim::models::diffusion {

CapLedger::CapLedger(Policy& policy, const MonthRules& rules, const time::YearMonth& now, std::size_t countries,
                     const rng::Stream& ration_stream)
    : policy_(policy),
      random_order_(rules.random_order),
      step_(rules.step),
      ration_stream_(ration_stream),
      ledger_(countries, 0.0),
      request_(countries, 0.0),
      share_(countries, 1.0) {
  for (std::size_t c = 0; c < countries; ++c) ledger_[c] = rules.caps ? policy.ledger_available(c, now) : 0.0;
}

void CapLedger::ration_random(std::size_t c, double available, const BuyerIndex& index, ClearingScratch& scratch,
                              std::uint64_t round) const {
  std::vector<std::pair<double, std::size_t>> order;
  for (std::size_t b = index.begin[c]; b < index.begin[c + 1]; ++b) {
    if (scratch.cap_part[b] > 0) order.emplace_back(ration_stream_.uniform(b, step_, round), b);
  }
  std::sort(order.begin(), order.end());
  for (const auto& [key, b] : order) {
    (void)key;
    scratch.cap_grant[b] = std::min(scratch.cap_part[b], available);
    available -= scratch.cap_grant[b];
  }
}

void CapLedger::grant(const std::vector<RoundRequests>& requests, const BuyerIndex& index, ClearingScratch& scratch,
                      std::uint64_t round) {
  std::fill(share_.begin(), share_.end(), 1.0);
  if (random_order_) std::fill(scratch.cap_grant.begin(), scratch.cap_grant.end(), 0.0);  // grants are per round
  for (std::size_t c = 0; c < ledger_.size(); ++c) {
    request_[c] = requests[c].direct.cap;
    if (request_[c] <= 0) continue;
    if (!random_order_) {
      share_[c] = safe_ratio(ledger_[c], request_[c]);
    } else if (request_[c] > ledger_[c]) {
      ration_random(c, ledger_[c], index, scratch, round);
    } else {
      for (std::size_t b = index.begin[c]; b < index.begin[c + 1]; ++b) scratch.cap_grant[b] = scratch.cap_part[b];
    }
  }
}

double CapLedger::granted(std::size_t c) const {
  if (request_[c] <= 0) return 0.0;
  return random_order_ ? std::min(request_[c], ledger_[c]) : share_[c] * request_[c];
}

void CapLedger::draw(const MarketArray& vendor_fill, std::vector<CountryMonth>& month) {
  for (std::size_t c = 0; c < ledger_.size(); ++c) {
    if (request_[c] <= 0) continue;
    // Only what vendors ship counts against the cap; the part of a grant they could not
    // ship stays on the ledger for the next round.
    const double drawn = vendor_fill[market_of(policy_, c)] * granted(c);
    policy_.ledger_draw(c, drawn);
    month[c].cap_drawn += drawn;
    ledger_[c] = std::max(0.0, ledger_[c] - drawn);
  }
}

}  // namespace tiersim::models::diffusion
