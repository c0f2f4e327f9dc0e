#pragma once
// Parameters of the AI-chip diffusion model (docs/ODD.md). Every number has a unit, a
// default and a source: "cal. sN" refers to docs/calibration-data.md section N,
// "[Sxx]" to its source list; "assumption" marks numbers chosen by the model's authors
// and meant to be swept. Money in USD, compute in H100-equivalents (H100e, TPP basis).
#include <map>
#include <string>
#include <vector>

#include "sim/config/schema.hpp"
#include "sim/core/error.hpp"
#include "sim/time/calendar.hpp"

namespace tiersim::models::diffusion {

enum class ChoiceMode { discrete, expected };
enum class CapRelease { linear, front_loaded };
enum class Rationing { pro_rata, random_order };

struct DataParams {
  std::string countries = "data/countries.csv";

  template <class V>
  void visit(V& v) {
    v.field("countries", countries,
            {.doc = "country table (CSV), relative to the config file",
             .source = "configs/data/countries.SOURCES.md"});
  }
};

struct ScaleParams {
  int buyers_total = 100000;
  int buyers_min_per_country = 3;

  template <class V>
  void visit(V& v) {
    v.field("buyers_total", buyers_total,
            {.unit = "buyers", .doc = "buyers in the world, spread by demand share (N_total)",
             .source = "assumption (MODEL s.1: 1e4..1e7)", .min = 1.0, .max = 5.0e7});
    v.field("buyers_min_per_country", buyers_min_per_country,
            {.unit = "buyers", .doc = "minimum buyers per country (n_min)", .source = "assumption", .min = 1.0,
             .max = 1.0e5});
  }
};

struct DemandParams {
  double world_2025 = 11.0e6;
  double growth_first = 2.2;
  double growth_last = 1.5;
  double usa_share = 0.75;
  double chn_share = 0.15;
  double gdp_elasticity = 1.2;
  std::vector<std::string> ceiling_countries{"ARE", "SAU"};
  double ceiling_realisation = 0.3;
  double national_project_share = 0.8;
  std::vector<std::string> china_group{"CHN", "HKG", "MAC"};
  double pareto_alpha = 1.2;
  double training_beta_a = 2.0;
  double training_beta_b = 3.0;
  double abandon_rate = 0.05;

