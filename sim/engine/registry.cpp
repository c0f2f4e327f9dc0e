#include "sim/engine/registry.hpp"

#include <algorithm>
#include <stdexcept>

namespace tiersim::engine {

// Declarations come from model code, so violations are programming errors (logic_error),
// not user input errors.

void Registry::add_dimension(Dimension d) {
  if (has_dimension(d.name)) throw std::logic_error("dimension declared twice: " + d.name);
  dimensions_.push_back(std::move(d));
}

void Registry::add_observable(Observable o) {
  if (find_observable(o.name) != nullptr) throw std::logic_error("observable declared twice: " + o.name);
  for (const auto& d : o.dims) {
    if (!has_dimension(d)) throw std::logic_error("observable " + o.name + " uses undeclared dimension " + d);
  }
  if (o.reduce == Reduce::ratio) {
    for (const auto* part : {&o.numerator, &o.denominator}) {
      const Observable* p = find_observable(*part);
      if (p == nullptr || p->dims != o.dims) {
        throw std::logic_error("ratio " + o.name + " needs observable '" + *part + "' with the same dims");
      }
    }
  } else if (!o.fill) {
    throw std::logic_error("observable " + o.name + " has no fill function");
  }
  observables_.push_back(std::move(o));
}

void Registry::add_grouping(Grouping g) {
  const Dimension& d = dimension(g.dim);
  if (g.group_of.size() != d.labels.size()) throw std::logic_error("grouping " + g.level + " has wrong size");
  for (auto gi : g.group_of) {
    if (gi >= g.labels.size()) throw std::logic_error("grouping " + g.level + " has a bad group index");
  }
  groupings_.push_back(std::move(g));
}

void Registry::add_summary(Summary s) { summaries_.push_back(std::move(s)); }

const Dimension& Registry::dimension(const std::string& name) const {
  for (const auto& d : dimensions_) {
    if (d.name == name) return d;
  }
  throw std::logic_error("unknown dimension " + name);
}

bool Registry::has_dimension(const std::string& name) const {
  return std::any_of(dimensions_.begin(), dimensions_.end(), [&](const Dimension& d) { return d.name == name; });
}

const Observable* Registry::find_observable(const std::string& name) const {
  for (const auto& o : observables_) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

std::vector<std::string> Registry::levels_for(const Observable& o) const {
  std::vector<std::string> out{"native"};
  if (!o.dims.empty()) out.emplace_back("world");
  for (const auto& g : groupings_) {
    if (std::find(o.dims.begin(), o.dims.end(), g.dim) != o.dims.end()) out.push_back(g.level);
  }
  return out;
}

}  // namespace tiersim::engine
