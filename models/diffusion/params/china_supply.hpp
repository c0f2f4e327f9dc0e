#pragma once
// Parameters of the Chinese suppliers' decisions (docs/ODD.md s.7.5): chip firms that
// decide capacity, exports and price, and clouds that decide capacity abroad. Each
// behaviour can be frozen to its reference path (the `china.*` paths of ChinaParams), for
// the knock-out experiments.
#include <string>
#include <vector>

#include "sim/config/schema.hpp"

namespace tiersim::models::diffusion {

/// A behaviour decided by the agents, or frozen to its exogenous reference path.
enum class Behaviour { adaptive, frozen };

template <class V>
void behaviour_choice(V& v, std::string_view key, Behaviour& b, std::string_view doc) {
  v.choice(key, b, {{"adaptive", Behaviour::adaptive}, {"frozen", Behaviour::frozen}},
           {.doc = doc, .source = "model switch (knock-out experiments)"});
}

/// Which Chinese behaviours respond; "frozen" uses the reference paths of `china.*`.
struct ChinaBehaviour {
  Behaviour capacity = Behaviour::adaptive;
  Behaviour exports = Behaviour::adaptive;
  Behaviour price = Behaviour::adaptive;
  Behaviour clouds = Behaviour::adaptive;

  template <class V>
  void visit(V& v) {
    behaviour_choice(v, "capacity", capacity,
                     "chip firms' capacity and output: decided (adaptive) or the output path `output_units` (frozen)");
    behaviour_choice(v, "exports", exports,
                     "export allocation: decided (adaptive) or the fixed `export_share` of output (frozen)");
    behaviour_choice(v, "price", price, "price: cost, scarcity, subsidy (adaptive) or `price_ratio` x US (frozen)");
    behaviour_choice(v, "clouds", clouds,
                     "cloud capacity abroad: placed by the clouds (adaptive) or `cloud_share_of_host_demand` (frozen)");
  }
};

/// One Chinese chip firm.
struct ChinaChipFirm {
  std::string name;
  double capacity_2025 = 0.0;
  double input_share = 0.0;
  bool exporter = false;

  template <class V>
  void visit(V& v) {
    v.field("name", name, {.doc = "Chinese AI-chip firm"});
    v.field("capacity_2025", capacity_2025,
            {.unit = "units/year",
             .doc = "packaging and test capacity at the start, 910C-class units",
             .source = "cal. s4/s8 (0.4M Ascend-class units in all; split: assumption)",
             .min = 0.0});
    v.field("input_share", input_share,
            {.unit = "1",
             .doc = "the firm's share of the wafer and HBM supply open to Chinese AI chips",
             .source = "assumption (cal. s4: Huawei the largest source inside China)",
             .min = 0.0,
             .max = 1.0});
    v.field("exporter", exporter,
            {.doc = "the firm sells abroad (Huawei offers Ascend abroad; the others serve Chinese clouds)",
             .source = "cal. s4 [S43]; others: assumption"});
  }
};

/// The chip firms' technology, costs and decision rules.
struct ChinaChipParams {
  std::vector<ChinaChipFirm> firms{{"Huawei", 3.4e5, 0.8, true}, {"Others", 0.6e5, 0.2, false}};
  std::vector<double> logic_units{1.0e6, 1.4e6, 2.0e6};
  std::vector<double> hbm_units_binding{8.0e5, 5.0e5, 8.0e5};
  std::vector<double> hbm_units_relaxed{8.0e5, 1.6e6, 2.5e6};
  bool hbm_controls_binding = true;
  double input_growth_after = 1.3;
  double limit_scale = 1.0;
  double margin = 0.25;
  double scarcity_markup = 0.5;
  double price_subsidy = 0.0;
  double export_discount = 0.0;
  double capex_per_unit = 4000.0;
  double horizon_years = 3.0;
  double adjustment_cost = 10.0;
  double state_support = 0.5;
  double max_quarterly_growth = 0.5;
  int build_lag_months = 9;
  double demand_reserve = 0.1;
  double demand_memory = 0.3;
  double export_elasticity = 1.0;
  double us_pressure = 0.3;
  double export_weight = 0.5;