  template <class V>
  void visit(V& v) {
    v.field("world_2025", world_2025,
            {.unit = "H100e/year", .doc = "world new AI-compute demand in 2025 (W_2025)",
             .source = "cal. s8 (new supply 2025 ~11M H100e)", .min = 1.0});
    v.field("growth_first", growth_first,
            {.unit = "1/year", .doc = "demand growth factor 2025->2026", .source = "cal. s8 (x2.2/yr)",
             .min = 0.5, .max = 5.0});
    v.field("growth_last", growth_last,
            {.unit = "1/year", .doc = "demand growth factor 2029->2030 (linear in between)",
             .source = "MODEL s.1 (declining toward x1.5 by 2030)", .min = 0.5, .max = 5.0});
    v.field("usa_share", usa_share,
            {.unit = "1", .doc = "US share of world demand", .source = "cal. s3 [S23] (US ~75% of cluster performance)",
             .min = 0.0, .max = 1.0});
    v.field("chn_share", chn_share,
            {.unit = "1", .doc = "China (CHN+HKG+MAC) share of world demand", .source = "cal. s3 [S23] (~15%)",
             .min = 0.0, .max = 1.0});
    v.field("gdp_elasticity", gdp_elasticity,
            {.unit = "1", .doc = "other countries' demand share proportional to gdp^epsilon",
             .source = "assumption (MODEL s.1; sweep)", .min = 0.0, .max = 3.0});
    v.field("ceiling_countries", ceiling_countries,
            {.doc = "countries whose notable demand is a deal ceiling, scaled by ceiling_realisation",
             .source = "configs/data/countries.SOURCES.md (ARE, SAU are deal ceilings)"});
    v.field("ceiling_realisation", ceiling_realisation,
            {.unit = "1", .doc = "share of a deal ceiling that is real demand", .source = "assumption (MODEL s.1: 0.3)",
             .min = 0.0, .max = 1.0});
    v.field("national_project_share", national_project_share,
            {.unit = "1", .doc = "share of a notable-demand country's demand held by one national-project buyer",
             .source = "assumption (cal. s5: Stargate UAE, Humain, IndiaAI are single projects)", .min = 0.0,
             .max = 1.0});
    v.field("china_group", china_group,
            {.doc = "countries that make up 'China' (share chn_share; served by domestic Chinese supply)",
             .source = "cal. s1 (Hong Kong treated as China under the EAR)"});
    v.field("pareto_alpha", pareto_alpha,
            {.unit = "1", .doc = "tail index of buyer sizes", .source = "assumption (MODEL s.1)", .min = 0.5,
             .max = 10.0});
    v.field("training_beta_a", training_beta_a,
            {.unit = "1", .doc = "Beta(a, b) of a buyer's training share: a", .source = "assumption (MODEL s.1)",
             .min = 0.01, .max = 100.0});
    v.field("training_beta_b", training_beta_b,
            {.unit = "1", .doc = "Beta(a, b) of a buyer's training share: b", .source = "assumption (MODEL s.1)",
             .min = 0.01, .max = 100.0});
    v.field("abandon_rate", abandon_rate,
            {.unit = "1/month", .doc = "share of unserved demand abandoned each month",
             .source = "assumption", .min = 0.0, .max = 1.0});
  }
};

struct InitialParams {
  double world_stock_2025 = 7.0e6;
  double cn_stack_share_china = 0.2;
  double cn_stack_share_other = 0.01;
  double us_availability = 0.95;
  double cn_availability = 0.5;
  double cn_cumulative = 3.0e5;

  template <class V>
  void visit(V& v) {
    v.field("world_stock_2025", world_stock_2025,
            {.unit = "H100e", .doc = "installed AI compute at the start, spread by demand share",
             .source = "cal. s3 [S21,S22] (4M Nvidia Feb 2025; >15M all vendors Jan 2026)", .min = 0.0});
    v.field("cn_stack_share_china", cn_stack_share_china,
            {.unit = "1", .doc = "share of China's installed base on the Chinese stack",
             .source = "assumption (cal. s3 [S24]: Huawei now largest source inside China)", .min = 0.0, .max = 1.0});
    v.field("cn_stack_share_other", cn_stack_share_other,
            {.unit = "1", .doc = "share of other countries' installed base on the Chinese stack",
             .source = "assumption (cal. s4: no finalised Ascend export deals)", .min = 0.0, .max = 1.0});
    v.field("us_availability", us_availability,
            {.unit = "1", .doc = "buyers' initial expected availability of US compute (A_b,US)",
             .source = "assumption", .min = 0.01, .max = 1.0});
    v.field("cn_availability", cn_availability,
            {.unit = "1", .doc = "initial expected fill rate of Chinese supply", .source = "assumption",
             .min = 0.01, .max = 1.0});
    v.field("cn_cumulative", cn_cumulative,
            {.unit = "H100e", .doc = "cumulative Chinese-stack deployment before 2025 (learning-curve base)",
             .source = "assumption (cal. s4: ~550k 910B planned in 2024 x ~0.3-0.6 H100e)", .min = 1.0});
  }
};

struct ChoiceParams {
  ChoiceMode mode = ChoiceMode::discrete;
  double asc_us_cloud = -0.3;
  double asc_cn_chip = -1.0;
  double asc_cn_cloud = -1.5;
  double asc_defer = -2.5;
  double beta_price = 2.0;
  double gamma_net = 0.3;
  double global_network_weight = 0.1;
  double s_train = 2.5;
  double s_infer = 0.8;
  double delta_avail = 1.5;
  double rho_risk = 1.0;
  double theta_align = 0.5;
  double lambda_lat = 0.7;
  double mu_us = 0.6;
  double mu_cn = 0.6;
  double availability_floor = 0.01;

