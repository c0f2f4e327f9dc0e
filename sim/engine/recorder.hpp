#pragma once
// Declarative recorders: turn RecordSpecs from the config into output variables, and
// collect their values step by step from the model's observables. Pure computation, no
// file I/O: the result file (sim/output/result_file.hpp) writes the collected data.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "sim/engine/registry.hpp"
#include "sim/engine/run_config.hpp"
#include "sim/time/calendar.hpp"

namespace tiersim::engine {

struct OutputDim {
  std::string name;
  std::vector<std::string> labels;  ///< empty for time dimensions
  std::vector<int> steps;           ///< for time dimensions: the recorded step indices
  bool is_time = false;
  std::string long_name;
  std::size_t size() const { return is_time ? steps.size() : labels.size(); }
};

struct OutputVar {
  std::string name;
  std::string units;
  std::string long_name;
  std::string level;
  std::vector<std::string> dims;  ///< first is a time dimension
  std::vector<std::size_t> shape;
  std::size_t size() const;
};

struct SummaryVar {
  std::string name;
  std::string units;
  std::string long_name;
};

/// The shape of a run's output; identical for every run of a sweep.
struct Layout {
  std::vector<OutputDim> dims;
  std::vector<OutputVar> vars;
  std::vector<SummaryVar> summaries;
  time::YearMonth start;
  const OutputDim& dim(const std::string& name) const;
  bool operator==(const Layout& other) const;
};

/// All numbers one run produced.
struct RunData {
  std::vector<std::vector<double>> vars;  ///< per Layout::vars entry, row-major
  std::vector<double> summaries;          ///< per Layout::summaries entry
};

class Recorders {
 public:
  using SpecOrigin = std::function<std::string(std::size_t)>;
  /// `spec_origin(i)` describes where record spec i was written, for error messages.
  /// Throws InputError on unknown variables or levels, or duplicate output names.
  Recorders(const Registry& registry, std::vector<RecordSpec> specs, const time::Calendar& calendar,
            const SpecOrigin& spec_origin);

  const Layout& layout() const { return layout_; }
  /// Record whatever is due at `step` (call in the record phase). A recorded observable that
  /// is not finite (NaN, inf) ends the run: RuntimeFailure naming it, the entry (e.g.
  /// "country CHN") and the month. (A ratio whose denominator is 0 is NaN by definition.)
  void record(int step);
  /// Evaluate summaries and hand over the collected data.
  RunData finish();

 private:
  struct Plan {
    const Observable* obs = nullptr;
    const Observable* num = nullptr;  // for ratios
    const Observable* den = nullptr;
    std::size_t outer = 1, mid = 1, inner = 1;  // strides around the grouped dimension
    std::vector<std::size_t> group_of;          // empty: native (no aggregation)
    std::size_t groups = 1;
    std::size_t in_size = 1;
    std::size_t out_size = 1;
    int every = 1;
    std::size_t time_index = 0;  // next time slot
  };
  /// Which dimension of an observable a level aggregates, and into what.
  struct Aggregation {
    std::size_t dim = 0;                // index in the observable's dims; dims.size(): none
    std::vector<std::size_t> group_of;  // group of each member; empty: native
    std::size_t groups = 1;
    OutputDim level_dim;  // replaces the aggregated dimension (not for world)
  };
  void add(const RecordSpec& spec, std::size_t i, const time::Calendar& calendar, const SpecOrigin& spec_origin);
  void add_dim(OutputDim dim);
  OutputVar output_var(const RecordSpec& spec, std::size_t i, const Observable& o, const Aggregation& agg,
                       const time::Calendar& calendar, const SpecOrigin& spec_origin);
  Plan make_plan(const Observable& o, int every, const std::vector<std::size_t>& in_shape,
                 const Aggregation& agg) const;
  void aggregate(const Plan& p, const Observable& o, std::vector<double>& out);
  void check_finite(const Observable& o) const;

  const Registry& registry_;
  Layout layout_;
  std::vector<Plan> plans_;
  RunData data_;
  std::vector<double> scratch_;
  int step_ = 0;  // the step being recorded, for messages
};

}  // namespace tiersim::engine
