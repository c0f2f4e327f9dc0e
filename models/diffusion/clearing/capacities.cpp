#include "models/diffusion/clearing/capacities.hpp"

#include <numeric>

#include "models/diffusion/us_supply.hpp"

namespace tiersim::models::diffusion {
namespace {

/// All US chip orders of a round, in all and by market: buyers' cleared US_direct requests
/// (cap requests as granted) by the tier of their
/// country, and gatekeeper orders.
struct VendorOrders {
  double total = 0;
  MarketArray by_market{};
};

VendorOrders vendor_orders(const State& s, const std::vector<RoundRequests>& requests, double gatekeeper_orders,
                           const CapLedger& ledger) {
  VendorOrders orders;
  orders.total = gatekeeper_orders;
  orders.by_market[kMarketCloud] = gatekeeper_orders;
  for (std::size_t c = 0; c < requests.size(); ++c) {
    const auto& d = requests[c].direct;
    const double here = d.lpp + ledger.granted(c) + d.nveu + d.free_;
    orders.total += here;
    orders.by_market[market_of(*s.policy, c)] += here;
  }
  return orders;
}

/// US cloud: local free capacity first, to the requests that must stay in the country,
/// then to the others; what the others still lack is served remotely from the US's
/// leftover (Tier 1 and 2 countries, if remote service is allowed).
void cloud_factors(const State& s, const Env& env, const std::vector<RoundRequests>& requests, RoundFactors& f) {
  const std::size_t n = requests.size();
  const std::size_t home = s.world.usa;
  const auto& free = s.gatekeepers.cloud_free;
  auto can_remote = [&](std::size_t c) {
    return c != home && env.p.gatekeepers.remote_allowed && s.policy->tier(c) != 3;
  };
  auto others = [&](std::size_t c) { return requests[c].by_alt[kUsCloud] - requests[c].cloud_resident; };
  auto local_used = [&](std::size_t c) {
    return f.cloud_resident[c] * requests[c].cloud_resident + f.cloud_other_local[c] * others(c);
  };
  double remote_req = 0;
  for (std::size_t c = 0; c < n; ++c) {
    f.cloud_resident[c] = safe_ratio(free[c], requests[c].cloud_resident);
    f.cloud_other_local[c] = safe_ratio(std::max(0.0, free[c] - requests[c].cloud_resident), others(c));
    if (can_remote(c)) remote_req += others(c) * (1.0 - f.cloud_other_local[c]);
  }
  const double remote_pool = std::max(0.0, free[home] - local_used(home));
  const double remote = safe_ratio(remote_pool, remote_req);
  for (std::size_t c = 0; c < n; ++c) {
    const double l = f.cloud_other_local[c];
    f.cloud_other[c] = l + (can_remote(c) ? (1.0 - l) * remote : 0.0);
  }
}

/// Chinese supply: the domestic pool for China, export and cloud pools for everyone else.
void chinese_factors(const State& s, const std::vector<RoundRequests>& requests, const Capacities& cap,
                     RoundFactors& f) {
  double dom_req = 0, exp_req = 0, cloud_req = 0;
  for (std::size_t c = 0; c < requests.size(); ++c) {
    const auto& r = requests[c].by_alt;
    if (s.world.china[c]) {
      dom_req += r[kCnChip] + r[kCnCloud];
    } else {
      exp_req += r[kCnChip];
      cloud_req += r[kCnCloud];
    }
  }
  f.cn_domestic = safe_ratio(cap.cn_domestic, dom_req);
  exp_req += cap.cn_cloud_orders;
  f.cn_export = safe_ratio(cap.cn_export, exp_req);
  f.cn_cloud = safe_ratio(cap.cn_cloud, cloud_req);
}

}  // namespace

Capacities open_capacities(State& s) {
  Capacities cap;
  cap.vendor = std::accumulate(s.vendors.output.begin(), s.vendors.output.end(), 0.0);
  cap.cn_export = s.china.export_pool;
  cap.cn_domestic = s.china.domestic_pool;
  cap.cn_cloud = s.china.cloud_pool;
  cap.cn_cloud_orders = s.china.cloud_orders;
  s.china.cloud_shipped = 0.0;
  s.month.cloud_free_before = s.gatekeepers.cloud_free;
  std::fill(s.month.cloud_local_used.begin(), s.month.cloud_local_used.end(), 0.0);
  auto& g = s.month.global;
  g = GlobalMonth{};
  g.vendor_output = cap.vendor;
  g.cn_export_capacity = cap.cn_export;
  g.cn_domestic_capacity = cap.cn_domestic;
  g.cn_cloud_capacity = cap.cn_cloud;
  g.gatekeeper_orders = std::accumulate(s.gatekeepers.orders.begin(), s.gatekeepers.orders.end(), 0.0);
  return cap;
}

RoundFactors make_factors(const State& s, const Env& env, const std::vector<RoundRequests>& requests,
                          double gatekeeper_orders, CapLedger& ledger, const Capacities& cap, ClearingScratch& scratch,
                          std::uint64_t round) {
  const std::size_t n = requests.size();
  RoundFactors f;
  f.per_buyer_cap = env.p.policy.rule.rationing == Rationing::random_order;
  f.cloud_resident.assign(n, 1.0);
  f.cloud_other.assign(n, 1.0);
  f.cloud_other_local.assign(n, 1.0);
  ledger.grant(requests, s.index, scratch, round);
  f.cap = ledger.shares();
  const VendorOrders orders = vendor_orders(s, requests, gatekeeper_orders, ledger);
  f.vendor_orders = orders.total;
  f.market_orders = orders.by_market;
  const auto& allocation = env.p.vendors.allocation;
  if (allocation.behaviour == Behaviour::frozen) {
    f.vendor.fill(safe_ratio(cap.vendor, orders.total));
  } else {
    f.vendor = allocate_output(cap.vendor, orders.by_market, allocation_weights(s.vendors, allocation));
  }
  cloud_factors(s, env, requests, f);
  chinese_factors(s, requests, cap, f);
  return f;
}

void consume(State& s, const RoundFactors& f, const std::vector<RoundRequests>& requests, double shipped_direct,
             double gatekeeper_orders, Capacities& cap) {
  auto& g = s.month.global;
  double remote_used = 0;
  for (std::size_t c = 0; c < requests.size(); ++c) {
    const double rest = requests[c].by_alt[kUsCloud] - requests[c].cloud_resident;
    const double local = f.cloud_resident[c] * requests[c].cloud_resident + f.cloud_other_local[c] * rest;
    s.gatekeepers.cloud_free[c] -= local;
    s.month.cloud_local_used[c] += local;
    remote_used += (f.cloud_other[c] - f.cloud_other_local[c]) * rest;
  }
  s.gatekeepers.cloud_free[s.world.usa] -= remote_used;
  g.us_cloud_remote_used += remote_used;
  for (std::size_t c = 0; c < requests.size(); ++c) {
    const auto& r = requests[c];
    if (s.world.china[c]) {
      const double used = f.cn_domestic * (r.by_alt[kCnChip] + r.by_alt[kCnCloud]);
      cap.cn_domestic -= used;
      g.cn_domestic_used += used;
    } else {
      cap.cn_export -= f.cn_export * r.by_alt[kCnChip];
      cap.cn_cloud -= f.cn_cloud * r.by_alt[kCnCloud];
      g.cn_export_used += f.cn_export * r.by_alt[kCnChip];
      g.cn_cloud_used += f.cn_cloud * r.by_alt[kCnCloud];
    }
  }
  // The Chinese clouds' hardware orders compete for export chips in the first round only.
  const double cloud_hw = f.cn_export * cap.cn_cloud_orders;
  cap.cn_export -= cloud_hw;
  g.cn_export_used += cloud_hw;
  s.china.cloud_shipped += cloud_hw;
  cap.cn_cloud_orders = 0.0;
  g.vendor_orders += f.vendor_orders;
  for (std::size_t m = 0; m < kNumMarkets; ++m) {
    g.market_orders[m] += f.market_orders[m];
    g.market_shipped[m] += f.vendor[m] * f.market_orders[m];
  }
  const double gk_shipped = f.vendor[kMarketCloud] * gatekeeper_orders;
  cap.vendor -= shipped_direct + gk_shipped;
  g.vendor_shipped += shipped_direct + gk_shipped;
  g.gatekeeper_shipped += gk_shipped;
}

}  // namespace tiersim::models::diffusion