  template <class V>
  void visit(V& v) {
    v.choice("mode", mode, {{"discrete", ChoiceMode::discrete}, {"expected", ChoiceMode::expected}},
             {.doc = "discrete: one draw per buyer for its whole demand; expected: split by probability",
              .source = "MODEL s.3"});
    v.field("asc_us_cloud", asc_us_cloud,
            {.unit = "utils", .doc = "alternative-specific constant, US cloud (US_direct = 0)", .source = "assumption"});
    v.field("asc_cn_chip", asc_cn_chip, {.unit = "utils", .doc = "ASC, Chinese chips", .source = "assumption"});
    v.field("asc_cn_cloud", asc_cn_cloud, {.unit = "utils", .doc = "ASC, Chinese cloud", .source = "assumption"});
    v.field("asc_defer", asc_defer, {.unit = "utils", .doc = "ASC, defer", .source = "assumption"});
    v.field("beta_price", beta_price,
            {.unit = "utils per log(USD/H100e)", .doc = "price sensitivity", .source = "assumption", .min = 0.0});
    v.field("gamma_net", gamma_net,
            {.unit = "utils per log(H100e)", .doc = "network/ecosystem weight on log expected installed base",
             .source = "assumption (Katz & Shapiro 1985; Arthur 1989)", .min = 0.0});
    v.field("global_network_weight", global_network_weight,
            {.unit = "1", .doc = "weight of the world installed base in a country's network term",
             .source = "assumption", .min = 0.0, .max = 1.0});
    v.field("s_train", s_train,
            {.unit = "utils", .doc = "switching cost for training workloads",
             .source = "assumption (cal. s4: CUDA moat; DeepSeek R2 on Ascend [lit. A3])", .min = 0.0});
    v.field("s_infer", s_infer,
            {.unit = "utils", .doc = "switching cost for inference workloads", .source = "assumption (lit. A3)",
             .min = 0.0});
    v.field("delta_avail", delta_avail,
            {.unit = "utils per log(share)", .doc = "weight on log expected availability", .source = "assumption",
             .min = 0.0});
    v.field("rho_risk", rho_risk,
            {.unit = "utils per risk unit", .doc = "weight on compliance/political risk", .source = "assumption",
             .min = 0.0});
    v.field("theta_align", theta_align,
            {.unit = "utils", .doc = "pull of US alliance toward the US stack (and away from the Chinese one)",
             .source = "assumption (cal. s9: fitted to 5G, +-50%)", .min = 0.0});
    v.field("lambda_lat", lambda_lat,
            {.unit = "utils", .doc = "penalty for cloud served from outside the country", .source = "assumption",
             .min = 0.0});
    v.field("mu_us", mu_us,
            {.unit = "1", .doc = "nest parameter of the US nest (1 = no correlation)", .source = "assumption",
             .min = 0.01, .max = 1.0});
    v.field("mu_cn", mu_cn,
            {.unit = "1", .doc = "nest parameter of the Chinese nest", .source = "assumption", .min = 0.01,
             .max = 1.0});
    v.field("availability_floor", availability_floor,
            {.unit = "1", .doc = "lower bound on availability inside log()", .source = "numerical guard",
             .min = 1.0e-6, .max = 1.0});
  }
};

struct ExpectationParams {
  double eta = 0.3;
  double announce_shock = 0.2;

  template <class V>
  void visit(V& v) {
    v.field("eta", eta,
            {.unit = "1/month", .doc = "adaptive-expectations weight of the latest fill rate", .source = "assumption",
             .min = 0.0, .max = 1.0});
    v.field("announce_shock", announce_shock,
            {.unit = "1", .doc = "drop in Tier 2 buyers' expected US availability when the rule is announced",
             .source = "assumption (Microsoft's 'customer confidence' channel, cal. s2 [S16])", .min = 0.0,
             .max = 0.99});
  }
};

struct VendorParams {
  std::vector<std::string> names{"Nvidia", "AMD"};
  std::vector<double> output_2025{9.6e6, 0.8e6};
  double growth_first = 2.2;
  double growth_last = 1.5;
  double price_2025 = 15400.0;
  double price_change = -0.25;
  double kappa = 0.5;
  double facility_overhead = 1.0;

