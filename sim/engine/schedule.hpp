#pragma once
// The ordered stages of one simulated month. A model declares its own stages, named in its
// own terms, in the order they run (the diffusion model: policy, supply, allocation, choice,
// clearing, learning; Bass: adoption, tally); the engine's `record` stage always runs last.
// Handlers run stage by stage, and within a stage in the order they were added.
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "sim/time/calendar.hpp"

namespace tiersim::engine {

/// What a handler knows about the current step.
struct StepContext {
  int step = 0;           ///< 0-based index of the month in the run
  time::YearMonth month;  ///< calendar month being simulated
  const time::Calendar* calendar = nullptr;
};

class Schedule {
 public:
  using Handler = std::function<void(const StepContext&)>;
  /// The engine's last stage, declared by the schedule itself. The recorders run in it,
  /// after any handler a model adds to it.
  static constexpr std::string_view kRecord = "record";

  Schedule();
  /// Declare stages, in the order they run, after those declared so far (and before
  /// `record`). std::logic_error if a name is already a stage.
  void declare_stages(std::initializer_list<std::string_view> names);
  /// Add a handler to a declared stage (or to `record`). std::logic_error if `stage` has
  /// not been declared: a misspelt stage fails when the model declares, not silently.
  void add(std::string_view stage, std::string name, Handler handler);
  /// Run every handler of every stage for one step.
  void run_step(const StepContext& ctx) const;
  /// Stage names in execution order, `record` last.
  std::vector<std::string> stages() const;
  /// "stage:name" of every handler in execution order (for docs and tests).
  std::vector<std::string> describe() const;

 private:
  struct Entry {
    std::string name;
    Handler handler;
  };
  struct Stage {
    std::string name;
    std::vector<Entry> handlers;
  };
  std::vector<Stage> stages_;  // `record` last
};

}  // namespace tiersim::engine
