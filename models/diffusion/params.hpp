#pragma once
// Parameters of the AI-chip diffusion model (docs/ODD.md). Every number has a unit, a
// default and a source: "cal. sN" refers to docs/calibration-data.md section N,
// "[Sxx]" to its source list; "assumption" marks numbers chosen by the model's authors
// and meant to be swept. Money in USD, compute in H100-equivalents (H100e, TPP basis).
//
// The parameter tables are split by agent in params/; this header joins them.
#include "models/diffusion/params/china.hpp"
#include "models/diffusion/params/choice.hpp"
#include "models/diffusion/params/demand.hpp"
#include "models/diffusion/params/gatekeepers.hpp"
#include "models/diffusion/params/leakage.hpp"
#include "models/diffusion/params/policy.hpp"
#include "models/diffusion/params/projects.hpp"
#include "models/diffusion/params/stance.hpp"
#include "models/diffusion/params/vendors.hpp"

namespace tiersim::models::diffusion {

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
  LeakageParams leakage;
  ProjectParams projects;

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
    v.section("projects", projects, "national projects' procurement (tenders, contracts, veto)");
    v.section("leakage", leakage, "US compute reaching Tier 3 through Tier 2 (chips re-exported, cloud rented)");
  }

  void check(const config::Node& where) const;
};

}  // namespace tiersim::models::diffusion