  template <class V>
  void visit(V& v) {
    v.field("names", names, {.doc = "US chip vendors", .source = "cal. s3"});
    v.field("output_2025", output_2025,
            {.unit = "H100e/year", .doc = "each vendor's output in 2025",
             .source = "assumption from cal. s3/s8 (~11M new H100e in 2025; Nvidia ~92% [S19,S31])", .min = 0.0});
    v.field("growth_first", growth_first,
            {.unit = "1/year", .doc = "output growth 2025->2026", .source = "cal. s8/s9 (x2.2, sweep 1.8-2.6)",
             .min = 0.5, .max = 5.0});
    v.field("growth_last", growth_last,
            {.unit = "1/year", .doc = "output growth 2029->2030 (linear in between)", .source = "assumption",
             .min = 0.5, .max = 5.0});
    v.field("price_2025", price_2025,
            {.unit = "USD/H100e", .doc = "chip price per H100e in 2025", .source = "cal. s8 (B200 $35k / 2.27)",
             .min = 1.0});
    v.field("price_change", price_change,
            {.unit = "1/year", .doc = "yearly change in price per H100e", .source = "cal. s8 (-20..-30%/yr)",
             .min = -0.9, .max = 1.0});
    v.field("kappa", kappa,
            {.unit = "1", .doc = "scarcity markup per unit of excess-demand share", .source = "assumption",
             .min = 0.0});
    v.field("facility_overhead", facility_overhead,
            {.unit = "1", .doc = "data-centre cost per H100e relative to the chip price (all-in = chip x (1+this))",
             .source = "cal. s3 (~$29B/GW, 1.5 kW and ~$35k per accelerator)", .min = 0.0});
  }

  void check(const config::Node& where, const std::string& prefix) const {
    if (names.empty() || names.size() != output_2025.size()) {
      throw InputError(where.origin().describe() + ": key '" + prefix +
                       ".output_2025': needs one value per vendor in '" + prefix + ".names'");
    }
  }
};

struct GatekeeperSpec {
  std::string name;
  std::string hq = "USA";
  double capex_2025 = 0.0;
  double initial_capacity = 0.0;

  template <class V>
  void visit(V& v) {
    v.field("name", name, {.doc = "gatekeeper (UVEU cloud provider)"});
    v.field("hq", hq, {.doc = "ISO3 of the headquarters"});
    v.field("capex_2025", capex_2025,
            {.unit = "USD/year", .doc = "AI data-centre capex in 2025", .source = "cal. s3 [S32,S33]", .min = 0.0});
    v.field("initial_capacity", initial_capacity,
            {.unit = "H100e", .doc = "AI capacity at the start", .source = "assumption (cal. s3 [S24])",
             .min = 0.0});
  }
};

struct GatekeeperParams {
  std::vector<GatekeeperSpec> firms{{"Microsoft", "USA", 80.0e9, 1.2e6},
                                    {"Google", "USA", 91.0e9, 1.5e6},
                                    {"AWS", "USA", 125.0e9, 1.4e6},
                                    {"Oracle", "USA", 35.0e9, 0.3e6}};
  double capex_growth = 1.3;
  double ai_share_of_capex = 0.6;
  int build_lag_months = 6;
  double initial_home_share = 0.65;
  double initial_tier1_share = 0.25;
  double home_bias = 0.5;
  double cloud_markup = 0.3;
  double uveu_surcharge = 0.03;
  bool remote_allowed = true;

