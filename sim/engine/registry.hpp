#pragma once
// What a model declares to the engine: its phases (Schedule), the dimensions of its
// outputs, the observables it can report each step, how a dimension aggregates into
// coarser levels, and the per-run summary numbers. The engine's recorders decide from
// the config what to actually record; models never touch output files.
#include <cstddef>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "sim/engine/schedule.hpp"

namespace tiersim::engine {

struct Dimension {
  std::string name;                 ///< e.g. "country"
  std::vector<std::string> labels;  ///< coordinate values, e.g. ISO3 codes
  std::string long_name;
};

/// How values of members of a group combine when recorded at a coarser level.
enum class Reduce {
  sum,    ///< extensive quantities (demand, installed base)
  mean,   ///< unweighted mean over members
  ratio,  ///< sum(numerator) / sum(denominator): shares (0/0 gives NaN)
};

struct Observable {
  std::string name;
  std::string units;
  std::string long_name;
  std::vector<std::string> dims;  ///< declared dimension names, slowest first
  Reduce reduce = Reduce::sum;
  std::string numerator;  ///< for Reduce::ratio: observables with the same dims
  std::string denominator;
  /// Write the current values (row-major over dims) into `out` (size = product of dims).
  /// Not needed for ratios (computed from numerator and denominator).
  std::function<void(std::span<double> out)> fill;
};

/// A coarser level of a dimension: each member belongs to one group.
struct Grouping {
  std::string dim;                    ///< the dimension grouped, e.g. "country"
  std::string level;                  ///< the level's name, also its output dimension, e.g. "tier"
  std::vector<std::string> labels;    ///< group labels
  std::vector<std::size_t> group_of;  ///< group index of each member of `dim`
  std::string long_name;
};

struct Summary {
  std::string name;
  std::string units;
  std::string long_name;
  std::function<double()> value;  ///< evaluated once, after the last step
};

class Registry {
 public:
  Schedule& schedule() { return schedule_; }
  const Schedule& schedule() const { return schedule_; }

  void add_dimension(Dimension d);
  /// A dimension that can be recorded at level "world" (all members summed) and at any
  /// grouping added for it.
  void add_observable(Observable o);
  void add_grouping(Grouping g);
  void add_summary(Summary s);

  const Dimension& dimension(const std::string& name) const;
  bool has_dimension(const std::string& name) const;
  const Observable* find_observable(const std::string& name) const;
  const std::vector<Observable>& observables() const { return observables_; }
  const std::vector<Grouping>& groupings() const { return groupings_; }
  const std::vector<Summary>& summaries() const { return summaries_; }
  const std::vector<Dimension>& dimensions() const { return dimensions_; }
  /// Levels an observable can be recorded at: "native", "world" (if it has a dimension),
  /// and the level of every grouping of one of its dimensions.
  std::vector<std::string> levels_for(const Observable& o) const;

 private:
  Schedule schedule_;
  std::vector<Dimension> dimensions_;
  std::vector<Observable> observables_;
  std::vector<Grouping> groupings_;
  std::vector<Summary> summaries_;
};

}  // namespace tiersim::engine
