#pragma once
// Parameters of demand: input data, the number of buyer agents, world demand and its
// spread over countries and buyers, and the initial state (docs/ODD.md s.5).
#include <string>
#include <vector>

#include "models/diffusion/params/us_supply.hpp"
#include "sim/config/schema.hpp"

namespace tiersim::models::diffusion {

struct DataParams {
  std::string countries = "data/countries.csv";

  template <class V>
  void visit(V& v) {
    v.field("countries", countries,
            {.doc = "country table (CSV), relative to the config file", .source = "configs/data/countries.SOURCES.md"});
  }
};

struct ScaleParams {
  int buyers_total = 100000;
  int buyers_min_per_country = 3;
  int consignees_total = 100000;
  int consignees_min_per_country = 3;

  template <class V>
  void visit(V& v) {
    v.field("buyers_total", buyers_total,
            {.unit = "buyers",
             .doc = "buyers in the world, spread by demand share (N_total)",
             .source = "assumption (MODEL s.1: 1e4..1e7)",
             .min = 1.0,
             .max = 5.0e7});
    v.field("buyers_min_per_country", buyers_min_per_country,
            {.unit = "buyers",
             .doc = "minimum buyers per country (n_min)",
             .source = "assumption",
             .min = 1.0,
             .max = 1.0e5});
    v.field("consignees_total", consignees_total,
            {.unit = "consignees",
             .doc = "real buyers (ultimate consignees) in the world, spread by demand share (K_total); "
                    "each buyer agent stands for K_c/N_c of its country's, so the LPP exemption and NVEU "
                    "allowances do not depend on the number of agents",
             .source = "assumption (no published count; range 1e4..1e6, docs/validation.md)",
             .min = 1.0,
             .max = 1.0e9});
    v.field("consignees_min_per_country", consignees_min_per_country,
            {.unit = "consignees",
             .doc = "minimum consignees per country (K_min): the national project and at least one other",
             .source = "assumption",
             .min = 2.0,
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
  ResidencyParams residency;

  template <class V>
  void visit(V& v) {
    v.section("residency", residency, "demand that must be served in the buyer's own country");
    v.field("world_2025", world_2025,
            {.unit = "H100e/year",
             .doc = "world new AI-compute demand in 2025 (W_2025)",
             .source = "cal. s8 (new supply 2025 ~11M H100e)",
             .min = 1.0});
    v.field("growth_first", growth_first,
            {.unit = "1/year",
             .doc = "demand growth factor 2025->2026",
             .source = "cal. s8 (x2.2/yr)",
             .min = 0.5,
             .max = 5.0});
    v.field("growth_last", growth_last,
            {.unit = "1/year",
             .doc = "demand growth factor 2029->2030 (linear in between)",
             .source = "MODEL s.1 (declining toward x1.5 by 2030)",
             .min = 0.5,
             .max = 5.0});
    v.field("usa_share", usa_share,
            {.unit = "1",
             .doc = "US share of world demand",
             .source = "cal. s3 [S23] (US ~75% of cluster performance)",
             .min = 0.0,
             .max = 1.0});
    v.field("chn_share", chn_share,
            {.unit = "1",
             .doc = "China (CHN+HKG+MAC) share of world demand",
             .source = "cal. s3 [S23] (~15%)",
             .min = 0.0,
             .max = 1.0});
    v.field("gdp_elasticity", gdp_elasticity,
            {.unit = "1",
             .doc = "other countries' demand share proportional to gdp^epsilon",
             .source = "assumption (MODEL s.1; sweep)",
             .min = 0.0,
             .max = 3.0});
    v.field("ceiling_countries", ceiling_countries,
            {.doc = "countries whose notable demand is a deal ceiling, scaled by ceiling_realisation",
             .source = "configs/data/countries.SOURCES.md (ARE, SAU are deal ceilings)"});
    v.field("ceiling_realisation", ceiling_realisation,
            {.unit = "1",
             .doc = "share of a deal ceiling that is real demand",
             .source = "assumption (MODEL s.1: 0.3)",
             .min = 0.0,
             .max = 1.0});
    v.field("national_project_share", national_project_share,
            {.unit = "1",
             .doc = "share of a notable-demand country's demand held by one national-project buyer",
             .source = "assumption (cal. s5: Stargate UAE, Humain, IndiaAI are single projects)",
             .min = 0.0,
             .max = 1.0});
    v.field("china_group", china_group,
            {.doc = "countries that make up 'China' (share chn_share; served by domestic Chinese supply)",
             .source = "cal. s1 (Hong Kong treated as China under the EAR)"});
    v.field("pareto_alpha", pareto_alpha,
            {.unit = "1",
             .doc = "tail index of consignee sizes (above 1: a finite mean)",
             .source = "assumption (MODEL s.1)",
             .min = 1.05,
             .max = 10.0});
    v.field("training_beta_a", training_beta_a,
            {.unit = "1",
             .doc = "Beta(a, b) of a buyer's training share: a",
             .source = "assumption (MODEL s.1)",
             .min = 0.01,
             .max = 100.0});
    v.field("training_beta_b", training_beta_b,
            {.unit = "1",
             .doc = "Beta(a, b) of a buyer's training share: b",
             .source = "assumption (MODEL s.1)",
             .min = 0.01,
             .max = 100.0});
    v.field("abandon_rate", abandon_rate,
            {.unit = "1/month",
             .doc = "share of unserved demand abandoned each month",
             .source = "assumption",
             .min = 0.0,
             .max = 1.0});
  }
};

struct InitialParams {
  double world_stock_2025 = 7.0e6;
  double cn_stack_share_china = 0.2;
  double cn_stack_share_other = 0.01;
  double us_availability = 0.95;
  double cn_availability = 0.5;
  double compliant_availability = 0.95;
  double cn_cumulative = 3.0e5;

  template <class V>
  void visit(V& v) {
    v.field("world_stock_2025", world_stock_2025,
            {.unit = "H100e",
             .doc = "installed AI compute at the start, spread by demand share",
             .source = "cal. s3 [S21,S22] (4M Nvidia Feb 2025; >15M all vendors Jan 2026)",
             .min = 0.0});
    v.field("cn_stack_share_china", cn_stack_share_china,
            {.unit = "1",
             .doc = "share of China's installed base on the Chinese stack",
             .source = "assumption (cal. s3 [S24]: Huawei now largest source inside China)",
             .min = 0.0,
             .max = 1.0});
    v.field("cn_stack_share_other", cn_stack_share_other,
            {.unit = "1",
             .doc = "share of other countries' installed base on the Chinese stack",
             .source = "assumption (cal. s4: no finalised Ascend export deals)",
             .min = 0.0,
             .max = 1.0});
    v.field("us_availability", us_availability,
            {.unit = "1",
             .doc = "buyers' initial expected availability of US compute (A_b,US)",
             .source = "assumption",
             .min = 0.01,
             .max = 1.0});
    v.field("cn_availability", cn_availability,
            {.unit = "1",
             .doc = "initial expected fill rate of Chinese chips and of Chinese cloud",
             .source = "assumption",
             .min = 0.01,
             .max = 1.0});
    v.field("compliant_availability", compliant_availability,
            {.unit = "1",
             .doc = "initial expected fill rate of compliant US chips for Tier 2 buyers refused on the cap",
             .source = "assumption (as us_availability)",
             .min = 0.01,
             .max = 1.0});
    v.field("cn_cumulative", cn_cumulative,
            {.unit = "H100e",
             .doc = "cumulative Chinese-stack deployment before 2025 (learning-curve base)",
             .source = "assumption (cal. s4: ~550k 910B planned in 2024 x ~0.3-0.6 H100e)",
             .min = 1.0});
  }
};

}  // namespace tiersim::models::diffusion