  template <class V>
  void visit(V& v) {
    v.list("firms", firms, "gatekeepers: Microsoft, Google, AWS, Oracle");
    v.field("capex_growth", capex_growth,
            {.unit = "1/year", .doc = "yearly growth of capex after 2025",
             .source = "assumption (cal. s3: 2024->2025 capex grew ~1.5x)", .min = 0.5, .max = 5.0});
    v.field("ai_share_of_capex", ai_share_of_capex,
            {.unit = "1", .doc = "share of capex that becomes AI compute capacity", .source = "assumption",
             .min = 0.0, .max = 1.0});
    v.field("build_lag_months", build_lag_months,
            {.unit = "month", .doc = "months from chip purchase to capacity online", .source = "assumption",
             .min = 0.0, .max = 60.0});
    v.field("initial_home_share", initial_home_share,
            {.unit = "1", .doc = "share of initial capacity in the home country", .source = "cal. s3 [S32] (> half in US)",
             .min = 0.0, .max = 1.0});
    v.field("initial_tier1_share", initial_tier1_share,
            {.unit = "1", .doc = "share of initial capacity in other Tier 1 countries", .source = "assumption",
             .min = 0.0, .max = 1.0});
    v.field("home_bias", home_bias,
            {.unit = "1", .doc = "extra weight on home-country demand when placing capacity", .source = "assumption",
             .min = 0.0});
    v.field("cloud_markup", cloud_markup,
            {.unit = "1", .doc = "cloud price over the all-in cost of owning", .source = "assumption (cal. s3 rental rates)",
             .min = 0.0});
    v.field("uveu_surcharge", uveu_surcharge,
            {.unit = "1", .doc = "compliance cost of UVEU status, share of the cloud price, while the rule is in force",
             .source = "assumption (BACKGROUND: reporting on customers, cybersecurity)", .min = 0.0, .max = 1.0});
    v.field("remote_allowed", remote_allowed,
            {.doc = "US cloud demand a country cannot get locally may be served from US capacity",
             .source = "assumption"});
  }
};

struct ChinaParams {
  std::vector<double> output_units{4.0e5, 6.0e5, 1.0e6};
  double output_scale = 1.0;
  double output_growth_after = 1.5;
  double h100e_per_unit = 0.6;
  double export_h100e_per_unit = 0.3;
  double export_share = 0.01;
  double quality_0 = 0.6;
  double learning_exponent = 0.15;
  double price_ratio = 1.3;
  double cloud_share_of_host_demand = 0.01;
  std::vector<double> cloud_host_tiers{2.0};
  bool cloud_remote_allowed = true;

