#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sim/engine/schedule.hpp"

using namespace tiersim::engine;

TEST_CASE("phases run in the fixed order whatever the registration order", "[engine]") {
  Schedule s;
  std::vector<std::string> log;
  s.add(Phase::record, "rec", [&](const StepContext&) { log.push_back("record"); });
  s.add(Phase::choice, "choose", [&](const StepContext&) { log.push_back("choice"); });
  s.add(Phase::policy, "policy", [&](const StepContext&) { log.push_back("policy"); });
  s.add(Phase::clearing, "clear", [&](const StepContext&) { log.push_back("clearing"); });
  s.add(Phase::choice, "rechoose", [&](const StepContext&) { log.push_back("choice2"); });
  s.run_step(StepContext{});
  CHECK(log == std::vector<std::string>{"policy", "choice", "choice2", "clearing", "record"});
  CHECK(s.describe() == std::vector<std::string>{"policy:policy", "choice:choose", "choice:rechoose",
                                                 "clearing:clear", "record:rec"});
}