  template <class V>
  void visit(V& v) {
    v.list("firms", firms, "Chinese AI-chip firms: Huawei, and the others (T-Head, Kunlunxin, Cambricon) as one");
    fields_inputs(v);
    fields_price(v);
    fields_investment(v);
    fields_exports(v);
  }

 private:
  template <class V>
  void fields_inputs(V& v) {
    v.field("logic_units", logic_units,
            {.unit = "units/year",
             .doc = "910C-class packages the logic supply allows (SMIC advanced wafers x yield, plus the TSMC "
                    "die bank), 2025, 2026, 2027",
             .source = "cal. s4 (SMIC 45k/60k/80k wpm, yield < 50%, die bank 2.9M dies); AI share: assumption",
             .min = 0.0});
    v.field("hbm_units_binding", hbm_units_binding,
            {.unit = "units/year",
             .doc = "packages the HBM supply allows while HBM controls bind, 2025, 2026, 2027",
             .source = "cal. s4 [S40] (~805k in 2025, ~300k in 2026 unless HBM is fixed; 13M stacks ~ 1.6M "
                       "packages in all); domestic HBM ramp: assumption",
             .min = 0.0});
    v.field("hbm_units_relaxed", hbm_units_relaxed,
            {.unit = "units/year",
             .doc = "packages the HBM supply allows with controls relaxed or domestic HBM at scale",
             .source = "assumption (cal. s4: 1.6M packages from the stacks shipped)",
             .min = 0.0});
    v.field("hbm_controls_binding", hbm_controls_binding,
            {.doc = "HBM export controls bind (else the relaxed HBM path)", .source = "cal. s4 [S40]; scenario"});
    v.field("input_growth_after", input_growth_after,
            {.unit = "1/year",
             .doc = "growth of both input limits after the last listed year",
             .source = "assumption (SMIC +33%/yr 2025-27, cal. s4)",
             .min = 0.5,
             .max = 5.0});
    v.field("limit_scale", limit_scale,
            {.unit = "1",
             .doc = "multiplier on both input limits: 1 the estimates, 10 a 5G-like breakthrough in wafers and HBM",
             .source = "assumption (response-surface axis, 1-10)",
             .min = 0.0,
             .max = 100.0});
  }

  template <class V>
  void fields_price(V& v) {
    v.field("margin", margin,
            {.unit = "1",
             .doc = "price over unit cost with no scarcity (the 2025 price is `china.price_ratio` x US)",
             .source = "assumption",
             .min = 0.0,
             .max = 5.0});
    v.field("scarcity_markup", scarcity_markup,
            {.unit = "1",
             .doc = "price markup per unit of last month's excess-demand share for Chinese chips; also the "
                    "domestic shadow-price markup in the export decision",
             .source = "assumption (as the US vendors' kappa)",
             .min = 0.0,
             .max = 10.0});
    v.field("price_subsidy", price_subsidy,
            {.unit = "1",
             .doc = "share of the price the state pays (buyers pay the rest; the firm's receipts are unchanged)",
             .source = "assumption (sweep 0-0.5; cal. s6: 5G relied on Huawei being cheaper)",
             .min = 0.0,
             .max = 0.95});
    v.field("export_discount", export_discount,
            {.unit = "1",
             .doc = "discount on export prices the firms grant to win share abroad",
             .source = "assumption (sweep 0-0.5)",
             .min = 0.0,
             .max = 0.95});
  }