  template <class V>
  void visit(V& v) {
    v.field("output_units", output_units,
            {.unit = "units/year", .doc = "Huawei Ascend output, 2025, 2026, 2027",
             .source = "cal. s8 (0.4M/0.6M/1.0M; ranges 0.2-0.8M, 0.3-1.0M, 0.5-2.0M)", .min = 0.0});
    v.field("output_scale", output_scale,
            {.unit = "1", .doc = "multiplier on the whole output path (for sweeps)",
             .source = "cal. s9 (2025: 0.2-0.8M around 0.4M, i.e. x0.5-2)", .min = 0.0, .max = 100.0});
    v.field("output_growth_after", output_growth_after,
            {.unit = "1/year", .doc = "output growth after the last listed year", .source = "assumption",
             .min = 0.5, .max = 5.0});
    v.field("h100e_per_unit", h100e_per_unit,
            {.unit = "H100e/unit", .doc = "compute per domestic unit (910C class)", .source = "cal. s8 (0.6 inference)",
             .min = 0.0, .max = 5.0});
    v.field("export_h100e_per_unit", export_h100e_per_unit,
            {.unit = "H100e/unit", .doc = "compute per exported unit (910B class)",
             .source = "cal. s8 (only 910B-class exported before 2027: 0.3)", .min = 0.0, .max = 5.0});
    v.field("export_share", export_share,
            {.unit = "1", .doc = "share of Chinese output exported (domestic demand served first)",
             .source = "cal. s8/s9 (1%, range 0-10%)", .min = 0.0, .max = 1.0});
    v.field("quality_0", quality_0,
            {.unit = "1", .doc = "effective quality of Chinese compute relative to US at the start (Q_CN,0)",
             .source = "cal. s4 [S35] (910C ~60% of H100 in inference; sweep 0.4-0.8)", .min = 0.01, .max = 1.0});
    v.field("learning_exponent", learning_exponent,
            {.unit = "1", .doc = "Q_CN grows as (cumulative deployment ratio)^exponent", .source = "assumption",
             .min = 0.0, .max = 2.0});
    v.field("price_ratio", price_ratio,
            {.unit = "1", .doc = "price per effective H100e, Chinese / US, at the start",
             .source = "cal. s9 (1.3, sweep 0.6-2.0)", .min = 0.01, .max = 100.0});
    v.field("cloud_share_of_host_demand", cloud_share_of_host_demand,
            {.unit = "1", .doc = "Chinese cloud AI capacity abroad per month, as share of host countries' demand",
             .source = "cal. s8/s9 (<= 1%, sweep 0-10%)", .min = 0.0, .max = 1.0});
    v.field("cloud_host_tiers", cloud_host_tiers,
            {.unit = "1", .doc = "tiers (January 2025) whose Chinese cloud regions host AI capacity",
             .source = "cal. s8 (host regions listed are all Tier 2)", .min = 1.0, .max = 3.0});
    v.field("cloud_remote_allowed", cloud_remote_allowed,
            {.doc = "countries without a Chinese cloud region may rent remotely", .source = "assumption"});
  }
};

struct RuleParams {
  bool caps = true;
  bool uveu_limits = true;
  double cap_h100e = 49900.0;
  CapRelease release = CapRelease::linear;
  time::YearMonth release_start{2025, 1};
  int release_months = 36;
  double annual_release_after = 16633.0;
  double g2g_multiplier = 2.0;
  double g2g_probability = 0.3;
  std::map<std::string, double> g2g_probability_by_country{{"ARE", 0.9}, {"SAU", 0.9}};
  double lpp_h100e_per_year = 1699.0;
  Rationing rationing = Rationing::pro_rata;
  double uveu_min_tier1_share = 0.75;
  double uveu_max_tier2_share = 0.07;
  double uveu_min_home_share = 0.5;
  bool nveu = true;
  double nveu_min_demand = 50000.0;
  std::vector<double> nveu_cumulative{100000.0, 270000.0, 320000.0};

