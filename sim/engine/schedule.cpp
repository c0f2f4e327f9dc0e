#include "sim/engine/schedule.hpp"

#include <algorithm>
#include <stdexcept>

namespace tiersim::engine {

Schedule::Schedule() { stages_.push_back(Stage{std::string(kRecord), {}}); }

void Schedule::declare_stages(std::initializer_list<std::string_view> names) {
  for (const std::string_view name : names) {
    const bool known = std::any_of(stages_.begin(), stages_.end(), [name](const Stage& s) { return s.name == name; });
    if (known) throw std::logic_error("schedule: stage '" + std::string(name) + "' is declared twice");
    stages_.insert(stages_.end() - 1, Stage{std::string(name), {}});
  }
}

void Schedule::add(std::string_view stage, std::string name, Handler handler) {
  const auto it = std::find_if(stages_.begin(), stages_.end(), [stage](const Stage& s) { return s.name == stage; });
  if (it == stages_.end()) {
    throw std::logic_error("schedule: handler '" + name + "' added to undeclared stage '" + std::string(stage) + "'");
  }
  it->handlers.push_back(Entry{std::move(name), std::move(handler)});
}

void Schedule::run_step(const StepContext& ctx) const {
  for (const auto& stage : stages_) {
    for (const auto& e : stage.handlers) e.handler(ctx);
  }
}

std::vector<std::string> Schedule::stages() const {
  std::vector<std::string> out;
  for (const auto& stage : stages_) out.push_back(stage.name);
  return out;
}

std::vector<std::string> Schedule::describe() const {
  std::vector<std::string> out;
  for (const auto& stage : stages_) {
    for (const auto& e : stage.handlers) out.push_back(stage.name + ":" + e.name);
  }
  return out;
}

}  // namespace tiersim::engine
