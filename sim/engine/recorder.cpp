#include "sim/engine/recorder.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "sim/config/suggest.hpp"
#include "sim/core/error.hpp"

namespace tiersim::engine {

std::size_t OutputVar::size() const {
  return std::accumulate(shape.begin(), shape.end(), std::size_t{1}, std::multiplies<>());
}

const OutputDim& Layout::dim(const std::string& name) const {
  for (const auto& d : dims) {
    if (d.name == name) return d;
  }
  throw std::logic_error("layout has no dimension " + name);
}

bool Layout::operator==(const Layout& o) const {
  auto same_dim = [](const OutputDim& a, const OutputDim& b) {
    return a.name == b.name && a.labels == b.labels && a.steps == b.steps && a.is_time == b.is_time;
  };
  auto same_var = [](const OutputVar& a, const OutputVar& b) {
    return a.name == b.name && a.dims == b.dims && a.shape == b.shape && a.units == b.units;
  };
  return start == o.start && std::equal(dims.begin(), dims.end(), o.dims.begin(), o.dims.end(), same_dim) &&
         std::equal(vars.begin(), vars.end(), o.vars.begin(), o.vars.end(), same_var) &&
         summaries.size() == o.summaries.size();
}

namespace {

std::string time_dim_name(int every) { return every == 1 ? "time" : "time_" + std::to_string(every) + "m"; }

/// "ORIGIN: key 'record[I]FIELD': ", the start of a message about record spec i.
std::string spec_key(const Recorders::SpecOrigin& spec_origin, std::size_t i, const std::string& field) {
  return spec_origin(i) + ": key 'record[" + std::to_string(i) + "]" + field + "': ";
}

const Grouping* find_grouping(const Registry& reg, const std::string& level, const Observable& o) {
  for (const auto& g : reg.groupings()) {
    if (g.level == level && std::find(o.dims.begin(), o.dims.end(), g.dim) != o.dims.end()) return &g;
  }
  return nullptr;
}

/// The observable record spec i names, if the model declares it and it can be recorded at
/// the spec's level.
const Observable& recorded_observable(const Registry& reg, const RecordSpec& s, std::size_t i,
                                      const Recorders::SpecOrigin& spec_origin) {
  const Observable* o = reg.find_observable(s.variable);
  if (o == nullptr) {
    std::vector<std::string> names;
    for (const auto& ob : reg.observables()) names.push_back(ob.name);
    throw InputError(spec_key(spec_origin, i, ".variable") + "unknown variable '" + s.variable + "'" +
                     config::Suggestion(s.variable, names).hint());
  }
  const auto levels = reg.levels_for(*o);
  if (std::find(levels.begin(), levels.end(), s.level) == levels.end()) {
    throw InputError(spec_key(spec_origin, i, ".level") + "variable '" + s.variable +
                     "' cannot be recorded at level '" + s.level + "' (possible: " + config::list_names(levels) + ")");
  }
  return *o;
}

/// The time dimension of a variable recorded every `every` months: the last step of each
/// period (empty if the run is shorter than one period).
OutputDim time_dim(int every, const time::Calendar& calendar) {
  OutputDim t;
  t.name = time_dim_name(every);
  t.is_time = true;
  t.long_name = every == 1 ? "month" : "end of " + std::to_string(every) + "-month period";
  for (int step = every - 1; step < calendar.steps(); step += every) t.steps.push_back(step);
  return t;
}

std::size_t product(std::vector<std::size_t>::const_iterator begin, std::vector<std::size_t>::const_iterator end) {
  return std::accumulate(begin, end, std::size_t{1}, std::multiplies<>());
}

}  // namespace

Recorders::Recorders(const Registry& registry, std::vector<RecordSpec> specs, const time::Calendar& calendar,
                     const SpecOrigin& spec_origin)
    : registry_(registry) {
  layout_.start = calendar.start();
  if (specs.empty()) {
    for (const auto& o : registry.observables()) specs.push_back(RecordSpec{o.name, "native", 1, ""});
  }
  for (std::size_t i = 0; i < specs.size(); ++i) add(specs[i], i, calendar, spec_origin);
  for (const auto& s : registry.summaries()) layout_.summaries.push_back(SummaryVar{s.name, s.units, s.long_name});
}

void Recorders::add(const RecordSpec& spec, std::size_t i, const time::Calendar& calendar,
                    const SpecOrigin& spec_origin) {
  const Observable& o = recorded_observable(registry_, spec, i, spec_origin);
  std::vector<std::size_t> in_shape;
  for (const auto& d : o.dims) in_shape.push_back(registry_.dimension(d).labels.size());

  // Which dimension (if any) is aggregated, and into what.
  Aggregation agg;
  agg.dim = o.dims.size();
  if (spec.level == "world") {
    // Summed over the first dimension that has groupings (the only one that can be grouped).
    const auto grouped = std::find_if(o.dims.begin(), o.dims.end(), [this](const std::string& d) {
      return std::any_of(registry_.groupings().begin(), registry_.groupings().end(),
                         [&d](const Grouping& g) { return g.dim == d; });
    });
    agg.dim = grouped == o.dims.end() ? 0 : static_cast<std::size_t>(grouped - o.dims.begin());
    agg.group_of.assign(in_shape[agg.dim], 0);
  } else if (spec.level != "native") {
    const Grouping* g = find_grouping(registry_, spec.level, o);
    agg.dim = static_cast<std::size_t>(std::find(o.dims.begin(), o.dims.end(), g->dim) - o.dims.begin());
    agg.group_of = g->group_of;
    agg.groups = g->labels.size();
    agg.level_dim = OutputDim{g->level, g->labels, {}, false, g->long_name};
  }

  OutputVar v = output_var(spec, i, o, agg, calendar, spec_origin);
  Plan p = make_plan(o, spec.every, in_shape, agg);
  p.out_size = v.size() / v.shape[0];
  data_.vars.emplace_back(v.size(), std::numeric_limits<double>::quiet_NaN());
  layout_.vars.push_back(std::move(v));
  plans_.push_back(std::move(p));
}

void Recorders::add_dim(OutputDim dim) {
  for (const auto& e : layout_.dims) {
    if (e.name == dim.name) return;
  }
  layout_.dims.push_back(std::move(dim));
}

OutputVar Recorders::output_var(const RecordSpec& spec, std::size_t i, const Observable& o, const Aggregation& agg,
                                const time::Calendar& calendar, const SpecOrigin& spec_origin) {
  OutputVar v;
  v.name = !spec.name.empty() ? spec.name : (spec.level == "native" ? spec.variable : spec.variable + "_" + spec.level);
  for (const auto& e : layout_.vars) {
    if (e.name == v.name) {
      throw InputError(spec_key(spec_origin, i, "") + "output variable '" + v.name +
                       "' is recorded twice; give one of them a different 'name'");
    }
  }
  v.units = o.units;
  v.long_name = o.long_name + (spec.level == "native" ? "" : " (" + spec.level + ")");
  v.level = spec.level;
  OutputDim tdim = time_dim(spec.every, calendar);
  if (tdim.steps.empty()) {
    throw InputError(spec_key(spec_origin, i, ".every") + std::to_string(spec.every) +
                     " months is longer than the run (" + std::to_string(calendar.steps()) + " months)");
  }
  v.dims.push_back(tdim.name);
  v.shape.push_back(tdim.steps.size());
  add_dim(std::move(tdim));
  for (std::size_t k = 0; k < o.dims.size(); ++k) {
    if (k == agg.dim && spec.level == "world") continue;
    OutputDim d = agg.level_dim;
    if (k != agg.dim) {
      const Dimension& native = registry_.dimension(o.dims[k]);
      d = OutputDim{native.name, native.labels, {}, false, native.long_name};
    }
    v.dims.push_back(d.name);
    v.shape.push_back(d.labels.size());
    add_dim(std::move(d));
  }
  return v;
}

Recorders::Plan Recorders::make_plan(const Observable& o, int every, const std::vector<std::size_t>& in_shape,
                                     const Aggregation& agg) const {
  Plan p;
  p.obs = &o;
  if (o.reduce == Reduce::ratio) {
    p.num = registry_.find_observable(o.numerator);
    p.den = registry_.find_observable(o.denominator);
  }
  p.every = every;
  p.in_size = product(in_shape.begin(), in_shape.end());
  p.group_of = agg.group_of;
  p.groups = agg.groups;
  if (agg.dim < o.dims.size()) {
    const auto at = in_shape.begin() + static_cast<std::ptrdiff_t>(agg.dim);
    p.outer = product(in_shape.begin(), at);
    p.mid = *at;
    p.inner = product(at + 1, in_shape.end());
  }
  return p;
}

void Recorders::aggregate(const Plan& p, const Observable& o, std::vector<double>& out) {
  scratch_.assign(p.in_size, 0.0);
  o.fill(scratch_);
  check_finite(o);
  if (p.group_of.empty()) {
    out = scratch_;
    return;
  }
  out.assign(p.outer * p.groups * p.inner, 0.0);
  std::vector<double> count(p.groups, 0.0);
  for (std::size_t m = 0; m < p.mid; ++m) count[p.group_of[m]] += 1.0;
  for (std::size_t a = 0; a < p.outer; ++a) {
    for (std::size_t m = 0; m < p.mid; ++m) {
      const std::size_t g = p.group_of[m];
      for (std::size_t i = 0; i < p.inner; ++i) {
        out[(a * p.groups + g) * p.inner + i] += scratch_[(a * p.mid + m) * p.inner + i];
      }
    }
  }
  if (o.reduce == Reduce::mean) {
    for (std::size_t a = 0; a < p.outer; ++a) {
      for (std::size_t g = 0; g < p.groups; ++g) {
        for (std::size_t i = 0; i < p.inner; ++i) out[(a * p.groups + g) * p.inner + i] /= count[g];
      }
    }
  }
}

void Recorders::check_finite(const Observable& o) const {
  const auto bad = std::find_if(scratch_.begin(), scratch_.end(), [](double v) { return !std::isfinite(v); });
  if (bad == scratch_.end()) return;
  // The entry's labels, from its flat (row-major) index over the observable's dimensions.
  auto flat = static_cast<std::size_t>(bad - scratch_.begin());
  std::string entry;
  for (std::size_t k = o.dims.size(); k-- > 0;) {
    const Dimension& d = registry_.dimension(o.dims[k]);
    const std::size_t n = std::max<std::size_t>(d.labels.size(), 1);
    const std::string label = d.labels.empty() ? "?" : d.labels[flat % n];
    entry = d.name + " " + label + (entry.empty() ? "" : ", " + entry);
    flat /= n;
  }
  throw RuntimeFailure("month " + layout_.start.plus_months(step_).to_string() + ": '" + o.name + "' is " +
                       (std::isnan(*bad) ? "NaN" : "infinite") + (entry.empty() ? "" : " for " + entry) +
                       ": the model's state is no longer finite (inputs at the edge of their ranges?)");
}

void Recorders::record(int step) {
  step_ = step;
  for (std::size_t k = 0; k < plans_.size(); ++k) {
    Plan& p = plans_[k];
    if ((step + 1) % p.every != 0) continue;
    std::vector<double> values;
    if (p.obs->reduce == Reduce::ratio) {
      std::vector<double> den;
      aggregate(p, *p.num, values);
      aggregate(p, *p.den, den);
      for (std::size_t i = 0; i < values.size(); ++i) {
        values[i] = den[i] != 0.0 ? values[i] / den[i] : std::numeric_limits<double>::quiet_NaN();
      }
    } else {
      aggregate(p, *p.obs, values);
    }
    std::copy(values.begin(), values.end(),
              data_.vars[k].begin() + static_cast<std::ptrdiff_t>(p.time_index * p.out_size));
    ++p.time_index;
  }
}

RunData Recorders::finish() {
  data_.summaries.clear();
  for (const auto& s : registry_.summaries()) data_.summaries.push_back(s.value());
  return std::move(data_);
}

}  // namespace tiersim::engine