  template <class V>
  void visit(V& v) {
    v.field("caps", caps, {.doc = "Tier 2 quantitative caps apply (false: Microsoft's proposal)", .source = "cal. s2 [S16]"});
    v.field("uveu_limits", uveu_limits,
            {.doc = "UVEU placement limits (75% Tier 1, 7% per Tier 2 country, 50% home) apply",
             .source = "cal. s2 [S3]"});
    v.field("cap_h100e", cap_h100e,
            {.unit = "H100e", .doc = "cumulative Tier 2 country cap 2025-2027 (790M TPP / 15,832)",
             .source = "cal. s2 [S1,S4]", .min = 0.0});
    v.choice("release", release, {{"linear", CapRelease::linear}, {"front_loaded", CapRelease::front_loaded}},
             {.doc = "how the cap is released over its period", .source = "cal. s8/s9 (linear default)"});
    v.field("release_start", release_start, {.unit = "month", .doc = "first month of the cap period", .source = "cal. s2"});
    v.field("release_months", release_months,
            {.unit = "month", .doc = "length of the cap period (2025-2027)", .source = "cal. s2", .min = 1.0,
             .max = 600.0});
    v.field("annual_release_after", annual_release_after,
            {.unit = "H100e/year", .doc = "cap released per year after the period (rule kept in force)",
             .source = "assumption (same yearly rate as 2025-2027)", .min = 0.0});
    v.field("g2g_multiplier", g2g_multiplier,
            {.unit = "1", .doc = "cap multiplier with a government-to-government agreement", .source = "cal. s2 [S4]",
             .min = 1.0, .max = 100.0});
    v.field("g2g_probability", g2g_probability,
            {.unit = "1", .doc = "probability that a Tier 2 country concludes a G2G agreement",
             .source = "cal. s9 (0.3)", .min = 0.0, .max = 1.0});
    v.table("g2g_probability_by_country", g2g_probability_by_country, "per-country G2G probability (ISO3)",
            {.unit = "1", .source = "cal. s9 (0.9 for ARE/SAU)", .min = 0.0, .max = 1.0});
    v.field("lpp_h100e_per_year", lpp_h100e_per_year,
            {.unit = "H100e/(buyer year)", .doc = "LPP exemption per buyer per calendar year", .source = "cal. s2 [S5]",
             .min = 0.0});
    v.choice("rationing", rationing,
             {{"pro_rata", Rationing::pro_rata}, {"random_order", Rationing::random_order}},
             {.doc = "how a short cap ledger is shared", .source = "MODEL s.4"});
    v.field("uveu_min_tier1_share", uveu_min_tier1_share,
            {.unit = "1", .doc = "UVEU: minimum share of capacity in Tier 1", .source = "cal. s2 [S3]", .min = 0.0,
             .max = 1.0});
    v.field("uveu_max_tier2_share", uveu_max_tier2_share,
            {.unit = "1", .doc = "UVEU: maximum share of capacity in any one Tier 2 country", .source = "cal. s2 [S3]",
             .min = 0.0, .max = 1.0});
    v.field("uveu_min_home_share", uveu_min_home_share,
            {.unit = "1", .doc = "UVEU: minimum share in the US for US-headquartered firms", .source = "cal. s2 [S3]",
             .min = 0.0, .max = 1.0});
    v.field("nveu", nveu, {.doc = "large buyers may hold National VEU allowances", .source = "cal. s2 [S11]"});
    v.field("nveu_min_demand", nveu_min_demand,
            {.unit = "H100e/year", .doc = "yearly demand above which a Tier 2 buyer is an NVEU", .source = "assumption",
             .min = 0.0});
    v.field("nveu_cumulative", nveu_cumulative,
            {.unit = "H100e", .doc = "NVEU cumulative allowance at the end of 2025, 2026, 2027",
             .source = "cal. s2 [S11,S2]", .min = 0.0});
  }
};

/// A dated policy event. Actions: rule_on, rule_off, guidance_on, guidance_off,
/// retaliation_on, retaliation_off, g2g (countries get the G2G multiplier), tier (countries
/// move to `tier`).
struct EventSpec {
  time::Date date{2025, 1, 13};
  std::string action;
  std::vector<std::string> countries;
  int tier = 2;
  std::string note;

  template <class V>
  void visit(V& v) {
    v.field("date", date, {.doc = "date the event takes effect (lands in its month)"});
    v.field("action", action, {.doc = "rule_on | rule_off | guidance_on | guidance_off | retaliation_on | "
                                      "retaliation_off | g2g | tier"});
    v.field("countries", countries, {.doc = "ISO3 codes (g2g, tier)"});
    v.field("tier", tier, {.unit = "1", .doc = "new tier (action tier)", .min = 1.0, .max = 3.0});
    v.field("note", note, {.doc = "what the event is, with its source"});
  }
};

struct PolicyParams {
  RuleParams rule;
  std::vector<EventSpec> events;
  double guidance_risk = 1.0;
  double restrict_risk = 1.0;
  double tier3_diversion = 0.0;
  double retaliation_cost_multiplier = 1.05;

