#include "models/brock_durlauf/brock_durlauf_model.hpp"

#include <cmath>
#include <limits>

namespace tiersim::models::brock_durlauf {
namespace {
constexpr std::uint32_t kInitPurpose = rng::purpose_id("brock_durlauf.init");
constexpr std::uint32_t kRevisePurpose = rng::purpose_id("brock_durlauf.revise");
constexpr std::uint32_t kChoicePurpose = rng::purpose_id("brock_durlauf.choice");
}  // namespace

double prob_plus(const BrockDurlaufParams& p, double m) {
  return 1.0 / (1.0 + std::exp(-2.0 * p.beta * (p.h + p.J * m)));
}

BrockDurlaufModel::BrockDurlaufModel(const BrockDurlaufParams& params, const engine::ModelContext& ctx)
    : params_(params),
      executor_(ctx.executor),
      revise_stream_(ctx.seed, ctx.run_index, kRevisePurpose),
      choice_stream_(ctx.seed, ctx.run_index, kChoicePurpose),
      omega_(static_cast<std::size_t>(params.agents), -1) {
  const rng::Stream init(ctx.seed, ctx.run_index, kInitPurpose);
  const double p_plus = (1.0 + params_.m0) / 2.0;
  executor_.for_blocks(omega_.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) omega_[i] = init.uniform(i, 0) < p_plus ? 1 : -1;
  });
  tally();
}

void BrockDurlaufModel::revise(const engine::StepContext& s) {
  // Everyone responds to the mean at the start of the month (computed by tally()), so the
  // update of one agent never depends on another's within the month.
  const double p_plus = prob_plus(params_, m_);
  const bool all_revise = params_.revise_share >= 1.0;
  const auto step = static_cast<std::uint64_t>(s.step);
  executor_.for_blocks(omega_.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      if (!all_revise && revise_stream_.uniform(i, step) >= params_.revise_share) continue;
      omega_[i] = choice_stream_.uniform(i, step) < p_plus ? 1 : -1;
    }
  });
}

void BrockDurlaufModel::tally() {
  plus_ = executor_.sum(omega_.size(), [&](std::size_t i) { return omega_[i] > 0 ? 1.0 : 0.0; });
  const auto n = static_cast<double>(omega_.size());
  m_ = (2.0 * plus_ - n) / n;
}

void BrockDurlaufModel::declare(engine::Registry& reg) {
  reg.add_observable({"m",
                      "1",
                      "mean choice (share choosing +1 minus share choosing -1)",
                      {},
                      engine::Reduce::mean,
                      "",
                      "",
                      [this](std::span<double> out) { out[0] = m_; }});
  reg.add_observable(
      {"plus", "agents", "agents choosing +1", {}, engine::Reduce::sum, "", "", [this](std::span<double> out) {
         out[0] = plus_;
       }});
  reg.add_observable(
      {"agents", "agents", "agents in the group", {}, engine::Reduce::sum, "", "", [this](std::span<double> out) {
         out[0] = static_cast<double>(omega_.size());
       }});
  reg.add_observable(
      {"share_plus", "1", "share of agents choosing +1", {}, engine::Reduce::ratio, "plus", "agents", {}});
  reg.add_summary({"final_m", "1", "mean choice after the last month", [this] { return m_; }});
  reg.add_summary({"mean_m_second_half", "1", "mean choice averaged over the second half of the months", [this] {
                     const std::size_t n = m_history_.size();
                     if (n == 0) return std::numeric_limits<double>::quiet_NaN();
                     double t = 0;
                     for (std::size_t k = n / 2; k < n; ++k) t += m_history_[k];
                     return t / static_cast<double>(n - n / 2);
                   }});
  reg.schedule().declare_stages({"revision", "tally"});
  reg.schedule().add("revision", "revise", [this](const engine::StepContext& s) { revise(s); });
  reg.schedule().add("tally", "tally", [this](const engine::StepContext&) {
    tally();
    m_history_.push_back(m_);
  });
}

engine::ModelType model_type() {
  return engine::make_model_type<BrockDurlaufParams, BrockDurlaufModel>(
      "brock_durlauf",
      "Brock-Durlauf (2001) binary choice with social interactions, mean field: docks the engine to "
      "m = tanh(beta h + beta J m)");
}

}  // namespace tiersim::models::brock_durlauf
