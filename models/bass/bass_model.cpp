#include "models/bass/bass_model.hpp"

#include <cmath>
#include <limits>

namespace tiersim::models::bass {
namespace {
constexpr std::uint32_t kAdoptPurpose = rng::purpose_id("bass.adopt");
constexpr std::uint32_t kInitPurpose = rng::purpose_id("bass.init");
}  // namespace

BassModel::BassModel(const BassParams& params, const engine::ModelContext& ctx)
    : params_(params),
      executor_(ctx.executor),
      stream_(ctx.seed, ctx.run_index, kAdoptPurpose),
      n_agents_(static_cast<std::size_t>(params.markets) * static_cast<std::size_t>(params.agents_per_market)),
      adopted_(n_agents_, 0),
      adopted_now_(n_agents_, 0),
      adopters_(static_cast<std::size_t>(params.markets), 0.0),
      new_adopters_(static_cast<std::size_t>(params.markets), 0.0),
      population_(static_cast<std::size_t>(params.markets), static_cast<double>(params.agents_per_market)),
      share_(static_cast<std::size_t>(params.markets), 0.0) {
  const rng::Stream init(ctx.seed, ctx.run_index, kInitPurpose);
  executor_.for_blocks(n_agents_, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) adopted_[i] = init.uniform(i, 0) < params_.initial_share ? 1 : 0;
  });
  tally(engine::StepContext{});
  std::fill(new_adopters_.begin(), new_adopters_.end(), 0.0);
}

void BassModel::adopt(const engine::StepContext& s) {
  const double dt = 1.0 / time::kMonthsPerYear;  // rates are per year, steps are months
  const auto per_market = static_cast<std::size_t>(params_.agents_per_market);
  std::vector<double> hazard(share_.size());
  for (std::size_t m = 0; m < share_.size(); ++m) {
    hazard[m] = 1.0 - std::exp(-(params_.p + params_.q * share_[m]) * dt);
  }
  executor_.for_blocks(n_agents_, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      const bool adopts =
          adopted_[i] == 0 && stream_.uniform(i, static_cast<std::uint64_t>(s.step)) < hazard[i / per_market];
      adopted_now_[i] = adopts ? 1 : 0;
    }
  });
  executor_.for_blocks(n_agents_, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) adopted_[i] |= adopted_now_[i];
  });
}

void BassModel::tally(const engine::StepContext&) {
  const auto per_market = static_cast<std::size_t>(params_.agents_per_market);
  for (std::size_t m = 0; m < adopters_.size(); ++m) {
    const std::size_t base = m * per_market;
    adopters_[m] = executor_.sum(per_market, [&](std::size_t i) { return double(adopted_[base + i]); });
    new_adopters_[m] = executor_.sum(per_market, [&](std::size_t i) { return double(adopted_now_[base + i]); });
    share_[m] = adopters_[m] / population_[m];
  }
  double total = 0.0, pop = 0.0;
  for (std::size_t m = 0; m < adopters_.size(); ++m) {
    total += adopters_[m];
    pop += population_[m];
  }
  world_share_history_.push_back(total / pop);
}

void BassModel::declare(engine::Registry& reg) {
  std::vector<std::string> labels;
  for (int m = 0; m < params_.markets; ++m) labels.push_back("m" + std::to_string(m + 1));
  reg.add_dimension({"market", labels, "independent market"});
  auto copy_out = [](const std::vector<double>& src) {
    return [&src](std::span<double> out) { std::copy(src.begin(), src.end(), out.begin()); };
  };
  reg.add_observable(
      {"adopters", "agents", "number of adopters", {"market"}, engine::Reduce::sum, "", "", copy_out(adopters_)});
  reg.add_observable({"new_adopters",
                      "agents/month",
                      "adoptions during the month",
                      {"market"},
                      engine::Reduce::sum,
                      "",
                      "",
                      copy_out(new_adopters_)});
  reg.add_observable(
      {"population", "agents", "potential adopters", {"market"}, engine::Reduce::sum, "", "", copy_out(population_)});
  reg.add_observable({"adoption_share",
                      "1",
                      "share of the population that has adopted",
                      {"market"},
                      engine::Reduce::ratio,
                      "adopters",
                      "population",
                      {}});
  reg.add_summary({"final_adoption_share", "1", "world adoption share after the last month",
                   [this] { return world_share_history_.back(); }});
  reg.add_summary(
      {"months_to_half", "month", "months until half the world population has adopted (NaN if never)", [this] {
         for (std::size_t t = 1; t < world_share_history_.size(); ++t) {
           if (world_share_history_[t] >= 0.5) return static_cast<double>(t);
         }
         return std::numeric_limits<double>::quiet_NaN();
       }});
  reg.schedule().declare_stages({"adoption", "tally"});
  reg.schedule().add("adoption", "adopt", [this](const engine::StepContext& s) { adopt(s); });
  reg.schedule().add("tally", "tally", [this](const engine::StepContext& s) { tally(s); });
}

engine::ModelType model_type() {
  return engine::make_model_type<BassParams, BassModel>(
      "bass", "Bass (1969) diffusion reference model: docks the engine to an analytic adoption curve");
}

}  // namespace tiersim::models::bass
