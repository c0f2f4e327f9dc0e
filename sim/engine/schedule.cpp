#include "sim/engine/schedule.hpp"

namespace tiersim::engine {

std::string_view phase_name(Phase p) {
  switch (p) {
    case Phase::policy: return "policy";
    case Phase::supply: return "supply";
    case Phase::allocation: return "allocation";
    case Phase::choice: return "choice";
    case Phase::clearing: return "clearing";
    case Phase::learning: return "learning";
    case Phase::record: return "record";
  }
  return "?";
}

void Schedule::add(Phase phase, std::string name, Handler handler) {
  phases_[static_cast<std::size_t>(phase)].push_back(Entry{std::move(name), std::move(handler)});
}

void Schedule::run_step(const StepContext& ctx) const {
  for (const auto& phase : phases_) {
    for (const auto& e : phase) e.handler(ctx);
  }
}

std::vector<std::string> Schedule::describe() const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < phases_.size(); ++i) {
    for (const auto& e : phases_[i]) out.push_back(std::string(phase_name(kAllPhases[i])) + ":" + e.name);
  }
  return out;
}

}  // namespace tiersim::engine