  template <class V>
  void fields_investment(V& v) {
    v.field("capex_per_unit", capex_per_unit,
            {.unit = "USD/(unit/year)",
             .doc = "investment per unit of yearly capacity in 2025, falling with the unit cost",
             .source = "assumption (no source found)",
             .min = 1.0});
    v.field("horizon_years", horizon_years,
            {.unit = "year",
             .doc = "years of margin a unit of capacity is valued at",
             .source = "assumption (a chip generation)",
             .min = 0.1,
             .max = 20.0});
    v.field("adjustment_cost", adjustment_cost,
            {.unit = "1",
             .doc = "psi in the investment rule I/K = (q - 1)/psi per quarter",
             .source = "assumption (q-theory, Hayashi 1982)",
             .min = 0.1});
    v.field("state_support", state_support,
            {.unit = "1",
             .doc = "share of the firms' investment the state finances (subsidy, policy-bank credit)",
             .source = "assumption (sweep 0-0.9; Big Fund, cal. s4)",
             .min = 0.0,
             .max = 0.95});
    v.field("max_quarterly_growth", max_quarterly_growth,
            {.unit = "1/quarter",
             .doc = "most capacity a firm can add in a quarter, as a share of what it holds",
             .source = "assumption",
             .min = 0.0,
             .max = 5.0});
    v.field("build_lag_months", build_lag_months,
            {.unit = "month",
             .doc = "months from an investment decision to capacity in use",
             .source = "assumption (packaging and test lines)",
             .min = 0.0,
             .max = 48.0});
    v.field("demand_reserve", demand_reserve,
            {.unit = "1",
             .doc = "capacity the firms aim to hold beyond expected requests",
             .source = "assumption",
             .min = 0.0,
             .max = 5.0});
    v.field("demand_memory", demand_memory,
            {.unit = "1",
             .doc = "weight of this month's requests in the firms' and clouds' expected requests",
             .source = "assumption (as expectations.eta)",
             .min = 0.0,
             .max = 1.0});
  }

  template <class V>
  void fields_exports(V& v) {
    v.field("export_weight", export_weight,
            {.unit = "1",
             .doc = "strategic export weight omega of the exporting firms (Digital Silk Road): a foreign request "
                    "weighs omega/(1 - omega) domestic ones at equal value; 0 exports only what China does not "
                    "ask for, 0.5 weighs both alike, towards 1 foreign requests first",
             .source = "assumption (0.5: neutral; sweep 0-0.99; cal. s4 [S43]: offered abroad, no finalised deals)",
             .min = 0.0,
             .max = 0.999});
    v.field("export_elasticity", export_elasticity,
            {.unit = "1",
             .doc = "sigma: elasticity of the export weight to foreign net price over the domestic shadow price",
             .source = "assumption",
             .min = 0.0,
             .max = 10.0});
    v.field("us_pressure", us_pressure,
            {.unit = "1",
             .doc = "share of an export deal's value lost to US pressure while US guidance is active (deals "
                    "retracted, as in Malaysia, May 2025)",
             .source = "cal. s4 [S44]; size: assumption (sweep 0-0.8)",
             .min = 0.0,
             .max = 1.0});
  }
};

/// One Chinese cloud operating abroad.
struct ChinaCloudFirm {
  std::string name;
  double capex_abroad_2025 = 0.0;

  template <class V>
  void visit(V& v) {
    v.field("name", name, {.doc = "Chinese cloud"});
    v.field("capex_abroad_2025", capex_abroad_2025,
            {.unit = "USD/year",
             .doc = "most the cloud spends on AI capacity abroad in 2025 (its budget ceiling)",
             .source = "cal. s4 [S45,S46] (Alibaba RMB 380B over 3 years; Huawei Riyadh $400M over 5 years); "
                       "share abroad: assumption",
             .min = 0.0});
  }
};

/// The Chinese clouds' capacity abroad.
struct ChinaCloudParams {
  std::vector<ChinaCloudFirm> firms{{"Alibaba Cloud", 1.5e9}, {"Huawei Cloud", 0.3e9}};
  double capex_growth = 1.2;
  int build_lag_months = 6;
  double demand_reserve = 0.2;

  template <class V>
  void visit(V& v) {
    v.list("firms", firms, "Chinese clouds with regions abroad: Alibaba Cloud, Huawei Cloud");
    v.field("capex_growth", capex_growth,
            {.unit = "1/year",
             .doc = "yearly growth of the clouds' budget ceilings",
             .source = "assumption (Alibaba: 'to be raised', cal. s4)",
             .min = 0.5,
             .max = 5.0});
    v.field("build_lag_months", build_lag_months,
            {.unit = "month",
             .doc = "months from a hardware order to capacity online abroad",
             .source = "assumption (as the US gatekeepers)",
             .min = 0.0,
             .max = 48.0});
    v.field("demand_reserve", demand_reserve,
            {.unit = "1",
             .doc = "capacity the clouds aim to hold beyond expected requests",
             .source = "assumption",
             .min = 0.0,
             .max = 5.0});
  }
};

}  // namespace tiersim::models::diffusion
