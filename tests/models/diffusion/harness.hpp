#pragma once
// The whole diffusion model on a scenario of configs/scenarios/ with --set overrides, at
// 4,000 buyers and nothing recorded, stepped month by month (integration tests).
#include <memory>
#include <string>
#include <vector>

#include "models/diffusion/diffusion_model.hpp"
#include "models/register.hpp"
#include "sim/config/yaml_loader.hpp"
#include "sim/engine/simulation.hpp"

namespace tiersim::testing {

using models::diffusion::DiffusionModel;
using models::diffusion::DiffusionParams;

inline const std::string kScenarios = std::string(TIERSIM_SOURCE_DIR) + "/configs/scenarios/";

struct Harness {
  engine::ResolvedConfig cfg;
  time::Calendar calendar;
  engine::Executor executor;
  DiffusionParams params;
  engine::Registry registry;
  std::unique_ptr<DiffusionModel> model;

  Harness(const std::string& scenario, std::vector<std::string> overrides, int threads)
      : cfg(load(scenario, std::move(overrides))),
        calendar(cfg.run.calendar.start, cfg.run.calendar.months),
        executor(threads) {
    config::decode(cfg.params, params, "params");
    const engine::ModelContext ctx{
        calendar, static_cast<std::uint64_t>(cfg.run.seed), 0, executor, cfg.config_dir, cfg.source.find("params")};
    model = std::make_unique<DiffusionModel>(params, ctx);
    model->declare(registry);
  }
  static engine::ResolvedConfig load(const std::string& scenario, std::vector<std::string> overrides) {
    static const auto catalog = models::catalog();
    overrides.emplace_back("params.scale.buyers_total=4000");
    overrides.emplace_back("record=[]");
    return engine::load_run_config(kScenarios + scenario + ".yaml", overrides, catalog);
  }
  void step(int s) { registry.schedule().run_step(engine::StepContext{s, calendar.month_at(s), &calendar}); }
};

}  // namespace tiersim::testing
