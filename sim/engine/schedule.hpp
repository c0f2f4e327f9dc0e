#pragma once
// The ordered phases of one simulated month. A model registers handlers for the phases it
// needs; the engine runs them in phase order, handlers within a phase in registration order.
#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/time/calendar.hpp"

namespace tiersim::engine {

enum class Phase { policy, supply, allocation, choice, clearing, learning, record };
inline constexpr std::array<Phase, 7> kAllPhases = {Phase::policy,   Phase::supply,
                                                   Phase::allocation, Phase::choice,
                                                   Phase::clearing, Phase::learning,
                                                   Phase::record};
std::string_view phase_name(Phase p);

/// What a handler knows about the current step.
struct StepContext {
  int step = 0;              ///< 0-based index of the month in the run
  time::YearMonth month;     ///< calendar month being simulated
  const time::Calendar* calendar = nullptr;
};

class Schedule {
 public:
  using Handler = std::function<void(const StepContext&)>;
  void add(Phase phase, std::string name, Handler handler);
  /// Run every handler of every phase for one step.
  void run_step(const StepContext& ctx) const;
  /// "phase:name" of every handler in execution order (for docs and tests).
  std::vector<std::string> describe() const;

 private:
  struct Entry {
    std::string name;
    Handler handler;
  };
  std::array<std::vector<Entry>, kAllPhases.size()> phases_;
};

}  // namespace tiersim::engine
