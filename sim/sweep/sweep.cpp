#include "sim/sweep/sweep.hpp"

#include <cmath>

#include "sim/config/schema.hpp"
#include "sim/config/suggest.hpp"
#include "sim/config/yaml_loader.hpp"
#include "sim/core/error.hpp"
#include "sim/core/sha256.hpp"
#include "sim/rng/stream.hpp"
#include "sim/sweep/design.hpp"

namespace tiersim::sweep {
namespace {

namespace fs = std::filesystem;
using config::Node;
using config::Origin;

constexpr std::uint32_t kSeedPurpose = rng::purpose_id("sweep.seed");

/// The resolved run config as a tree (what `--print-config` shows), for path lookups.
Node resolved_tree(const engine::ResolvedConfig& rc) {
  engine::RunConfig copy = rc.run;
  copy.params = rc.params;
  return config::encode(copy);
}

void collect_leaves(const Node& n, const std::string& prefix, std::vector<std::string>& out) {
  if (n.is_map()) {
    for (const auto& e : n.entries()) collect_leaves(e.value, prefix.empty() ? e.key : prefix + "." + e.key, out);
  } else if (n.is_scalar()) {
    out.push_back(prefix);
  }
}

/// True if the setting at `path` is declared as an integer (int or std::int64_t).
bool declared_integer(const std::vector<config::ParamRow>& settings, const std::string& path) {
  const config::ParamRow* row = config::find_row(settings, path);
  return row != nullptr && row->kind == config::ValueKind::integer;
}

std::string where_run(const Sweep& s, std::size_t run) {
  const PlanRun& r = s.runs()[run];
  std::string out = "run " + std::to_string(run) + " (point " + std::to_string(r.point) + ", replicate " +
                    std::to_string(r.replicate);
  if (!s.config().scenarios.empty()) out += ", scenario '" + s.scenario_names()[r.scenario] + "'";
  return out + ")";
}

/// The sweep's scenarios: its `pair_with` list, or the base config alone.
std::vector<ScenarioSpec> scenarios_of(const SweepConfig& c) {
  if (!c.scenarios.empty()) return c.scenarios;
  ScenarioSpec only;
  only.config = c.config;
  only.config_origin = c.config_origin;
  return {only};
}

/// Why parameter `p` cannot be varied in the resolved config `tree` of `config_file`.
InputError not_a_setting(const ParameterSpec& p, const Node* leaf, const Node& tree, const fs::path& config_file) {
  std::vector<std::string> leaves;
  collect_leaves(tree, "", leaves);
  std::erase_if(leaves, [](const std::string& l) { return l == "seed" || l == "model"; });
  const config::Suggestion suggestion(p.path, leaves);
  const std::string what =
      leaf != nullptr
          ? "is " + leaf->kind_name() + " in the run config, not a single value that can be varied"
          : "no such setting in the run config " + config_file.string() +
                (suggestion.guess().empty() ? " (see `tiersim validate CONFIG --print-config` for the settings)"
                                            : suggestion.did_you_mean());
  return InputError(p.origin.describe() + ": key 'parameters." + p.path + "': " + what);
}

// The plan's size is counted before anything is expanded: a design that multiplies out to
// more runs than a plan may hold (or overflows) fails at once, not by exhausting memory.
constexpr std::size_t kMaxRuns = 0x7fffffffu;

std::size_t times(std::size_t a, std::size_t b) { return b != 0 && a > kMaxRuns / b ? kMaxRuns + 1 : a * b; }

/// Design points (saturating above kMaxRuns).
std::size_t design_points(const SweepConfig& c) {
  const std::size_t k = c.parameters.size();
  const auto samples = static_cast<std::size_t>(c.samples);
  switch (c.kind) {
    case DesignKind::grid: {
      std::size_t points = 1;
      for (const auto& p : c.parameters) points = times(points, p.values.size());
      return points;
    }
    case DesignKind::zip: return k == 0 ? 1 : c.parameters.front().values.size();
    case DesignKind::lhs: return samples;
    case DesignKind::sobol: return times(samples, k + 2);
    case DesignKind::morris: return times(samples, k + 1);
  }
  return 1;
}

void check_plan_size(const SweepConfig& c, std::size_t scenarios) {
  const std::size_t runs = times(times(design_points(c), static_cast<std::size_t>(c.replicates)), scenarios);
  if (runs <= kMaxRuns) return;
  const Node* design = c.source.find("parameters");
  throw InputError((design != nullptr ? design->origin().describe() : c.file.string()) +
                   ": key 'parameters': the design has more than 2^31-1 runs (points x replicates x "
                   "scenarios); split it into several sweeps");
}

/// Grid and zip points: rows of value indices into each parameter's list.
std::vector<std::vector<std::size_t>> listed_points(const SweepConfig& c) {
  const std::size_t k = c.parameters.size();
  if (c.kind == DesignKind::grid) {
    std::vector<std::size_t> sizes;
    for (const auto& p : c.parameters) sizes.push_back(p.values.size());
    return grid_indices(sizes);
  }
  const std::size_t n = k == 0 ? 1 : c.parameters.front().values.size();
  std::vector<std::vector<std::size_t>> rows(n);
  for (std::size_t i = 0; i < n; ++i) rows[i].assign(k, i);
  return rows;
}

/// Accumulates the sweep hash: every field length-prefixed, so no two plans collide by
/// shifting text between fields.
class PlanHash {
 public:
  void field(const std::string& text) {
    sha_.update(std::to_string(text.size()) + ":");
    sha_.update(text);
  }
  std::string hex() { return sha_.hex_digest(); }

