#pragma once
// Buyers of AI compute: structure of arrays, sorted by country so each country's buyers
// are one contiguous range. 43 bytes per buyer here, 87 with the choice inputs and the
// clearing's scratch (docs/performance.md, "Memory").
#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

#include "models/diffusion/params.hpp"
#include "sim/engine/executor.hpp"
#include "sim/rng/stream.hpp"

namespace tiersim::models::diffusion {

/// A buyer's stored H100e quantities (demand, backlog, NVEU allowance in use, installed
/// bases) are single precision: every value is computed in double and rounded to the nearest float
/// once, when it is stored (docs/ODD.md s.2). Seven significant digits, half the memory.
using Quantity = float;

/// Stores x + d, computed in double and rounded once.
inline void add_to(Quantity& x, double d) { x = static_cast<Quantity>(static_cast<double>(x) + d); }

/// Stores x + d (x, d >= 0) rounded up: for a use counted against a limit, so that the stored
/// use is never below the use it stands for, however many additions it took.
inline void add_up(Quantity& x, double d) {
  const double sum = static_cast<double>(x) + d;
  const auto q = static_cast<Quantity>(sum);
  const auto down = static_cast<std::uint32_t>(static_cast<double>(q) < sum);
  x = std::bit_cast<Quantity>(std::bit_cast<std::uint32_t>(q) + down);
}

/// The largest Quantity not above x >= 0 (x rounded towards zero): what a buyer can carry
/// of x, so that x - stored >= 0 can be counted elsewhere and totals stay exact. Where
/// rounding to nearest went up, q > 0 and the next float towards zero has the bit pattern
/// one less (x above the largest float casts to infinity on IEEE machines, and one less is
/// the largest float). Without a branch: rounding goes up for about half the buyers,
/// unpredictably. x must not be negative (-0 has no next float below in this sense).
inline Quantity stored_down(double x) {
  const auto q = static_cast<Quantity>(x);
  const auto up = static_cast<std::uint32_t>(static_cast<double>(q) > x);
  return std::bit_cast<Quantity>(std::bit_cast<std::uint32_t>(q) - up);
}

/// Buyers of every country, sorted by country: a buyer's country is the range it is in
/// (BuyerIndex), not a field.
struct Buyers {
  // Fixed traits.
  std::vector<Quantity> base_demand;  ///< H100e/month at the 2025 demand level
  std::vector<std::uint8_t> nveu;     ///< 1 if a National VEU (own allowance, outside the country cap)
  // State.
  std::vector<Quantity> backlog;      ///< unserved demand carried over, H100e
  std::vector<float> a_us;            ///< expected availability of US compute, (0, 1]
  std::vector<double> lpp_used;       ///< LPP exemption used this calendar year, H100e
  std::vector<double> lpp_requested;  ///< US_direct requests under LPP/licence this calendar year, H100e
  std::vector<Quantity> nveu_used;    ///< NVEU allowance used (cumulative), H100e
  std::vector<Quantity> ib_us;        ///< installed base on the US stack, H100e
  std::vector<Quantity> ib_cn;        ///< installed base on the Chinese stack, H100e
  // Per-step scratch (discrete choice mode): chosen alternative in round 1 and 2.
  std::vector<std::uint8_t> alt1, alt2;