  template <class V>
  void visit(V& v) {
    v.section("rule", rule, "the AI Diffusion rule when in force");
    v.list("events", events, "dated policy events (the scenario's timeline)");
    v.field("guidance_risk", guidance_risk,
            {.unit = "risk units", .doc = "risk on Chinese options while US guidance (GP10) is active",
             .source = "cal. s2 [S15]; size assumption", .min = 0.0});
    v.field("restrict_risk", restrict_risk,
            {.unit = "risk units", .doc = "risk on Chinese options in a country whose stance is restrict",
             .source = "assumption", .min = 0.0});
    v.field("tier3_diversion", tier3_diversion,
            {.unit = "1", .doc = "US chips reaching Tier 3, as share of Tier 2 US-chip imports",
             .source = "cal. s9 (no good source; MODEL default 0)", .min = 0.0, .max = 1.0});
    v.field("retaliation_cost_multiplier", retaliation_cost_multiplier,
            {.unit = "1", .doc = "US data-centre build cost multiplier while China's minerals ban is on",
             .source = "assumption from cal. s7 (USGS -$3.4B; Ga/Ge hit power/RF electronics)", .min = 1.0,
             .max = 5.0});
  }
};

struct StanceParams {
  double beta = 1.0;
  double j_peer = 1.5;
  double h_restrict = -1.08;
  double h_exclude = -1.08;
  double h_ally_restrict = 0.64;
  double h_ally_exclude = 0.64;
  double h_tier1_exclude = 2.22;
  double guidance_shift = 0.5;
  double update_probability = 0.25;

  template <class V>
  void visit(V& v) {
    v.field("beta", beta, {.unit = "1", .doc = "intensity of choice of country stance (scale normalisation)",
                           .source = "normalisation", .min = 0.0});
    v.field("j_peer", j_peer,
            {.unit = "utils", .doc = "peer effect: weight on the share of the bloc holding a stance (J)",
             .source = "assumption: not identified by the 5G cross-section (docs/validation.md)", .min = 0.0});
    v.field("h_restrict", h_restrict,
            {.unit = "utils", .doc = "base utility of restrict (open = 0)",
             .source = "MSM fit to the 5G record, tied to h_exclude (docs/validation.md)"});
    v.field("h_exclude", h_exclude,
            {.unit = "utils", .doc = "base utility of exclude", .source = "MSM fit to the 5G record (docs/validation.md)"});
    v.field("h_ally_restrict", h_ally_restrict,
            {.unit = "utils", .doc = "added utility of restrict for US allies",
             .source = "MSM fit to the 5G record, tied to h_ally_exclude (docs/validation.md)"});
    v.field("h_ally_exclude", h_ally_exclude,
            {.unit = "utils", .doc = "added utility of exclude for US allies",
             .source = "MSM fit to the 5G record (docs/validation.md)"});
    v.field("h_tier1_exclude", h_tier1_exclude,
            {.unit = "utils", .doc = "added utility of exclude for Tier 1 partners",
             .source = "MSM fit to the 5G record (docs/validation.md)"});
    v.field("guidance_shift", guidance_shift,
            {.unit = "utils", .doc = "US pressure: added to restrict and exclude while guidance is active",
             .source = "assumption (MODEL s.6)"});
    v.field("update_probability", update_probability,
            {.unit = "1/quarter", .doc = "chance a country revisits its stance each quarter",
             .source = "assumption (asynchronous updating, Blume & Durlauf)", .min = 0.0, .max = 1.0});
  }
};

struct DiffusionParams {
  DataParams data;
  ScaleParams scale;
  DemandParams demand;
  InitialParams initial;
  ChoiceParams choice;
  ExpectationParams expectations;
  VendorParams vendors;
  GatekeeperParams gatekeepers;
  ChinaParams china;
  PolicyParams policy;
  StanceParams stance;

  template <class V>
  void visit(V& v) {
    v.section("data", data, "input data files");
    v.section("scale", scale, "number of buyer agents");
    v.section("demand", demand, "world demand and its spread");
    v.section("initial", initial, "initial state");
    v.section("choice", choice, "buyers' nested logit");
    v.section("expectations", expectations, "buyers' expectations");
    v.section("vendors", vendors, "US chip vendors");
    v.section("gatekeepers", gatekeepers, "UVEU cloud providers");
    v.section("china", china, "Chinese suppliers");
    v.section("policy", policy, "the regulator");
    v.section("stance", stance, "countries' stance toward the Chinese stack");
  }

  void check(const config::Node& where) const;
};

}  // namespace tiersim::models::diffusion
