#pragma once
// The engine's part of a run configuration: which model, seed, calendar, what to record.
// The model's own parameters live under `params:` and are decoded by the model.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/config/node.hpp"
#include "sim/config/schema.hpp"
#include "sim/time/calendar.hpp"

namespace tiersim::engine {

/// One declarative recorder: which observable, at which aggregation level, how often.
struct RecordSpec {
  std::string variable;
  std::string level = "native";
  int every = 1;     ///< months between records; records at the end of each period
  std::string name;  ///< output variable name; default: variable, or variable_level

  template <class V>
  void visit(V& v) {
    v.field("variable", variable, {.doc = "observable to record (see `tiersim params MODEL`)"});
    v.field("level", level, {.doc = "aggregation: native, world, or a grouping such as tier"});
    v.field("every", every, {.unit = "month", .doc = "record every N months", .min = 1.0});
    v.field("name", name, {.doc = "name of the output variable (default: derived)"});
  }
};

struct CalendarConfig {
  time::YearMonth start{2025, 1};
  int months = 72;

  template <class V>
  void visit(V& v) {
    v.field("start", start, {.unit = "month", .doc = "first simulated month"});
    v.field("months", months, {.unit = "month", .doc = "number of monthly steps", .min = 1.0, .max = 12000.0});
  }
};

struct RunConfig {
  std::string model;
  std::int64_t seed = 1;
  CalendarConfig calendar;
  std::vector<RecordSpec> record;  ///< empty: every observable at its native level, monthly
  config::Node params;             ///< the model's parameters, decoded by the model

  template <class V>
  void visit(V& v) {
    v.field("model", model, {.doc = "model to run (tiersim models lists them)"});
    v.field("seed", seed, {.doc = "master seed of the random streams", .min = 0.0, .max = 9.0e15});
    v.section("calendar", calendar, "simulated period");
    v.list("record", record, "what to record (default: everything, monthly)");
    v.raw("params", params, "model parameters");
  }
};

}  // namespace tiersim::engine
