#pragma once
// The state of one run of the diffusion model, as plain structs grouped by owner. The
// phases (phases.hpp) are free functions that read and write these structs; the model
// (diffusion_model.hpp) owns one State and wires the phases into the engine's schedule.
//
// Units: compute in H100e, flows in H100e/month, money in USD.
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
#include "sim/engine/executor.hpp"
#include "sim/rng/stream.hpp"
#include "sim/time/calendar.hpp"

namespace tiersim::models::diffusion {

inline constexpr std::size_t kNoBuyer = static_cast<std::size_t>(-1);

/// Fixed facts about the world, set at initialisation.
struct World {
  CountryTable table;
  std::size_t countries = 0;
  std::vector<bool> china;                 ///< CHN, HKG, MAC: served by domestic Chinese supply
  std::vector<int> region_of;              ///< bloc (World Bank region) index per country
  std::vector<std::string> regions;        ///< bloc names
  std::vector<double> demand_share;        ///< share of world demand, per country
  std::vector<bool> cn_cloud_host;         ///< hosts Chinese cloud AI capacity abroad (region, hosted tier)
  std::vector<bool> leakage_hub;           ///< a transit hub for leakage to Tier 3 (leakage.hubs)
  std::size_t usa = 0;                     ///< the US: home of remote US cloud
  std::vector<std::size_t> project_buyer;  ///< per country: its national project's buyer (kNoBuyer: none)
  ConsigneeSizes consignee_sizes;          ///< the real consignees behind the buyers
  StanceWorld stance_world;                ///< the countries' fixed traits in the stance model

  bool tier2_2025(std::size_t c) const { return table.rows[c].tier_2025 == 2; }
  /// Consignees buyer b of country c stands for: one for a national project.
  double consignees(std::size_t b, std::size_t c) const { return consignee_sizes.consignees(b, c); }
};

/// World demand this year.
struct Demand {
  double index = 1.0;  ///< world demand this year relative to 2025
};

/// What every country knows and holds between months.
struct Countries {
  std::vector<Stance> stance;
  std::array<std::vector<double>, 2> a_cn;                ///< expected fill rate of CN_chip ([0]) and CN_cloud ([1])
  std::vector<double> a_compliant;                        ///< expected fill rate of compliant US chips (Tier 2)
  std::vector<double> us_fill;                            ///< last month's fill rate of US requests
  std::array<std::vector<double>, kNumStacks> installed;  ///< installed base by stack
  std::array<double, kNumStacks> installed_world{};       ///< world installed base by stack
  std::vector<double> a_us_sum;                           ///< sum over the country's buyers of expected US availability
  std::vector<double> cap_bound_months;                   ///< months of this quarter in which the country's cap bound

