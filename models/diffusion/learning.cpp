// Phase "learning" (docs/ODD.md s.3 step 6, s.7.5-7.7): every expectation is updated here,
// from what the month's clearing recorded; then the vendors' scarcity signal, the Chinese
// learning curve, world installed bases and the quarterly stance revisions.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/diffusion/china_supply.hpp"
#include "models/diffusion/country_sums.hpp"
#include "models/diffusion/phases.hpp"
#include "models/diffusion/us_supply.hpp"

namespace tiersim::models::diffusion {
namespace {

/// The supply pools a request can draw on (clearing/capacities.cpp): China's domestic pool
/// (both Chinese alternatives in China's group), the export pool (CN_chip abroad), the cloud
/// pool abroad (CN_cloud) and compliant US chips (round 2, the Tier 2 market).
enum Pool : std::size_t { kPoolDomestic = 0, kPoolExport, kPoolCloud, kPoolCompliant, kNumPools };

std::size_t chinese_pool(bool china, int alt) {
  if (china) return kPoolDomestic;
  return alt == kCnChip ? kPoolExport : kPoolCloud;
}

/// Each pool's fill rate this month, served / requested over every country that drew on it
/// (both rounds), -1 without requests. Pools are shared pro rata within a round, so this is
/// the fill of its requests averaged over both rounds.
std::array<double, kNumPools> pool_fill(const State& s) {
  std::array<double, kNumPools> req{}, served{};
  for (std::size_t c = 0; c < s.world.countries; ++c) {
    const auto& m = s.month.country[c];
    req[kPoolCompliant] += m.compliant_requested;
    served[kPoolCompliant] += m.compliant_served;
    for (const int alt : {kCnChip, kCnCloud}) {
      const auto a = static_cast<std::size_t>(alt);
      const std::size_t pool = chinese_pool(s.world.china[c], alt);
      req[pool] += m.demand[a] + m.demand2[a];
      served[pool] += m.served[a];
    }
  }
  std::array<double, kNumPools> rate{};
  for (std::size_t k = 0; k < kNumPools; ++k) rate[k] = req[k] > 0 ? std::min(1.0, served[k] / req[k]) : -1.0;
  return rate;
}

/// Countries' fill rates of US requests and their expected fill rates of Chinese chips, of
/// Chinese cloud and of compliant US chips, each its own (adaptive, weight eta). The demand for the US stack is
/// its round-1 requests plus the round-2 requests re-chosen from the other stack; the
/// demand for one Chinese alternative is its requests of both rounds (a round-2 request
/// for it always comes from another alternative). What is served counts both rounds.
/// A country that did not ask for a Chinese alternative (or for compliant chips) this month
/// learns the fill rate of the pool it would have drawn on (what the supplier delivered to
/// those who asked), so how often it learns does not depend on how many buyer agents stand
/// for it.
void update_country_expectations(State& s, double eta) {
  auto& k = s.countries;
  const auto pools = pool_fill(s);
  for (std::size_t c = 0; c < s.world.countries; ++c) {
    const auto& m = s.month.country[c];
    const double us_served = m.served[kUsDirect] + m.served[kUsCloud];
    const double us_req = m.demand[kUsDirect] + m.demand[kUsCloud] + m.crossed2[kStackUs];
    if (us_req > 0) k.us_fill[c] = std::min(1.0, us_served / us_req);
    for (const int alt : {kCnChip, kCnCloud}) {
      const auto a = static_cast<std::size_t>(alt);
      const double req = m.demand[a] + m.demand2[a];
      const double fill = req > 0 ? std::min(1.0, m.served[a] / req) : pools[chinese_pool(s.world.china[c], alt)];
      auto& expected = k.a_cn[a - kCnChip][c];
      if (fill >= 0) expected = (1.0 - eta) * expected + eta * fill;
    }
    const double compliant =
        m.compliant_requested > 0 ? std::min(1.0, m.compliant_served / m.compliant_requested) : pools[kPoolCompliant];
    if (compliant >= 0) k.a_compliant[c] = (1.0 - eta) * k.a_compliant[c] + eta * compliant;
  }
}

/// Buyers' expectations of US availability (adaptive): their own fill rate if they asked
/// for US compute this month (discrete mode), else their country's. The same pass sums the
/// new expectations per country for the outputs.
void update_buyer_expectations(State& s, const Env& env) {
  const double eta = env.p.expectations.eta;
  auto& b = s.buyers;
  const auto& own = s.scratch.own_us_fill;
  const auto& us_fill = s.countries.us_fill;
  const auto sums = per_country_sums<std::array<double, 1>>(
      env.executor, s.index, [&](std::size_t i, std::size_t c, std::array<double, 1>& acc) {
        const double fill = own[i] >= 0 ? own[i] : us_fill[c];
        b.a_us[i] = static_cast<float>((1.0 - eta) * static_cast<double>(b.a_us[i]) + eta * fill);
        acc[0] += static_cast<double>(b.a_us[i]);
      });
  for (std::size_t c = 0; c < s.world.countries; ++c) s.countries.a_us_sum[c] = sums[c][0];
}

/// Vendors' scarcity signal for next month's markup: the share of this month's chip
/// orders beyond output. Orders are what vendors were asked to ship in both rounds
/// (gatekeepers' orders and buyers' requests the rules let through), not requests a cap
/// refused.
void update_scarcity(State& s) {
  const double orders = s.month.global.vendor_orders;
  const double output = s.month.global.vendor_output;
  s.vendors.excess_share = orders > 0 ? std::max(0.0, orders - output) / orders : 0.0;
}

/// Chinese quality learning curve on cumulative Chinese-stack deployment.
void learn_chinese_quality(State& s, const DiffusionParams& p) {
  double cn_new = 0;
  for (const auto& m : s.month.country) cn_new += m.served[kCnChip] + m.served[kCnCloud];
  s.china.cumulative += cn_new;
  s.china.quality = std::min(
      1.0, p.china.quality_0 * std::pow(s.china.cumulative / p.initial.cn_cumulative, p.china.learning_exponent));
}

/// The months of the quarter in which a country's cap bound (its requests on the ledger
/// above what was available).
void count_binding_caps(State& s) {
  if (!s.policy->caps_active()) return;
  for (std::size_t c = 0; c < s.world.countries; ++c) {
    const auto& m = s.month.country[c];
    if (s.policy->tier(c) == 2 && m.cap_requested > m.cap_available) s.countries.cap_bound_months[c] += 1.0;
  }
}

/// What the stances respond to at the quarter's end (docs/ODD.md s.7.7): the caps, how
/// often they bound, and the country's dependence on Chinese compute.
StanceSignals stance_signals(const State& s) {
  const std::size_t n = s.world.countries;
  const auto& k = s.countries;
  StanceSignals sig{std::vector<bool>(n, false), std::vector<double>(n, 0.0), std::vector<double>(n, 0.0)};
  for (std::size_t c = 0; c < n; ++c) {
    sig.capped[c] = s.policy->caps_active() && s.policy->tier(c) == 2;
    sig.binding[c] = k.cap_bound_months[c] / 3.0;
    sig.dependence[c] = k.cn_installed_share(c);
  }
  return sig;
}

}  // namespace

void learning_phase(State& s, const Env& env) {
  update_country_expectations(s, env.p.expectations.eta);
  update_scarcity(s);
  learn_market_scarcity(s);
  learn_vendor_orders(s, env);
  learn_cloud_requests(s, env);
  update_buyer_expectations(s, env);
  learn_chinese_quality(s, env.p);
  learn_chinese_demand(s, env);
  auto& k = s.countries;
  for (std::size_t st = 0; st < kNumStacks; ++st) {
    k.installed_world[st] = std::accumulate(k.installed[st].begin(), k.installed[st].end(), 0.0);
  }
  // Country stances, revisited each quarter (end of March, June, September, December).
  count_binding_caps(s);
  if (s.clock.now.month % 3 == 0) {
    const StanceSignals signals = stance_signals(s);
    const bool frozen = env.p.stance.behaviour == Behaviour::frozen;
    revise_stances(k.stance, s.world.stance_world, env.p.stance, s.policy->guidance(), frozen ? nullptr : &signals,
                   env.stance_stream, static_cast<std::uint64_t>(s.clock.step));
    std::fill(k.cap_bound_months.begin(), k.cap_bound_months.end(), 0.0);
  }
}

}  // namespace tiersim::models::diffusion
