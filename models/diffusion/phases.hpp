#pragma once
// The phases of one month (docs/ODD.md s.3), each a free function over the state. The
// model (diffusion_model.cpp) registers them with the engine in this order.
#include "models/diffusion/state.hpp"

namespace tiersim::models::diffusion {

/// policy (policy.cpp): the month's dated events; LPP allowances reset in January; the
/// announcement shock to Tier 2 buyers' expectations when the rule comes into force.
void policy_phase(State& s, const Env& env);

/// supply (supply.cpp): this year's demand level; vendors' output and price; Huawei output
/// split into domestic and export supply; Chinese cloud capacity abroad.
void supply_phase(State& s, const Env& env);

/// allocation (gatekeepers.cpp): gatekeeper capacity online, orders, quarterly placement.
void allocation_phase(State& s, const Env& env);

/// choice (utilities.cpp): country-level utilities, availability masks, choice tables.
void choice_phase(State& s, const Env& env);

/// choice, tenders (projects.cpp): a national project without a contract in force holds a
/// tender and awards a multi-year contract to an offer, unless a political veto withdraws
/// an award to a Chinese offer.
void project_tenders(State& s, const Env& env);

/// clearing (clearing/clearing.cpp): buyers choose, request, are served in two rounds
/// (the re-choice of rationed demand), and carry what is unserved as backlog.
void clearing_phase(State& s, const Env& env);

/// clearing, settlement (gatekeepers.cpp): the month's US_cloud requests (both rounds)
/// join the demand signal; what vendors shipped of the gatekeepers' orders enters the build pipeline where
/// the quarter's placement put it.
void gatekeeper_settlement(State& s);

/// clearing, settlement (vendors.cpp): vendor revenue by destination tier.
void vendor_revenue(State& s);

/// clearing, settlement (leakage.cpp): US compute reaching Tier 3 through Tier 2, as
/// chips re-exported and as Tier 2 US cloud rented, up to Tier 3's unserved requests.
void leakage_settlement(State& s, const Env& env);

/// learning (learning.cpp): expectations, the vendors' scarcity signal, the Chinese
/// learning curve, world installed bases, quarterly stance revisions.
void learning_phase(State& s, const Env& env);

}  // namespace tiersim::models::diffusion
