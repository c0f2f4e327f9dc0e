#pragma once
// Requests in the clearing (docs/ODD.md s.7.3): what each buyer asks for in a round, and
// how a US_direct request clears under the rule (LPP exemption, country cap, NVEU
// allowance, or unrestricted).
#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "models/diffusion/state.hpp"

namespace tiersim::models::diffusion {

/// Share of requests `den` that capacity `num` can serve; rounding may leave a capacity at
/// -1e-17, which must not turn into a negative share.
inline double safe_ratio(double num, double den) { return den > 0 ? std::clamp(num / den, 0.0, 1.0) : 1.0; }

/// What this month's clearing applies; fixed for the month.
struct MonthRules {
  bool discrete = true;       ///< one draw per buyer for its whole demand
  bool caps = false;          ///< Tier 2 caps in force
  bool random_order = false;  ///< random-order rationing of short ledgers (else pro rata)
  double lpp_limit = 0;       ///< LPP exemption per consignee and calendar year, H100e
  double nveu_limit = 0;      ///< NVEU cumulative allowance per consignee by this month, H100e
  double demand_index = 1;    ///< world demand this year relative to 2025
  std::uint64_t step = 0;
  const std::vector<std::size_t>* project_buyer = nullptr;  ///< per country: the national project's buyer
  const ConsigneeSizes* consignee_sizes = nullptr;          ///< the consignees behind buyers (nullptr: one each)
  double residency_buyers = 0;    ///< share of an ordinary buyer's US_cloud demand that must stay in country
  double residency_projects = 0;  ///< ... of a national project's
  bool compliant = false;         ///< Tier 2 buyers refused on the cap may buy compliant chips
  const std::vector<int>* project_contract = nullptr;  ///< per country: the project's contract (-1: none)

  /// The alternative buyer b of country c is contracted to this month (its country's
  /// national project with a contract in force), else -1.
  int contracted(std::size_t b, std::size_t c) const {
    if (project_contract == nullptr || project_buyer == nullptr) return -1;
    return (*project_buyer)[c] == b ? (*project_contract)[c] : -1;
  }

  /// Share of buyer b's (country c) US_cloud demand that must be served in its own country.
  double residency(std::size_t b, std::size_t c) const {
    return project_buyer != nullptr && (*project_buyer)[c] == b ? residency_projects : residency_buyers;
  }
  /// Consignees buyer b of country c stands for (ConsigneeSizes::consignees; nullptr: one each).
  double consignees(std::size_t b, std::size_t c) const {
    return consignee_sizes == nullptr ? 1.0 : consignee_sizes->consignees(b, c);
  }
};

/// How a US_direct request of one buyer clears, H100e.
struct DirectSplit {
  double lpp = 0;    ///< within the buyer's LPP allowance: exempt
  double cap = 0;    ///< on the country cap ledger
  double nveu = 0;   ///< within the buyer's NVEU allowance
  double free_ = 0;  ///< no cap applies (outside Tier 2, or no caps in force)
};

/// A US_direct request of buyer b (country c) under the rule: a National VEU first uses its own
/// allowance; every Tier 2 consignee (an NVEU beyond its allowance too) then its LPP
/// exemption; the rest needs a licence under the country's allocation (the cap ledger).
/// NVEU allowances are per consignee, times the consignees the buyer stands for; the LPP
/// exemption applies to each consignee's share of the import (ConsigneeSizes::lpp_exempt).
inline DirectSplit split_direct(const MonthRules& rules, const Policy& policy, const Buyers& buyers, std::size_t b,
                                std::size_t c, double r) {
  DirectSplit sp;
  if (!rules.caps || policy.tier(c) != 2) {
    sp.free_ = r;
    return sp;
  }
  const double consignees = rules.consignees(b, c);
  if (buyers.nveu[b])
    sp.nveu = std::min(r, std::max(0.0, rules.nveu_limit * consignees - static_cast<double>(buyers.nveu_used[b])));
  const double rest = r - sp.nveu;
  sp.lpp = rules.consignee_sizes == nullptr
               ? std::min(rest, std::max(0.0, rules.lpp_limit - buyers.lpp_used[b]))
               : rules.consignee_sizes->lpp_exempt(b, c, buyers.lpp_requested[b], rest, rules.lpp_limit);
  sp.cap = rest - sp.lpp;
  return sp;
}

/// Requests of one round of a country (or a buyer), H100e/month.
struct RoundRequests {
  std::array<double, kNumAlts> by_alt{};
  DirectSplit direct;         ///< the US_direct requests by how they clear
  double cloud_resident = 0;  ///< the part of the US_cloud requests that must be served in the country
  double compliant = 0;       ///< US_direct requests for compliant chips (outside cap and LPP; in direct.free_)

  RoundRequests& operator+=(const RoundRequests& o) {
    for (std::size_t k = 0; k < kNumAlts; ++k) by_alt[k] += o.by_alt[k];
    direct.cap += o.direct.cap;
    direct.lpp += o.direct.lpp;
    direct.nveu += o.direct.nveu;
    direct.free_ += o.direct.free_;
    cloud_resident += o.cloud_resident;
    compliant += o.compliant;
    return *this;
  }

  /// Add buyer b's (country c) request r for alternative k; returns the split of a US_direct
  /// request.
  DirectSplit add(const MonthRules& rules, const Policy& policy, const Buyers& buyers, std::size_t b, std::size_t c,
                  int k, double r) {
    by_alt[static_cast<std::size_t>(k)] += r;
    if (k == kUsCloud) cloud_resident += r * rules.residency(b, c);
    if (k != kUsDirect) return {};
    const DirectSplit sp = split_direct(rules, policy, buyers, b, c, r);
    direct.cap += sp.cap;
    direct.lpp += sp.lpp;
    direct.nveu += sp.nveu;
    direct.free_ += sp.free_;
    return sp;
  }

  /// Add a request r for compliant chips: US_direct outside the cap and the LPP exemption.
  void add_compliant(double r) {
    by_alt[kUsDirect] += r;
    direct.free_ += r;
    compliant += r;
  }
};

}  // namespace tiersim::models::diffusion
