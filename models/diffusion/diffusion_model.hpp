#pragma once
// The AI-chip diffusion model (MODEL.md, docs/ODD.md): countries, buyers, US vendors,
// cloud gatekeepers, Chinese suppliers and the regulator, stepping monthly through
// policy, supply, allocation, choice, clearing (two rounds: the re-choice of rationed
// demand is the diversion channel), learning and record.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/diffusion/alternatives.hpp"
#include "models/diffusion/buyers.hpp"
#include "models/diffusion/country_table.hpp"
#include "models/diffusion/nested_logit.hpp"
#include "models/diffusion/params.hpp"
#include "models/diffusion/policy.hpp"
#include "models/diffusion/stance.hpp"
#include "sim/engine/model.hpp"
#include "sim/rng/stream.hpp"

namespace tiersim::models::diffusion {

/// One month's flows of one country (H100e), kept for outputs and invariant checks.
struct CountryMonth {
  double new_demand = 0;
  double backlog_in = 0;
  std::array<double, kNumAlts> demand{};    ///< round-1 requests by alternative (Defer included)
  std::array<double, kNumAlts> served{};    ///< served in either round, by alternative
  std::array<double, kNumAlts> rationed{};  ///< round-1 requests not served
  std::array<double, kNumAlts> backlog{};   ///< carried to next month, by last alternative chosen
  double abandoned = 0;
  double backlog_out = 0;
  double cap_drawn = 0;    ///< drawn on the country cap ledger (non-LPP, non-VEU US imports)
  double cap_available = 0;  ///< ledger available at the start of the month
  double cap_requested = 0;  ///< requests on the ledger, both rounds (> available: the cap binds)
  double lpp_served = 0;   ///< US imports under the LPP exemption
  double nveu_served = 0;  ///< US imports under NVEU allowances
};

/// Global capacities and their use in one month (for invariant checks).
struct GlobalMonth {
  double vendor_output = 0;
  double vendor_shipped = 0;  ///< to buyers and gatekeepers
  double cn_export_capacity = 0, cn_export_used = 0;
  double cn_domestic_capacity = 0, cn_domestic_used = 0;
  double cn_cloud_capacity = 0, cn_cloud_used = 0;
  double us_cloud_remote_used = 0;
  double gatekeeper_orders = 0, gatekeeper_shipped = 0;
  double diversion_capacity = 0, diversion_used = 0;
};

class DiffusionModel final : public engine::Model {
 public:
  DiffusionModel(const DiffusionParams& params, const engine::ModelContext& ctx);
  void declare(engine::Registry& registry) override;

  // Read access for tests and invariant checks.
  const CountryTable& table() const { return table_; }
  const Policy& policy() const { return *policy_; }
  const Buyers& buyers() const { return buyers_; }
  const BuyerIndex& buyer_index() const { return index_; }
  const std::vector<CountryMonth>& month() const { return month_; }
  const GlobalMonth& global_month() const { return global_; }
  /// Free US cloud capacity per country before this month's clearing, and the part used.
  const std::vector<double>& cloud_free_before() const { return cloud_free_before_; }
  const std::vector<double>& cloud_local_used() const { return cloud_local_used_; }
  /// Capacity placed (online + under construction) per gatekeeper and country.
  const std::vector<std::vector<double>>& gatekeeper_placed() const { return placed_; }
  const std::vector<Stance>& stances() const { return stance_; }
  double cn_quality() const { return q_cn_; }
  const time::YearMonth& current_month() const { return now_; }
  bool is_china(std::size_t c) const { return china_[c]; }

 private:
  struct Factors;  // per-round rationing factors, defined in the .cpp

  void init_countries(const engine::ModelContext& ctx);
  void init_gatekeepers();
  std::vector<Event> resolve_events(const engine::ModelContext& ctx) const;

  void phase_policy(const engine::StepContext& s);
  void phase_supply(const engine::StepContext& s);
  void phase_allocation(const engine::StepContext& s);
  void phase_choice(const engine::StepContext& s);
  void phase_clearing(const engine::StepContext& s);
  void phase_learning(const engine::StepContext& s);

  // Utilities and availability of each alternative per country for this month.
  void compute_country_utilities();
  struct Weights {
    double us, cn;
  };
  /// The buyer's multipliers of the US and Chinese nest weights.
  Weights weights(std::size_t b) const;
  /// Choice probabilities of buyer b, with alternative `removed` unavailable (-1: none).
  std::array<double, kNumAlts> probabilities(std::size_t b, int removed = -1) const;
  AltMask mask_of(std::size_t c) const { return avail_[c]; }