 private:
  Sha256 sha_;
};

}  // namespace

std::uint64_t derive_seed(std::uint64_t sweep_seed, std::size_t point, std::size_t replicate, SeedMode mode) {
  const rng::Stream stream(sweep_seed, 0, kSeedPurpose);
  const std::uint64_t entity = mode == SeedMode::common ? 0 : static_cast<std::uint64_t>(point);
  // 52 bits: fits the run config's seed range (<= 9e15) and is exact as a double.
  return stream.block(entity, static_cast<std::uint64_t>(replicate), 0)[0] >> 12;
}

Sweep Sweep::build(SweepConfig cfg, const engine::ModelCatalog& catalog) {
  Sweep s(std::move(cfg), catalog);
  const std::vector<ScenarioSpec> scenarios = scenarios_of(s.cfg_);
  const std::vector<engine::ResolvedConfig> resolved = s.load_scenarios(scenarios);
  s.check_parameters(scenarios, resolved);
  s.check_ranges();
  check_plan_size(s.cfg_, s.scenario_trees_.size());
  s.expand_points();
  s.expand_runs();
  s.hash_ = s.resolve_all_and_hash();
  return s;
}

std::vector<engine::ResolvedConfig> Sweep::load_scenarios(const std::vector<ScenarioSpec>& scenarios) {
  // Each scenario's base tree: config file < sweep `set` < scenario `set`.
  std::vector<engine::ResolvedConfig> resolved;
  for (std::size_t si = 0; si < scenarios.size(); ++si) {
    const ScenarioSpec& sc = scenarios[si];
    std::vector<fs::path> files;
    Node tree = config::load_config_file(sc.config, &files);
    for (const fs::path& f : files) inputs_.add(f);
    apply_set(tree, cfg_.set);
    apply_set(tree, sc.set);
    engine::ResolvedConfig rc;
    try {
      rc = engine::resolve_config(tree, *catalog_, sc.config.parent_path());
    } catch (const InputError& e) {
      throw InputError(sc.config_origin.describe() + ": key '" +
                       (cfg_.scenarios.empty() ? std::string("config") : "pair_with[" + std::to_string(si) + "]") +
                       "': the run config " + (sc.name.empty() ? "" : "of scenario '" + sc.name + "' ") +
                       "does not resolve: " + e.what());
    }
    resolved.push_back(std::move(rc));
    scenario_trees_.push_back(std::move(tree));
    scenario_dirs_.push_back(sc.config.parent_path());
    scenario_names_.push_back(sc.name);
  }
  return resolved;
}

void Sweep::check_parameters(const std::vector<ScenarioSpec>& scenarios,
                             const std::vector<engine::ResolvedConfig>& resolved) {
  // Every path names a single value in every scenario's resolved config.
  std::vector<Node> trees;
  for (const auto& rc : resolved) trees.push_back(resolved_tree(rc));
  const std::vector<config::ParamRow> settings = resolved.front().settings();
  integer_param_.assign(cfg_.parameters.size(), false);
  for (std::size_t j = 0; j < cfg_.parameters.size(); ++j) {
    const ParameterSpec& p = cfg_.parameters[j];
    if (p.path == "model") {
      throw InputError(p.origin.describe() +
                       ": key 'parameters.model': the model cannot vary within a sweep "
                       "(its outputs would not fit one file); sweep each model separately");
    }
    for (std::size_t i = 0; i < trees.size(); ++i) {
      const Node* leaf = trees[i].find_path(p.path);
      if (leaf == nullptr || !leaf->is_scalar()) throw not_a_setting(p, leaf, trees[i], scenarios[i].config);
    }
    integer_param_[j] = declared_integer(settings, p.path);
  }
}

void Sweep::check_ranges() const {
  // A sampled range lies within the parameter's own bounds: resolve with min, then with max.
  if (!is_sampled(cfg_.kind)) return;
  for (const auto& p : cfg_.parameters) {
    check_bound(p, *p.min, p.min_origin, "min");
    check_bound(p, *p.max, p.max_origin, "max");
  }
}

void Sweep::check_bound(const ParameterSpec& p, double bound, const config::Origin& origin,
                        const std::string& name) const {
  for (std::size_t i = 0; i < scenario_trees_.size(); ++i) {
    Node tree = scenario_trees_[i];
    tree.set_path(p.path, Node::scalar(config::encode_value(bound), origin), p.origin);
    try {
      engine::resolve_config(tree, *catalog_, scenario_dirs_[i]);
    } catch (const InputError& e) {
      throw InputError(origin.describe() + ": key 'parameters." + p.path + "." + name +
                       "': " + config::encode_value(bound) + " is not a valid value of '" + p.path + "': " + e.what());
    }
  }
}

SweptValue Sweep::sampled_value(std::size_t param, double u) const {
  const ParameterSpec& p = cfg_.parameters[param];
  const double v = p.from_unit(u);
  // Integer settings (counts) take the nearest integer of the sampled value.
  if (integer_param_[param]) return SweptValue::integer(static_cast<std::int64_t>(std::round(v)), p.origin);
  return SweptValue::number(v, p.origin);
}

void Sweep::expand_points() {
  const std::size_t k = cfg_.parameters.size();
  const auto sweep_seed = static_cast<std::uint64_t>(cfg_.seed);
  const auto samples = static_cast<std::size_t>(cfg_.samples);
  auto add_sampled = [&](const std::vector<double>& unit) {
    std::vector<SweptValue> row;
    for (std::size_t j = 0; j < k; ++j) row.push_back(sampled_value(j, unit[j]));
    values_.push_back(std::move(row));
  };
  switch (cfg_.kind) {
    case DesignKind::grid:
    case DesignKind::zip:
      for (const auto& index : listed_points(cfg_)) {
        std::vector<SweptValue> row;
        for (std::size_t j = 0; j < k; ++j) row.push_back(SweptValue::written(cfg_.parameters[j].values[index[j]]));
        values_.push_back(std::move(row));
      }
      break;
    case DesignKind::lhs:
      for (const auto& point : latin_hypercube(samples, k, sweep_seed)) add_sampled(point);
      break;
    case DesignKind::sobol:
      for (const auto& point : saltelli(samples, k, sweep_seed)) add_sampled(point);
      break;
    case DesignKind::morris: {
      const MorrisDesign m = morris(samples, k, cfg_.levels, sweep_seed);
      for (std::size_t i = 0; i < m.points.size(); ++i) {
        add_sampled(m.points[i]);
        trajectory_.push_back(static_cast<std::int64_t>(m.trajectory[i]));
      }
      break;
    }
  }
}

void Sweep::expand_runs() {
  // Point-major, then replicate, then scenario.
  const auto reps = static_cast<std::size_t>(cfg_.replicates);
  const auto sweep_seed = static_cast<std::uint64_t>(cfg_.seed);
  for (std::size_t point = 0; point < values_.size(); ++point) {
    for (std::size_t rep = 0; rep < reps; ++rep) {
      const std::uint64_t seed = derive_seed(sweep_seed, point, rep, cfg_.seeds);
      for (std::size_t sc = 0; sc < scenario_trees_.size(); ++sc) runs_.push_back({point, rep, sc, seed});
    }
  }
  if (runs_.size() > kMaxRuns) {
    throw InputError(cfg_.file.string() + ": the plan has " + std::to_string(runs_.size()) + " runs; at most 2^31-1");
  }
}

std::string Sweep::resolve_all_and_hash() {
  // Every run is resolved here, so that any config error shows before the first run starts.
  const std::size_t k = cfg_.parameters.size();
  PlanHash hash;
  hash.field("tiersim-sweep-plan-v2");
  // Config files enter through what they mean (the plan, every run's resolved config), so a
  // comment changes nothing; data files through their bytes, so the same path with other
  // content is another sweep. Every file is listed with its bytes' digest (inputs_), to name
  // the one that changed when the hash differs.
  if (!cfg_.file.empty()) inputs_.add(cfg_.file);
  hash.field(std::string(kind_name(cfg_.kind)));
  hash.field(std::to_string(k));
  for (const auto& p : cfg_.parameters) hash.field(p.path);
  hash.field(std::to_string(runs_.size()));
  for (std::size_t run = 0; run < runs_.size(); ++run) {
    const PlanRun& r = runs_[run];
    hash.field(std::to_string(r.point) + "/" + std::to_string(r.replicate) + "/" + scenario_names_[r.scenario] + "/" +
               std::to_string(r.seed) + "/" + std::to_string(trajectory(r.point)));
    for (std::size_t j = 0; j < k; ++j) hash.field(values_[r.point][j].text());
    engine::ResolvedConfig rc;
    try {
      rc = resolve_run(run);
    } catch (const InputError& e) {
      const Origin& at = k > 0 ? cfg_.parameters.front().origin : cfg_.source.origin();
      throw InputError(at.describe() + ": key 'parameters': " + where_run(*this, run) +
                       " does not resolve: " + e.what());
    }
    hash.field(rc.to_yaml());
    for (const auto& [key, path] : engine::data_files(rc)) hash.field(key + "=" + inputs_.add(path));
  }
  return hash.hex();
}

std::int64_t Sweep::trajectory(std::size_t point) const { return point < trajectory_.size() ? trajectory_[point] : -1; }

Node Sweep::run_tree(std::size_t run) const {
  const PlanRun& r = runs_.at(run);
  Node tree = scenario_trees_[r.scenario];
  for (std::size_t j = 0; j < cfg_.parameters.size(); ++j) {
    tree.set_path(cfg_.parameters[j].path, values_[r.point][j].node(), cfg_.parameters[j].origin);
  }
  tree.set_path("seed", Node::scalar(std::to_string(r.seed), cfg_.seed_origin), cfg_.seed_origin);
  return tree;
}

engine::ResolvedConfig Sweep::resolve_run(std::size_t run) const {
  return engine::resolve_config(run_tree(run), *catalog_, scenario_dirs_[runs_.at(run).scenario]);
}

std::vector<output::PlannedRun> Sweep::planned_runs() const {
  std::vector<output::PlannedRun> out(runs_.size());
  for (std::size_t i = 0; i < runs_.size(); ++i) {
    const PlanRun& r = runs_[i];
    out[i].run_index = static_cast<std::int64_t>(i);
    out[i].seed = r.seed;
    out[i].point = static_cast<std::int64_t>(r.point);
    out[i].replicate = static_cast<std::int64_t>(r.replicate);
    out[i].scenario = scenario_names_[r.scenario];
    out[i].trajectory = trajectory(r.point);
  }
  return out;
}

output::SweepDescription Sweep::describe(const std::string& shard) const {
  output::SweepDescription d;
  d.sweep_yaml = cfg_.to_yaml();
  d.sweep_hash = hash_;
  d.input_files = inputs_.lines();
  d.design_kind = std::string(kind_name(cfg_.kind));
  for (const auto& p : cfg_.parameters) d.design_parameters.push_back(p.path);
  d.design_samples = is_sampled(cfg_.kind) ? cfg_.samples : static_cast<std::int64_t>(points());
  d.morris_levels = cfg_.kind == DesignKind::morris ? cfg_.levels : 0;
  d.shard = shard;
  d.morris = cfg_.kind == DesignKind::morris;
  for (std::size_t j = 0; j < cfg_.parameters.size(); ++j) {
    output::PlanColumn col;
    col.name = cfg_.parameters[j].path;
    col.numeric = is_sampled(cfg_.kind) || cfg_.parameters[j].numeric;
    if (is_sampled(cfg_.kind)) {
      // The sampled range, so that analyses can map values back onto the unit hypercube.
      const ParameterSpec& p = cfg_.parameters[j];
      col.attrs = {{"design_min", *p.min},
                   {"design_max", *p.max},
                   {"design_scale", std::string(p.scale == Scale::log ? "log" : "linear")},
                   {"design_integer", std::int64_t{integer_param_[j] ? 1 : 0}}};
    }
    for (const auto& r : runs_) {
      const SweptValue& v = values_[r.point][j];
      if (col.numeric) {
        col.numbers.push_back(v.to_double(col.name));
      } else {
        col.text.push_back(v.text());
      }
    }
    d.columns.push_back(std::move(col));
  }
  return d;
}

}  // namespace tiersim::sweep
