#include "models/diffusion/diffusion_model.hpp"

#include "models/diffusion/china_supply.hpp"
#include "models/diffusion/init.hpp"
#include "models/diffusion/invariants.hpp"
#include "models/diffusion/phases.hpp"
#include "sim/core/error.hpp"

namespace tiersim::models::diffusion {
namespace {

constexpr std::uint32_t kChoicePurpose = rng::purpose_id("diffusion.choice");
constexpr std::uint32_t kRationPurpose = rng::purpose_id("diffusion.ration");
constexpr std::uint32_t kStancePurpose = rng::purpose_id("diffusion.stance");
constexpr std::uint32_t kTenderPurpose = rng::purpose_id("diffusion.tender");

}  // namespace

DiffusionModel::DiffusionModel(const DiffusionParams& params, const engine::ModelContext& ctx)
    : p_(params),
      env_{p_,
           ctx.calendar,
           ctx.executor,
           ctx.seed,
           ctx.run_index,
           rng::Stream(ctx.seed, ctx.run_index, kChoicePurpose),
           rng::Stream(ctx.seed, ctx.run_index, kRationPurpose),
           rng::Stream(ctx.seed, ctx.run_index, kStancePurpose),
           rng::Stream(ctx.seed, ctx.run_index, kTenderPurpose)},
      state_(init_state(env_, ctx)),
      tally_(state_.world.countries, ctx.calendar) {}

void DiffusionModel::declare(engine::Registry& reg) {
  declare_outputs(reg, state_, p_, tally_);
  using engine::StepContext;
  auto& sch = reg.schedule();
  sch.declare_stages({"policy", "supply", "allocation", "choice", "clearing", "learning"});
  State& s = state_;
  const Env& env = env_;
  sch.add("policy", "events", [&s, &env](const StepContext& c) {
    s.clock = Clock{c.step, c.month};
    policy_phase(s, env);
  });
  sch.add("supply", "vendors and Chinese supply", [&s, &env](const StepContext&) { supply_phase(s, env); });
  sch.add("allocation", "gatekeepers", [&s, &env](const StepContext&) { allocation_phase(s, env); });
  sch.add("choice", "utilities", [&s, &env](const StepContext&) { choice_phase(s, env); });
  sch.add("choice", "national projects' tenders", [&s, &env](const StepContext&) { project_tenders(s, env); });
  sch.add("clearing", "two-round clearing", [&s, &env](const StepContext&) { clearing_phase(s, env); });
  sch.add("clearing", "leakage", [&s, &env](const StepContext&) { leakage_settlement(s, env); });
  sch.add("clearing", "gatekeeper settlement", [&s](const StepContext&) { gatekeeper_settlement(s); });
  sch.add("clearing", "vendor revenue", [&s](const StepContext&) { vendor_revenue(s); });
  sch.add("clearing", "Chinese settlement", [&s, &env](const StepContext&) { china_settlement(s, env); });
  sch.add("learning", "expectations, quality, stance", [&s, &env](const StepContext&) { learning_phase(s, env); });
#ifdef TIERSIM_CHECKS
  // Checked builds (Debug, CI) stop a run at the first violated invariant.
  const DiffusionParams& p = p_;
  sch.add(engine::Schedule::kRecord, "invariant checks", [&s, &p](const StepContext&) {
    if (const auto v = first_violation(s, p); !v.empty())
      throw RuntimeFailure("diffusion model invariant violated: " + v);
  });
#endif
  RunTally& tally = tally_;
  sch.add(engine::Schedule::kRecord, "summary tallies", [&s, &tally](const StepContext&) { tally.record(s); });
}

engine::ModelType model_type() {
  auto t = engine::make_model_type<DiffusionParams, DiffusionModel>(
      "diffusion",
      "AI-chip diffusion under US export controls: countries, buyers, vendors, gatekeepers, "
      "Chinese suppliers, regulator");
  // The buyers are what grows: every other table is per country, vendor or gatekeeper.
  t.size = [](const config::Node& params) {
    const config::Node* buyers = params.find_path("scale.buyers_total");
    return engine::SizeHint{(buyers != nullptr ? buyers->text() : std::string("?")) + " buyers",
                            "params.scale.buyers_total"};
  };
  return t;
}

}  // namespace tiersim::models::diffusion
