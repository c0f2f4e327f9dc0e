#pragma once
// Parameters of the Arthur (1989) increasing-returns reference model ("Competing
// technologies, increasing returns, and lock-in by historical events", Economic Journal
// 99:116-131). Used to dock the engine to theory: with increasing returns the difference
// d = n_A - n_B is a random walk with absorbing barriers at d = (b_R - a_R)/r and
// d = (b_S - a_S)/s, so every market locks in to one technology with probability 1
// (literature.md A1; docs/validation.md).
#include <string>

#include "sim/config/schema.hpp"
#include "sim/core/error.hpp"

namespace tiersim::models::arthur {

/// How a technology's payoff changes with its installed base.
enum class Returns {
  increasing,   ///< payoff a + r n (Arthur's increasing returns: lock-in)
  constant,     ///< payoff a (r = s = 0: shares converge to the type mix)
  diminishing,  ///< payoff a - r n (negative returns: both technologies coexist)
};

struct ArthurParams {
  int markets = 1000;          ///< independent markets (a dimension of the outputs)
  int arrivals_per_step = 10;  ///< adopters arriving in each market each month, one at a time
  double p_r = 0.5;            ///< probability that an arriving adopter is of type R
  Returns returns = Returns::increasing;
  double a_R = 2.0;  ///< utils, R-type payoff from A with no installed base
  double b_R = 1.0;  ///< utils, R-type payoff from B with no installed base
  double a_S = 1.0;  ///< utils, S-type payoff from A with no installed base
  double b_S = 2.0;  ///< utils, S-type payoff from B with no installed base
  double r = 0.1;    ///< utils/adopter, R-type returns to the installed base
  double s = 0.1;    ///< utils/adopter, S-type returns to the installed base

  template <class V>
  void visit(V& v) {
    v.field("markets", markets,
            {.unit = "1", .doc = "number of independent markets", .source = "assumption", .min = 1.0, .max = 1.0e6});
    v.field("arrivals_per_step", arrivals_per_step,
            {.unit = "adopters/month",
             .doc = "adopters arriving in each market each month (one at a time)",
             .source = "assumption",
             .min = 1.0,
             .max = 1.0e6});
    v.field("p_r", p_r,
            {.unit = "1",
             .doc = "probability that an arriving adopter is of type R (prefers A)",
             .source = "Arthur 1989 (types equally likely)",
             .min = 0.0,
             .max = 1.0});
    v.choice(
        "returns", returns,
        {{"increasing", Returns::increasing}, {"constant", Returns::constant}, {"diminishing", Returns::diminishing}},
        {.doc = "payoff a + r n (increasing), a (constant: r, s ignored) or a - r n (diminishing)",
         .source = "Arthur 1989 (the three regimes)"});
    v.field("a_R", a_R,
            {.unit = "utils",
             .doc = "R-type payoff from A with no installed base",
             .source = "Arthur 1989 payoff table; value from the pysd replication (literature.md A1)",
             .min = -1.0e6,
             .max = 1.0e6});
    v.field("b_R", b_R,
            {.unit = "utils",
             .doc = "R-type payoff from B with no installed base (< a_R)",
             .source = "Arthur 1989 payoff table; value from the pysd replication (literature.md A1)",
             .min = -1.0e6,
             .max = 1.0e6});
    v.field("a_S", a_S,
            {.unit = "utils",
             .doc = "S-type payoff from A with no installed base (< b_S)",
             .source = "Arthur 1989 payoff table; value from the pysd replication (literature.md A1)",
             .min = -1.0e6,
             .max = 1.0e6});
    v.field("b_S", b_S,
            {.unit = "utils",
             .doc = "S-type payoff from B with no installed base",
             .source = "Arthur 1989 payoff table; value from the pysd replication (literature.md A1)",
             .min = -1.0e6,
             .max = 1.0e6});
    v.field("r", r,
            {.unit = "utils/adopter",
             .doc = "R-type payoff change per adopter of the chosen technology",
             .source = "Arthur 1989; value from the pysd replication (literature.md A1)",
             .min = 0.0,
             .max = 1.0e6});
    v.field("s", s,
            {.unit = "utils/adopter",
             .doc = "S-type payoff change per adopter of the chosen technology",
             .source = "Arthur 1989; value from the pysd replication (literature.md A1)",
             .min = 0.0,
             .max = 1.0e6});
  }

  void check(const config::Node& where) const {
    // Point at the key if it was written, else at the params block.
    auto at = [&where](const std::string& key) {
      const config::Node* n = where.is_map() ? where.find(key) : nullptr;
      return (n != nullptr ? n->origin() : where.origin()).describe() + ": key 'params." + key + "': ";
    };
    if (!(a_R > b_R)) {
      throw InputError(at("a_R") + "R-types must naturally prefer A (a_R > b_R); got a_R = " +
                       config::encode_value(a_R) + ", b_R = " + config::encode_value(b_R));
    }
    if (!(b_S > a_S)) {
      throw InputError(at("b_S") + "S-types must naturally prefer B (b_S > a_S); got a_S = " +
                       config::encode_value(a_S) + ", b_S = " + config::encode_value(b_S));
    }
    if (returns != Returns::constant && (r <= 0.0 || s <= 0.0)) {
      throw InputError(at(r <= 0.0 ? "r" : "s") +
                       "must be > 0 with increasing or diminishing returns (returns: constant means r = s = 0)");
    }
  }
};

}  // namespace tiersim::models::arthur
