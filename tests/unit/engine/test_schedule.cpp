#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "sim/engine/schedule.hpp"

using namespace tiersim::engine;

TEST_CASE("stages run in declared order, record last, whatever the order handlers are added", "[engine]") {
  Schedule s;
  std::vector<std::string> log;
  s.declare_stages({"arrive", "choose"});
  s.declare_stages({"settle"});
  s.add(Schedule::kRecord, "rec", [&](const StepContext&) { log.push_back("record"); });
  s.add("choose", "choose", [&](const StepContext&) { log.push_back("choose"); });
  s.add("arrive", "arrive", [&](const StepContext&) { log.push_back("arrive"); });
  s.add("settle", "settle", [&](const StepContext&) { log.push_back("settle"); });
  s.add("choose", "rechoose", [&](const StepContext&) { log.push_back("choose2"); });
  s.run_step(StepContext{});
  CHECK(log == std::vector<std::string>{"arrive", "choose", "choose2", "settle", "record"});
  CHECK(s.stages() == std::vector<std::string>{"arrive", "choose", "settle", "record"});
  CHECK(s.describe() ==
        std::vector<std::string>{"arrive:arrive", "choose:choose", "choose:rechoose", "settle:settle", "record:rec"});
}

TEST_CASE("a schedule without model stages has only record", "[engine]") {
  const Schedule s;
  CHECK(s.stages() == std::vector<std::string>{"record"});
  CHECK(s.describe().empty());
}

TEST_CASE("undeclared and twice-declared stages are programming errors", "[engine]") {
  Schedule s;
  s.declare_stages({"choice"});
  CHECK_THROWS_AS(s.add("choise", "typo", [](const StepContext&) {}), std::logic_error);
  CHECK_THROWS_AS(s.declare_stages({"choice"}), std::logic_error);
  CHECK_THROWS_AS(s.declare_stages({"record"}), std::logic_error);
  CHECK(s.stages() == std::vector<std::string>{"choice", "record"});
}
