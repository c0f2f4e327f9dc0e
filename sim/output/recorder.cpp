#include "sim/output/recorder.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "sim/config/suggest.hpp"
#include "sim/core/error.hpp"

namespace tiersim::output {

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

const engine::Grouping* find_grouping(const engine::Registry& reg, const std::string& level,
                                      const engine::Observable& o) {
  for (const auto& g : reg.groupings()) {
    if (g.level == level && std::find(o.dims.begin(), o.dims.end(), g.dim) != o.dims.end()) return &g;
  }
  return nullptr;
}

}  // namespace

Recorders::Recorders(const engine::Registry& registry, std::vector<engine::RecordSpec> specs,
                     const time::Calendar& calendar,
                     const std::function<std::string(std::size_t)>& spec_origin)
    : registry_(registry) {
  layout_.start = calendar.start();
  if (specs.empty()) {
    for (const auto& o : registry.observables()) specs.push_back(engine::RecordSpec{o.name, "native", 1, ""});
  }
  auto add_dim = [&](OutputDim d) {
    for (const auto& e : layout_.dims) {
      if (e.name == d.name) return;
    }
    layout_.dims.push_back(std::move(d));
  };
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const auto& s = specs[i];
    const engine::Observable* o = registry.find_observable(s.variable);
    if (o == nullptr) {
      std::vector<std::string> names;
      for (const auto& ob : registry.observables()) names.push_back(ob.name);
      throw InputError(spec_origin(i) + ": key 'record[" + std::to_string(i) + "].variable': unknown variable '" +
                       s.variable + "'" + config::Suggestion(s.variable, names).hint());
    }
    const auto levels = registry.levels_for(*o);
    if (std::find(levels.begin(), levels.end(), s.level) == levels.end()) {
      throw InputError(spec_origin(i) + ": key 'record[" + std::to_string(i) + "].level': variable '" +
                       s.variable + "' cannot be recorded at level '" + s.level + "' (possible: " +
                       config::list_names(levels) + ")");
    }
    Plan p;
    p.obs = o;
    if (o->reduce == engine::Reduce::ratio) {
      p.num = registry.find_observable(o->numerator);
      p.den = registry.find_observable(o->denominator);
    }
    p.every = s.every;
    std::vector<std::size_t> in_shape;
    for (const auto& d : o->dims) in_shape.push_back(registry.dimension(d).labels.size());
    p.in_size = std::accumulate(in_shape.begin(), in_shape.end(), std::size_t{1}, std::multiplies<>());

    // Which dimension (if any) is aggregated, and into what.
    std::size_t gd = o->dims.size();
    std::string out_dim_name;
    std::vector<std::string> out_labels;
    std::string out_long_name;
    if (s.level == "world") {
      gd = 0;
      for (std::size_t k = 0; k < o->dims.size(); ++k) {
        const bool grouped = std::any_of(registry.groupings().begin(), registry.groupings().end(),
                                         [&](const engine::Grouping& g) { return g.dim == o->dims[k]; });
        if (grouped) {
          gd = k;
          break;
        }
      }
      p.group_of.assign(in_shape[gd], 0);
      p.groups = 1;
    } else if (s.level != "native") {
      const engine::Grouping* g = find_grouping(registry, s.level, *o);
      gd = static_cast<std::size_t>(std::find(o->dims.begin(), o->dims.end(), g->dim) - o->dims.begin());
      p.group_of = g->group_of;
      p.groups = g->labels.size();
      out_dim_name = g->level;
      out_labels = g->labels;
      out_long_name = g->long_name;
    }

    OutputVar v;
    v.name = !s.name.empty() ? s.name : (s.level == "native" ? s.variable : s.variable + "_" + s.level);
    for (const auto& e : layout_.vars) {
      if (e.name == v.name) {
        throw InputError(spec_origin(i) + ": key 'record[" + std::to_string(i) + "]': output variable '" + v.name +
                         "' is recorded twice; give one of them a different 'name'");
      }
    }
    v.units = o->units;
    v.long_name = o->long_name + (s.level == "native" ? "" : " (" + s.level + ")");
    v.level = s.level;
    OutputDim tdim;
    tdim.name = time_dim_name(s.every);
    tdim.is_time = true;
    tdim.long_name = s.every == 1 ? "month" : "end of " + std::to_string(s.every) + "-month period";
    for (int step = s.every - 1; step < calendar.steps(); step += s.every) tdim.steps.push_back(step);
    if (tdim.steps.empty()) {
      throw InputError(spec_origin(i) + ": key 'record[" + std::to_string(i) + "].every': " +
                       std::to_string(s.every) + " months is longer than the run (" +
                       std::to_string(calendar.steps()) + " months)");
    }
    v.dims.push_back(tdim.name);
    v.shape.push_back(tdim.steps.size());
    add_dim(std::move(tdim));
    for (std::size_t k = 0; k < o->dims.size(); ++k) {
      if (k == gd && s.level == "world") continue;
      if (k == gd) {
        v.dims.push_back(out_dim_name);
        v.shape.push_back(out_labels.size());
        add_dim(OutputDim{out_dim_name, out_labels, {}, false, out_long_name});
      } else {
        const auto& d = registry.dimension(o->dims[k]);
        v.dims.push_back(d.name);
        v.shape.push_back(d.labels.size());
        add_dim(OutputDim{d.name, d.labels, {}, false, d.long_name});
      }
    }
    if (gd < o->dims.size()) {
      p.outer = std::accumulate(in_shape.begin(), in_shape.begin() + static_cast<std::ptrdiff_t>(gd),
                                std::size_t{1}, std::multiplies<>());
      p.mid = in_shape[gd];
      p.inner = std::accumulate(in_shape.begin() + static_cast<std::ptrdiff_t>(gd) + 1, in_shape.end(),
                                std::size_t{1}, std::multiplies<>());
    }
    p.out_size = v.size() / v.shape[0];
    data_.vars.emplace_back(v.size(), std::numeric_limits<double>::quiet_NaN());
    layout_.vars.push_back(std::move(v));
    plans_.push_back(std::move(p));
  }
  for (const auto& s : registry.summaries()) layout_.summaries.push_back(SummaryVar{s.name, s.units, s.long_name});
}

void Recorders::aggregate(const Plan& p, const engine::Observable& o, std::vector<double>& out) {
  scratch_.assign(p.in_size, 0.0);
  o.fill(scratch_);
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
  if (o.reduce == engine::Reduce::mean) {
    for (std::size_t a = 0; a < p.outer; ++a) {
      for (std::size_t g = 0; g < p.groups; ++g) {
        for (std::size_t i = 0; i < p.inner; ++i) out[(a * p.groups + g) * p.inner + i] /= count[g];
      }
    }
  }
}

void Recorders::record(int step) {
  for (std::size_t k = 0; k < plans_.size(); ++k) {
    Plan& p = plans_[k];
    if ((step + 1) % p.every != 0) continue;
    std::vector<double> values;
    if (p.obs->reduce == engine::Reduce::ratio) {
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

}  // namespace tiersim::output