  /// The Chinese stack's share of country c's installed compute (0 without any).
  double cn_installed_share(std::size_t c) const {
    const double total = installed[kStackUs][c] + installed[kStackCn][c];
    return total > 0 ? installed[kStackCn][c] / total : 0.0;
  }
};

/// The US vendors' markets: the gatekeepers' builds (US cloud in any country), and buyers'
/// imports by the tier of their country (the index is the tier).
enum MarketIndex : std::size_t { kMarketCloud = 0, kMarketTier1 = 1, kMarketTier2 = 2, kMarketTier3 = 3 };
inline constexpr std::size_t kNumMarkets = 4;
using MarketArray = std::array<double, kNumMarkets>;

/// US chip vendors: packaging capacity and its pipeline, output and prices this month,
/// revenue by destination tier.
struct Vendors {
  std::vector<double> capacity;                ///< per vendor, packaging capacity in use, H100e/year
  std::vector<double> limit;                   ///< per vendor, the CoWoS ceiling this year, H100e/year
  std::vector<std::vector<double>> pipeline;   ///< [vendor][month slot] capacity arriving, H100e/year
  std::vector<double> investment;              ///< per vendor, capacity ordered this month, H100e/year
  double expected_orders = 0.0;                ///< chip orders the vendors expect, H100e/month
  std::vector<double> output;                  ///< per vendor, H100e this month
  double price = 0.0;                          ///< price per H100e with the markup (mean over last month's orders)
  MarketArray market_price{};                  ///< price per H100e in each market, with its own markup
  MarketArray market_excess{};                 ///< last month's unfilled share of each market's orders
  MarketArray market_orders_last{};            ///< last month's orders by market, H100e (both rounds)
  double base_price = 0.0;                     ///< price per H100e before the markup
  double excess_share = 0.0;                   ///< last month's excess demand share (orders beyond output)
  std::vector<std::array<double, 3>> revenue;  ///< [vendor][tier - 1], USD this month
  std::vector<double> revenue_by_country;      ///< [c] all vendors, USD this month (chips and builds there)
};

/// One Chinese chip firm: capacity, decisions and this month's outcome. Capacity and
/// output in 910C-class units (domestic: `h100e_per_unit` each; exported as 910B-class:
/// `export_h100e_per_unit` each).
struct ChinaFirm {
  double capacity = 0.0;         ///< capacity in use, units/year
  std::vector<double> pipeline;  ///< [month slot] capacity arriving, units/year
  double limit = 0.0;            ///< the firm's input limit this year, units/year
  double output = 0.0;           ///< units this month
  double exports = 0.0;          ///< units allocated to export this month
  double investment = 0.0;       ///< capacity ordered this quarter, units/year
  double q = 0.0;                ///< the quarter's q (value of a unit of capacity over its cost to the firm)
};

/// One Chinese cloud's capacity abroad.
struct ChinaCloud {
  std::vector<double> placed;                 ///< [c] online + under construction, H100e
  std::vector<std::vector<double>> pipeline;  ///< [month slot][c] arrivals, H100e
  double orders = 0.0;                        ///< hardware ordered this month, H100e (export class)
  std::vector<double> order_share;            ///< [c] where this month's orders go
  double budget = 0.0;                        ///< the year's budget ceiling left, USD
};

/// Chinese suppliers: the chip firms' output split into domestic and export supply, the
/// clouds' capacity abroad, prices, what the firms expect, and the learning curve.
struct China {
  std::vector<ChinaFirm> firms;
  std::vector<ChinaCloud> clouds;
  double export_pool = 0.0;            ///< chips for export, H100e this month
  double domestic_pool = 0.0;          ///< chips for China's own buyers, H100e this month
  double cloud_pool = 0.0;             ///< cloud capacity abroad open to rent this month, H100e
  double cloud_orders = 0.0;           ///< the clouds' hardware orders this month (compete for export chips), H100e
  double cloud_shipped = 0.0;          ///< ... of which shipped
  double price = 0.0;                  ///< domestic price per (nominal) H100e the buyer pays, USD
  double export_price = 0.0;           ///< export price per (nominal) H100e the buyer pays, USD
  double receipt = 0.0;                ///< the firms' receipt per H100e sold at home, USD
  double unit_cost = 0.0;              ///< the firms' unit cost per H100e, USD
  double expected_domestic = 0.0;      ///< expected requests of China's buyers for Chinese compute, H100e/month
  double expected_foreign = 0.0;       ///< expected foreign requests for Chinese chips (buyers and clouds), H100e/month
  std::vector<double> expected_cloud;  ///< [c] expected CN_cloud requests per country, H100e/month
  double scarcity = 0.0;               ///< last month's excess-demand share for Chinese chips (both markets)
  double domestic_scarcity = 0.0;      ///< ... in China
  double quality = 0.0;                ///< effective quality relative to US compute (Q_CN)
  double cumulative = 0.0;             ///< cumulative Chinese-stack deployment, H100e
};

/// Cloud gatekeepers (UVEU): capacity by country, the build pipeline, the quarter's plan.
struct Gatekeepers {
  std::vector<int> home;                                           ///< HQ country per gatekeeper
  std::vector<std::vector<double>> placed;                         ///< [g][c] online + under construction
  std::vector<std::vector<double>> online;                         ///< [g][c]
  std::vector<std::vector<double>> share;                          ///< [g][c] placement shares this quarter
  std::vector<std::vector<double>> pipeline;                       ///< [month slot][c] arrivals, all gatekeepers
  std::vector<std::vector<std::vector<double>>> pipeline_by_firm;  ///< [slot][g][c]
  std::vector<double> cloud_free;                                  ///< free (online, not rented) capacity per country
  std::vector<double> orders;                                      ///< this month's orders per gatekeeper
  std::vector<double> shipped;                                     ///< this month's orders shipped by vendors
  std::vector<double> quarter_budget;                              ///< per gatekeeper: the quarter's planned orders
  std::vector<double> quarter_placed;                              ///< ... of which placed so far
  std::vector<bool> uveu_feasible;                                 ///< the quarter's placement met every UVEU limit
  std::vector<double> cloud_signal;                                ///< US_cloud requests over the current quarter
  std::vector<double> cloud_signal_prev;                           ///< ... over the last complete quarter
  double expected_requests = 0.0;                                  ///< expected US_cloud requests, H100e/month
  std::vector<double> plan;   ///< per gatekeeper: the quarter's decided orders, H100e/month
  std::vector<double> capex;  ///< per gatekeeper: this month's capex (orders x build cost), USD/month
};

/// The channels by which US compute reaches Tier 3 through Tier 2: chips re-exported
/// (transshipment, smuggling) and Tier 2 US cloud rented by Tier 3 firms.
enum LeakChannel : std::size_t { kLeakChips = 0, kLeakCloud = 1 };
inline constexpr std::size_t kNumLeakChannels = 2;
using LeakArray = std::array<double, kNumLeakChannels>;

/// Leakage (leakage.cpp): this month's flows by channel and what Tier 3 received since
/// the start of the run.
struct Leakage {
  std::vector<LeakArray> out;       ///< [c] leaving Tier 2 country c this month, H100e/month
  std::vector<LeakArray> in;        ///< [c] reaching Tier 3 country c this month, H100e/month
  std::vector<LeakArray> in_total;  ///< [c] reached Tier 3 country c since the start, H100e
  LeakArray potential{};            ///< what the month's Tier 2 imports and free cloud could carry, H100e/month
  double demand = 0.0;              ///< Tier 3 requests not served this month, H100e/month
};

/// National projects' procurement (projects.cpp): per country, the contract in force.
struct Projects {
  std::vector<int> contract;      ///< awarded alternative (-1: none; the project chooses each month)
  std::vector<int> until;         ///< step at which the contract ends
  std::vector<double> vetoes;     ///< awards to Chinese offers withdrawn under US pressure so far
  std::vector<double> vetoes_cn;  ///< awards to US offers withdrawn under Chinese pressure so far
  std::vector<bool> awarded;      ///< a tender awarded a contract this month
};

/// This month's choice inputs per country: utilities, availability, nested-logit tables.
struct ChoiceInputs {
  std::vector<std::array<double, kNumAlts>> v;  ///< country-level utilities
  /// Tables for the full mask ([0]) and with each of US_direct..CN_cloud removed ([k + 1]).
  std::vector<std::array<ChoiceTable, kNumAlts>> tables;
  /// Per country: the re-choice of a Tier 2 buyer refused on the cap, with US_direct as the
  /// compliant chip (its utility lower by beta_price ln compliant_quality).
  std::vector<ChoiceTable> compliant;
  std::vector<AltMask> available;
  std::vector<float> switching;  ///< per buyer: exp(-S_b), S_b its switching cost (fixed)
};

/// One month's flows of one country (H100e/month), for outputs and invariant checks.
struct CountryMonth {
  double new_demand = 0;
  double backlog_in = 0;
  std::array<double, kNumAlts> demand{};      ///< round-1 requests by alternative (Defer included)
  std::array<double, kNumAlts> demand2{};     ///< round-2 requests (the re-choice) by alternative
  std::array<double, kNumStacks> crossed2{};  ///< round-2 requests for a stack re-chosen from the other
  std::array<double, kNumAlts> served{};      ///< served in either round, by alternative
  std::array<double, kNumAlts> rationed{};    ///< round-1 requests not served
  std::array<double, kNumAlts> backlog{};     ///< carried to next month, by last alternative chosen
  double abandoned = 0;
  double backlog_out = 0;
  double cap_drawn = 0;            ///< drawn on the country cap ledger (non-LPP, non-VEU US imports)
  double cap_available = 0;        ///< ledger available at the start of the month
  double cap_requested = 0;        ///< requests on the ledger, both rounds (> available: the cap binds)
  double lpp_served = 0;           ///< US imports under the LPP exemption
  double compliant_served = 0;     ///< compliant US chips outside the cap (in served[US_direct])
  double compliant_requested = 0;  ///< round-2 requests for them (in demand2[US_direct])
  double nveu_served = 0;          ///< US imports under NVEU allowances
};

/// Global capacities and their use in one month.
struct GlobalMonth {
  double vendor_output = 0;
  double vendor_orders = 0;      ///< orders vendors were asked to ship (cleared by the rules), both rounds
  double vendor_shipped = 0;     ///< to buyers and gatekeepers
  MarketArray market_orders{};   ///< vendor_orders by market (MarketIndex)
  MarketArray market_shipped{};  ///< ... and what was shipped of them
  double cn_export_capacity = 0, cn_export_used = 0;
  double cn_domestic_capacity = 0, cn_domestic_used = 0;
  double cn_cloud_capacity = 0, cn_cloud_used = 0;
  double us_cloud_remote_used = 0;
  double vendor_revenue = 0;  ///< USD: shipped chips at the month's price (buyers and gatekeepers)
  double gatekeeper_orders = 0, gatekeeper_shipped = 0;
};

/// What happened this month.
struct MonthFlows {
  std::vector<CountryMonth> country;
  GlobalMonth global;
  std::vector<double> cloud_free_before;  ///< free US cloud per country before clearing
  std::vector<double> cloud_local_used;   ///< ... and the part rented in the country
};

/// Per-buyer scratch of one month's clearing.
struct ClearingScratch {
  std::vector<std::array<double, kNumAlts>> request2;  ///< expected mode: round-2 requests
  std::vector<double> amount2;       ///< discrete mode: the re-chosen amount; expected: deferred in round 1
  std::vector<double> avail_weight;  ///< the buyer's availability weight this month (pass 1, read in pass 2)
  std::vector<double> u_rechoice;    ///< discrete mode: the re-choice's uniform, from pass 1's random block
  std::vector<double> compliant2;    ///< expected mode: round-2 requests for compliant chips
  std::vector<double> own_us_fill;   ///< the buyer's own US fill rate this month (-1: asked none)
  std::vector<double> cap_part;      ///< random-order rationing: the buyer's request on the ledger
  std::vector<double> cap_grant;     ///< ... and what the ledger granted it
};

struct Clock {
  int step = 0;
  time::YearMonth now;
};

struct State {
  World world;
  std::unique_ptr<Policy> policy;
  Buyers buyers;
  BuyerIndex index;
  Demand demand;
  Countries countries;
  Vendors vendors;
  China china;
  Gatekeepers gatekeepers;
  Leakage leakage;
  Projects projects;
  ChoiceInputs choice;
  MonthFlows month;
  ClearingScratch scratch;
  Clock clock;
};

/// US compute may not reach country c: Tier 3, except China (CHN/HKG/MAC) while US compliant
/// chips may be sold there (then US_direct only, outside every cap). Leakage (leakage.cpp)
/// moves compute to Tier 3 after clearing, outside the buyers' choice.
inline bool us_barred(const Policy& policy, const std::vector<bool>& china, std::size_t c) {
  return policy.tier(c) == 3 && !(policy.china_licence() && china[c]);
}

/// The vendors' market of country c's imports: its tier (MarketIndex 1-3).
inline std::size_t market_of(const Policy& policy, std::size_t c) { return static_cast<std::size_t>(policy.tier(c)); }

/// What the phases use from the engine and the parameters; fixed for a run.
struct Env {
  const DiffusionParams& p;
  const time::Calendar& calendar;
  const engine::Executor& executor;
  std::uint64_t seed;
  std::uint32_t run;
  rng::Stream choice_stream;
  rng::Stream ration_stream;
  rng::Stream stance_stream;
  rng::Stream tender_stream;
};

}  // namespace tiersim::models::diffusion
