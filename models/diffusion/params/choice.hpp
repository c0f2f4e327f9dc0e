#pragma once
// Parameters of buyers' choice (nested logit, docs/ODD.md s.7.1) and expectations (s.7.6).
#include "sim/config/schema.hpp"

namespace tiersim::models::diffusion {

enum class ChoiceMode { discrete, expected };

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
    v.field(
        "asc_us_cloud", asc_us_cloud,
        {.unit = "utils", .doc = "alternative-specific constant, US cloud (US_direct = 0)", .source = "assumption"});
    v.field("asc_cn_chip", asc_cn_chip, {.unit = "utils", .doc = "ASC, Chinese chips", .source = "assumption"});
    v.field("asc_cn_cloud", asc_cn_cloud, {.unit = "utils", .doc = "ASC, Chinese cloud", .source = "assumption"});
    v.field("asc_defer", asc_defer, {.unit = "utils", .doc = "ASC, defer", .source = "assumption"});
    v.field("beta_price", beta_price,
            {.unit = "utils per log(USD/H100e)", .doc = "price sensitivity", .source = "assumption", .min = 0.0});
    v.field("gamma_net", gamma_net,
            {.unit = "utils per log(H100e)",
             .doc = "network/ecosystem weight on log expected installed base",
             .source = "assumption (Katz & Shapiro 1985; Arthur 1989)",
             .min = 0.0});
    v.field("global_network_weight", global_network_weight,
            {.unit = "1",
             .doc = "weight of the world installed base in a country's network term",
             .source = "assumption",
             .min = 0.0,
             .max = 1.0});
    v.field("s_train", s_train,
            {.unit = "utils",
             .doc = "switching cost for training workloads",
             .source = "assumption (cal. s4: CUDA moat; DeepSeek R2 on Ascend [lit. A3])",
             .min = 0.0});
    v.field("s_infer", s_infer,
            {.unit = "utils",
             .doc = "switching cost for inference workloads",
             .source = "assumption (lit. A3)",
             .min = 0.0});
    v.field("delta_avail", delta_avail,
            {.unit = "utils per log(share)",
             .doc = "weight on log expected availability",
             .source = "assumption",
             .min = 0.0});
    v.field("rho_risk", rho_risk,
            {.unit = "utils per risk unit",
             .doc = "weight on compliance/political risk",
             .source = "assumption",
             .min = 0.0});
    v.field("theta_align", theta_align,
            {.unit = "utils",
             .doc = "pull of US alliance toward the US stack (and away from the Chinese one)",
             .source = "assumption (cal. s9: fitted to 5G, +-50%)",
             .min = 0.0});
    v.field("lambda_lat", lambda_lat,
            {.unit = "utils",
             .doc = "penalty for cloud served from outside the country",
             .source = "assumption",
             .min = 0.0});
    v.field("mu_us", mu_us,
            {.unit = "1",
             .doc = "nest parameter of the US nest (1 = no correlation)",
             .source = "assumption",
             .min = 0.01,
             .max = 1.0});
    v.field(
        "mu_cn", mu_cn,
        {.unit = "1", .doc = "nest parameter of the Chinese nest", .source = "assumption", .min = 0.01, .max = 1.0});
    v.field("availability_floor", availability_floor,
            {.unit = "1",
             .doc = "lower bound on availability inside log()",
             .source = "numerical guard",
             .min = 1.0e-6,
             .max = 1.0});
  }
};

struct ExpectationParams {
  double eta = 0.3;
  double announce_shock = 0.2;

  template <class V>
  void visit(V& v) {
    v.field("eta", eta,
            {.unit = "1/month",
             .doc = "adaptive-expectations weight of the latest fill rate",
             .source = "assumption",
             .min = 0.0,
             .max = 1.0});
    v.field("announce_shock", announce_shock,
            {.unit = "1",
             .doc = "drop in Tier 2 buyers' expected US availability when the rule is announced",
             .source = "assumption (Microsoft's 'customer confidence' channel, cal. s2 [S16])",
             .min = 0.0,
             .max = 0.99});
  }
};

}  // namespace tiersim::models::diffusion
