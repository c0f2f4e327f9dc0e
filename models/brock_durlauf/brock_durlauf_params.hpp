#pragma once
// Parameters of the Brock-Durlauf (2001) binary choice with social interactions, one
// group, mean-field: agent utility U(w) = h w + J w m^e + e(w), w in {-1, +1}, with
// extreme-value errors of scale beta, so P(w = +1) = 1 / (1 + exp(-2 beta (h + J m^e))).
// Self-consistent equilibria solve m = tanh(beta h + beta J m); with h = 0 there are two
// stable nonzero ones iff beta J > 1 (literature.md A4; docs/validation.md).
#include "sim/config/schema.hpp"

namespace tiersim::models::brock_durlauf {

struct BrockDurlaufParams {
  int agents = 100000;        ///< agents in the (single) group
  double beta = 1.0;          ///< 1/utils, intensity of choice
  double h = 0.0;             ///< utils, private utility of +1 over -1 (half the difference)
  double J = 1.5;             ///< utils, strength of the social interaction
  double m0 = 0.0;            ///< initial mean choice
  double revise_share = 1.0;  ///< probability that an agent revises its choice in a month

  template <class V>
  void visit(V& v) {
    v.field("agents", agents,
            {.unit = "agents", .doc = "agents in the group", .source = "assumption", .min = 1.0, .max = 1.0e8});
    v.field("beta", beta,
            {.unit = "1/utils",
             .doc = "intensity of choice (inverse scale of the logit errors)",
             .source = "Brock & Durlauf 2001 (model); value: assumption",
             .min = 0.0,
             .max = 100.0});
    v.field("h", h,
            {.unit = "utils",
             .doc = "private utility of choosing +1 (U = h w + J w m)",
             .source = "Brock & Durlauf 2001 (model); value: assumption",
             .min = -100.0,
             .max = 100.0});
    v.field("J", J,
            {.unit = "utils",
             .doc = "social interaction: utility of conforming to the mean choice m",
             .source = "Brock & Durlauf 2001 (model, J >= 0); value: assumption (beta J > 1: bistable)",
             .min = 0.0,
             .max = 100.0});
    v.field("m0", m0,
            {.unit = "1",
             .doc = "initial mean choice (each agent +1 with probability (1 + m0)/2)",
             .source = "assumption",
             .min = -1.0,
             .max = 1.0});
    v.field("revise_share", revise_share,
            {.unit = "1/month",
             .doc = "probability that an agent revises its choice in a month (1: all revise)",
             .source = "assumption (Blume & Durlauf: asynchronous updating has the same equilibria)",
             .min = 0.0,
             .max = 1.0,
             .min_exclusive = true});
  }
};

}  // namespace tiersim::models::brock_durlauf