  double total_demand_index(int year) const;
  /// Capacity gatekeeper k orders in month ym: its AI capex over the build cost per H100e.
  double gatekeeper_orders(std::size_t k, const time::YearMonth& ym) const;

  DiffusionParams p_;
  const time::Calendar& calendar_;
  const engine::Executor& executor_;
  std::uint64_t seed_;
  std::uint32_t run_;
  rng::Stream choice_stream_;
  rng::Stream ration_stream_;
  rng::Stream stance_stream_;

  CountryTable table_;
  std::size_t n_countries_ = 0;
  std::vector<bool> china_;
  std::vector<int> region_of_;  ///< bloc index (World Bank region)
  std::vector<std::string> regions_;
  std::vector<double> demand_share_;  ///< of world demand, per country
  std::unique_ptr<Policy> policy_;
  Buyers buyers_;
  BuyerIndex index_;
  std::vector<std::uint8_t> nveu_any_;  ///< country has NVEU buyers

  // Country state.
  std::vector<Stance> stance_;
  StanceWorld stance_world_;
  std::vector<double> a_cn_;        ///< expected fill rate of Chinese supply
  std::vector<double> us_fill_;     ///< last month's fill rate of US requests
  std::array<std::vector<double>, kNumStacks> installed_;
  std::array<double, kNumStacks> installed_world_{};
  std::vector<double> cloud_signal_;        ///< US_cloud requests over the current quarter
  std::vector<double> cloud_signal_prev_;   ///< ... over the last complete quarter

  // Gatekeepers.
  std::size_t home_index_ = 0;  ///< USA
  std::vector<int> gk_home_;
  std::vector<std::vector<double>> placed_;      ///< [g][c] placed (online + pipeline)
  std::vector<std::vector<double>> online_;      ///< [g][c]
  std::vector<std::vector<double>> share_;       ///< [g][c] placement shares this quarter
  std::vector<std::vector<double>> pipeline_;    ///< [month offset][c] arrivals (all gatekeepers)
  std::vector<std::vector<std::vector<double>>> pipeline_g_;  ///< [offset][g][c]
  std::vector<double> cloud_free_;               ///< free US cloud capacity per country
  std::vector<double> gk_orders_;                ///< this month's orders per gatekeeper
  std::vector<double> quarter_budget_, quarter_placed_;  ///< per gatekeeper, this quarter
  std::vector<bool> uveu_feasible_;

  // Supply this month.
  time::YearMonth now_;
  int step_ = 0;
  double demand_index_ = 1.0;  ///< world demand this year / 2025
  std::vector<double> vendor_output_;  ///< per vendor, H100e this month
  double price_ = 0.0;                 ///< US price per H100e incl. markup
  double base_price_ = 0.0;
  double excess_share_ = 0.0;          ///< last month's excess demand share at vendors
  double cn_export_pool_ = 0, cn_domestic_pool_ = 0, cn_cloud_pool_ = 0;
  double q_cn_ = 0.0, cum_cn_ = 0.0;
  double last_t2_direct_shipped_ = 0.0;
  std::vector<std::array<double, 3>> vendor_revenue_;  ///< [vendor][tier-1]

  // Choice inputs per country this month.
  std::vector<std::array<double, kNumAlts>> v_country_;
  /// Per country: choice tables for the full mask and with each of US_direct..CN_cloud removed.
  std::vector<std::array<ChoiceTable, kNumAlts>> tables_;
  std::vector<float> switch_;  ///< per buyer: exp(-S_b), S_b its switching cost
  std::vector<AltMask> avail_;

  // Per-buyer scratch for the expected mode (round-2 requests) and random-order rationing.
  std::vector<std::array<double, kNumAlts>> req2_;
  std::vector<double> amount2_;
  std::vector<double> cap_part_, cap_grant_;

  // Outputs.
  std::vector<CountryMonth> month_;
  GlobalMonth global_;
  std::vector<double> cloud_free_before_, cloud_local_used_;
  std::vector<std::vector<std::array<double, kNumStacks>>> served_by_year_;  ///< [year idx][c][stack]
  std::vector<std::vector<std::array<double, kNumStacks>>> installed_at_dec_;
  std::vector<double> abandoned_total_;
  std::vector<double> a_us_sum_;  ///< per country: sum of buyers' expected US availability
  double t2_us_revenue_ = 0.0;
};

engine::ModelType model_type();

}  // namespace tiersim::models::diffusion
