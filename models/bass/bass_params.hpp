#pragma once
// Parameters of the Bass (1969) diffusion reference model. Used to dock the engine to a
// known analytic curve: with a large population the simulated adoption share follows
// F(t) = (1 - exp(-(p+q)t)) / (1 + (q/p) exp(-(p+q)t)).
#include <string>

#include "sim/config/schema.hpp"
#include "sim/core/error.hpp"

namespace tiersim::models::bass {

struct BassParams {
  int markets = 4;                ///< independent markets (a dimension of the outputs)
  int agents_per_market = 25000;  ///< potential adopters per market
  double p = 0.03;                ///< 1/year, innovation (external influence)
  double q = 0.38;                ///< 1/year, imitation (internal influence)
  double initial_share = 0.0;     ///< share of each market adopted at the start

  template <class V>
  void visit(V& v) {
    v.field("markets", markets,
            {.unit = "1", .doc = "number of independent markets", .source = "assumption", .min = 1.0, .max = 1000.0});
    v.field(
        "agents_per_market", agents_per_market,
        {.unit = "agents", .doc = "potential adopters per market", .source = "assumption", .min = 1.0, .max = 1.0e8});
    v.field("p", p,
            {.unit = "1/year",
             .doc = "coefficient of innovation",
             .source = "Sultan, Farley & Lehmann 1990 meta-analysis mean",
             .min = 0.0,
             .max = 10.0});
    v.field("q", q,
            {.unit = "1/year",
             .doc = "coefficient of imitation",
             .source = "Sultan, Farley & Lehmann 1990 meta-analysis mean",
             .min = 0.0,
             .max = 10.0});
    v.field("initial_share", initial_share,
            {.unit = "1", .doc = "share of adopters at the start", .source = "assumption", .min = 0.0, .max = 1.0});
  }

  void check(const config::Node& where) const {
    if (p == 0.0 && initial_share == 0.0) {
      throw InputError(where.origin().describe() +
                       ": key 'params.p': with p = 0 and initial_share = 0 nobody ever adopts; "
                       "set p > 0 or initial_share > 0");
    }
  }
};

}  // namespace tiersim::models::bass