  std::size_t size() const { return base_demand.size(); }
  bool majority_cn(std::size_t b) const { return ib_cn[b] > ib_us[b]; }
};

/// Where each country's buyers are: [begin[c], begin[c+1]).
struct BuyerIndex {
  std::vector<std::size_t> begin;
  std::size_t count(std::size_t c) const { return begin[c + 1] - begin[c]; }
  std::size_t buyers() const { return begin.empty() ? 0 : begin.back(); }
  /// The country of buyer i (< buyers()): the c with begin[c] <= i < begin[c + 1].
  std::size_t country_of(std::size_t i) const {
    return static_cast<std::size_t>(std::upper_bound(begin.begin(), begin.end(), i) - begin.begin()) - 1;
  }
};

struct BuyerInit {
  std::vector<double> monthly_demand_2025;   ///< per country, H100e/month
  std::vector<double> installed;             ///< per country, H100e at the start
  std::vector<double> cn_stack_share;        ///< per country, share of the installed base on CN
  std::vector<bool> nveu_eligible_country;   ///< Tier 2 under the rule's table tiers
  std::vector<double> project_share;         ///< per country: demand share of its first buyer, the
                                             ///< national project (0: none, all buyers Pareto)
  std::vector<double> consignees_per_buyer;  ///< per country: consignees an ordinary buyer stands for
};

/// Number of buyers per country: max(n_min, round(N_total * demand share)).
std::vector<std::size_t> buyers_per_country(const std::vector<double>& demand, int total, int min_per_country);

/// Real consignees (the rule's unit: LPP exemption, NVEU allowance) that each ordinary
/// buyer agent of a country stands for: (K_c - P_c) / (N_c - P_c), where K_c =
/// max(K_min, round(K_total * demand share)) are the country's consignees, N_c its buyer
/// agents and P_c = 1 where its first buyer is a national project (one consignee), else 0.
std::vector<double> consignees_per_buyer(const std::vector<double>& demand, int total, int min_per_country,
                                         const BuyerIndex& index, const std::vector<bool>& has_project);

/// Sizes (Pareto strata) and initial stacks (draws); sizes normalised so each country's
/// buyers add up to its demand. Deterministic in (seed, run).
Buyers make_buyers(const DiffusionParams& p, const BuyerInit& init, const BuyerIndex& index, std::uint64_t seed,
                   std::uint32_t run);

/// The training share of each of n buyers' workloads, Beta draws in [0, 1]; deterministic in
/// (seed, run) for any thread count. Read once, for the switching cost (init.cpp), so not
/// kept per buyer.
std::vector<float> training_shares(const DiffusionParams& p, std::size_t n, std::uint64_t seed, std::uint32_t run,
                                   const engine::Executor& executor);

/// Shares of a country's demand of its n buyers: the first `projects` (0 or 1, the national
/// project) hold `project_share`, the others share the rest by stratified Pareto(alpha) sizes.
std::vector<double> demand_shares(std::size_t n, std::size_t projects, double project_share, double alpha);

/// Mean of Pareto(alpha, x_min = 1) over its j-th of m equal-probability strata (alpha > 1);
/// the m means average to alpha / (alpha - 1).
double pareto_stratum_mean(std::size_t j, std::size_t m, double alpha);

/// E[min(t X, limit) | X in the j-th of m equal-probability strata of Pareto(alpha, x_min =
/// 1)]: what the LPP exemption `limit` exempts, on average, of the yearly demand of a
/// consignee of that stratum when a unit of X is `t` of yearly demand.
double pareto_stratum_capped_mean(std::size_t j, std::size_t m, double alpha, double t, double limit);

/// The consignees behind the buyers: an ordinary buyer of country c stands for per_buyer[c]
/// consignees whose sizes are the Pareto stratum of its rank among the country's ordinary
/// buyers (from first[c]); a national project is one consignee.
struct ConsigneeSizes {
  std::vector<double> per_buyer;   ///< per country, consignees an ordinary buyer stands for
  std::vector<std::size_t> first;  ///< per country, its first ordinary (Pareto) buyer
  std::vector<std::size_t> end;    ///< per country, one past its last buyer
  double alpha = 1.2;              ///< Pareto tail index
  /// Per buyer, 1 / (consignees x its stratum's mean size): the share of the buyer's
  /// requests a consignee of size 1 asks for (0 for a national project). A constant of the
  /// run, computed once (finish) instead of in every split of a request.
  std::vector<double> request_scale;

  /// Fills request_scale from per_buyer, first, end and alpha.
  void finish();

  /// Consignees buyer b of country c stands for: one for a national project (before first[c]).
  double consignees(std::size_t b, std::size_t c) const { return b < first[c] ? 1.0 : per_buyer[c]; }

  /// LPP-exempt part of a US_direct request r of buyer b (country c) that has requested
  /// `before` this year: each of its consignees asks for its share of the requests in
  /// proportion to its size, and is exempt up to `limit` a year (docs/ODD.md s.7.3).
  double lpp_exempt(std::size_t b, std::size_t c, double before, double r, double limit) const;
};

/// Beta(a, b) draw from gamma draws (Marsaglia-Tsang), using the cursor's uniforms/normals.
double beta_draw(rng::Stream::Cursor& c, double a, double b);

}  // namespace tiersim::models::diffusion
