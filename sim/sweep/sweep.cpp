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

/// An integer setting prints without '.', 'e' or "nan" (config::encode_value keeps a marker
/// on every floating value), so the resolved config tells which parameters are integers.
bool looks_integer(const Node& n) {
  if (!n.is_scalar() || n.quoted() || n.text().empty()) return false;
  const std::string& t = n.text();
  const std::size_t first = (t[0] == '-' || t[0] == '+') ? 1 : 0;
  if (first == t.size()) return false;
  for (std::size_t i = first; i < t.size(); ++i) {
    if (t[i] < '0' || t[i] > '9') return false;
  }
  return true;
}

std::string where_run(const Sweep& s, std::size_t run) {
  const PlanRun& r = s.runs()[run];
  std::string out = "run " + std::to_string(run) + " (point " + std::to_string(r.point) + ", replicate " +
                    std::to_string(r.replicate);
  if (!s.config().scenarios.empty()) out += ", scenario '" + s.scenario_names()[r.scenario] + "'";
  return out + ")";
}

}  // namespace

std::uint64_t derive_seed(std::uint64_t sweep_seed, std::size_t point, std::size_t replicate, SeedMode mode) {
  const rng::Stream stream(sweep_seed, 0, kSeedPurpose);
  const std::uint64_t entity = mode == SeedMode::common ? 0 : static_cast<std::uint64_t>(point);
  // 52 bits: fits the run config's seed range (<= 9e15) and is exact as a double.
  return stream.block(entity, static_cast<std::uint64_t>(replicate), 0)[0] >> 12;
}

Sweep Sweep::build(SweepConfig cfg, const engine::ModelCatalog& catalog) {
  Sweep s(std::move(cfg), catalog);
  const SweepConfig& c = s.cfg_;
  const std::string sweep_file = c.file.string();

  // --- scenario base trees: config file < sweep `set` < scenario `set` ---
  std::vector<ScenarioSpec> scenarios = c.scenarios;
  if (scenarios.empty()) {
    ScenarioSpec only;
    only.config = c.config;
    only.config_origin = c.config_origin;
    scenarios.push_back(only);
  }
  std::vector<Node> resolved_trees;
  for (std::size_t si = 0; si < scenarios.size(); ++si) {
    const ScenarioSpec& sc = scenarios[si];
    Node tree = config::load_config_file(sc.config);
    apply_set(tree, c.set);
    apply_set(tree, sc.set);
    engine::ResolvedConfig rc;
    try {
      rc = engine::resolve_config(tree, catalog, sc.config.parent_path());
    } catch (const InputError& e) {
      throw InputError(sc.config_origin.describe() + ": key '" +
                       (c.scenarios.empty() ? std::string("config") : "pair_with[" + std::to_string(si) + "]") +
                       "': the run config " + (sc.name.empty() ? "" : "of scenario '" + sc.name + "' ") +
                       "does not resolve: " + e.what());
    }
    resolved_trees.push_back(resolved_tree(rc));
    s.scenario_trees_.push_back(std::move(tree));
    s.scenario_dirs_.push_back(sc.config.parent_path());
    s.scenario_names_.push_back(sc.name);
  }

  // --- parameter paths exist in every scenario's resolved config ---
  const std::size_t k = c.parameters.size();
  s.integer_param_.assign(k, false);
  for (std::size_t j = 0; j < k; ++j) {
    const ParameterSpec& p = c.parameters[j];
    for (std::size_t i = 0; i < resolved_trees.size(); ++i) {
      if (p.path == "model") {
        throw InputError(p.origin.describe() + ": key 'parameters.model': the model cannot vary within a sweep "
                         "(its outputs would not fit one file); sweep each model separately");
      }
      const Node* leaf = resolved_trees[i].find_path(p.path);
      if (leaf == nullptr || !leaf->is_scalar()) {
        std::vector<std::string> leaves;
        collect_leaves(resolved_trees[i], "", leaves);
        std::erase_if(leaves, [](const std::string& l) { return l == "seed" || l == "model"; });
        const config::Suggestion suggestion(p.path, leaves);
        const std::string what =
            leaf != nullptr && !leaf->is_scalar()
                ? "is " + leaf->kind_name() + " in the run config, not a single value that can be varied"
                : "no such setting in the run config " + scenarios[i].config.string() +
                      (suggestion.guess().empty() ? " (see `tiersim validate CONFIG --print-config` for the settings)"
                                                  : suggestion.did_you_mean());
        throw InputError(p.origin.describe() + ": key 'parameters." + p.path + "': " + what);
      }
      if (i == 0) s.integer_param_[j] = looks_integer(*leaf);
    }
  }

  // --- ranges within each parameter's own bounds: resolve with min, then with max ---
  if (is_sampled(c.kind)) {
    for (const auto& p : c.parameters) {
      for (const auto& [bound, origin, name] :
           {std::tuple{*p.min, p.min_origin, "min"}, std::tuple{*p.max, p.max_origin, "max"}}) {
        for (std::size_t i = 0; i < s.scenario_trees_.size(); ++i) {
          Node tree = s.scenario_trees_[i];
          tree.set_path(p.path, Node::scalar(config::encode_value(bound), origin), p.origin);
          try {
            engine::resolve_config(tree, catalog, s.scenario_dirs_[i]);
          } catch (const InputError& e) {
            throw InputError(origin.describe() + ": key 'parameters." + p.path + "." + name + "': " +
                             config::encode_value(bound) + " is not a valid value of '" + p.path +
                             "': " + e.what());
          }
        }
      }
    }
  }

  // --- the plan's size, counted before anything is expanded: a design that multiplies out
  // to more runs than a plan may hold (or overflows) fails here, not by exhausting memory ---
  {
    constexpr std::size_t kMaxRuns = 0x7fffffffu;
    auto times = [](std::size_t a, std::size_t b) { return b != 0 && a > kMaxRuns / b ? kMaxRuns + 1 : a * b; };
    std::size_t points = 1;
    switch (c.kind) {
      case DesignKind::grid:
        for (const auto& p : c.parameters) points = times(points, p.values.size());
        break;
      case DesignKind::zip: points = k == 0 ? 1 : c.parameters.front().values.size(); break;
      case DesignKind::lhs: points = static_cast<std::size_t>(c.samples); break;
      case DesignKind::sobol: points = times(static_cast<std::size_t>(c.samples), k + 2); break;
      case DesignKind::morris: points = times(static_cast<std::size_t>(c.samples), k + 1); break;
    }
    const std::size_t runs =
        times(times(points, static_cast<std::size_t>(c.replicates)), s.scenario_trees_.size());
    if (runs > kMaxRuns) {
      const Node* design = c.source.find("parameters");
      throw InputError((design != nullptr ? design->origin().describe() : sweep_file) +
                       ": key 'parameters': the design has more than 2^31-1 runs (points x replicates x "
                       "scenarios); split it into several sweeps");
    }
  }

  // --- design points ---
  const auto sweep_seed = static_cast<std::uint64_t>(c.seed);
  auto sampled_value = [&](std::size_t j, double u) {
    const ParameterSpec& p = c.parameters[j];
    double v = p.from_unit(u);
    // Integer settings (counts) take the nearest integer of the sampled value.
    if (s.integer_param_[j]) v = std::round(v);
    const std::string text = s.integer_param_[j] ? std::to_string(static_cast<long long>(v)) : config::encode_value(v);
    return Node::scalar(text, p.origin);
  };
  switch (c.kind) {
    case DesignKind::grid: {
      std::vector<std::size_t> sizes;
      for (const auto& p : c.parameters) sizes.push_back(p.values.size());
      for (const auto& idx : grid_indices(sizes)) {
        std::vector<Node> row;
        for (std::size_t j = 0; j < k; ++j) row.push_back(c.parameters[j].values[idx[j]]);
        s.values_.push_back(std::move(row));
      }
      break;
    }
    case DesignKind::zip: {
      const std::size_t n = k == 0 ? 1 : c.parameters.front().values.size();
      for (std::size_t i = 0; i < n; ++i) {
        std::vector<Node> row;
        for (std::size_t j = 0; j < k; ++j) row.push_back(c.parameters[j].values[i]);
        s.values_.push_back(std::move(row));
      }
      break;
    }
    case DesignKind::lhs:
    case DesignKind::sobol: {
      const auto n = static_cast<std::size_t>(c.samples);
      const UnitPoints u = c.kind == DesignKind::lhs ? latin_hypercube(n, k, sweep_seed) : saltelli(n, k, sweep_seed);
      for (const auto& point : u) {
        std::vector<Node> row;
        for (std::size_t j = 0; j < k; ++j) row.push_back(sampled_value(j, point[j]));
        s.values_.push_back(std::move(row));
      }
      break;
    }
    case DesignKind::morris: {
      const MorrisDesign m = morris(static_cast<std::size_t>(c.samples), k, c.levels, sweep_seed);
      for (std::size_t i = 0; i < m.points.size(); ++i) {
        std::vector<Node> row;
        for (std::size_t j = 0; j < k; ++j) row.push_back(sampled_value(j, m.points[i][j]));
        s.values_.push_back(std::move(row));
        s.trajectory_.push_back(static_cast<std::int64_t>(m.trajectory[i]));
      }
      break;
    }
  }

  // --- runs: point-major, then replicate, then scenario ---
  const auto reps = static_cast<std::size_t>(c.replicates);
  for (std::size_t point = 0; point < s.values_.size(); ++point) {
    for (std::size_t rep = 0; rep < reps; ++rep) {
      const std::uint64_t seed = derive_seed(sweep_seed, point, rep, c.seeds);
      for (std::size_t sc = 0; sc < s.scenario_trees_.size(); ++sc) s.runs_.push_back({point, rep, sc, seed});
    }
  }
  if (s.runs_.size() > 0x7fffffffu) {
    throw InputError(sweep_file + ": the plan has " + std::to_string(s.runs_.size()) + " runs; at most 2^31-1");
  }

  // --- resolve every run (catches any config error before the first run starts) and hash ---
  Sha256 sha;
  auto field = [&sha](const std::string& text) {
    sha.update(std::to_string(text.size()) + ":");
    sha.update(text);
  };
  field("tiersim-sweep-plan-v1");
  field(std::string(kind_name(c.kind)));
  field(std::to_string(k));
  for (const auto& p : c.parameters) field(p.path);
  field(std::to_string(s.runs_.size()));
  for (std::size_t run = 0; run < s.runs_.size(); ++run) {
    const PlanRun& r = s.runs_[run];
    field(std::to_string(r.point) + "/" + std::to_string(r.replicate) + "/" + s.scenario_names_[r.scenario] + "/" +
          std::to_string(r.seed) + "/" + std::to_string(s.trajectory(r.point)));
    for (std::size_t j = 0; j < k; ++j) field(s.values_[r.point][j].text());
    engine::ResolvedConfig rc;
    try {
      rc = s.resolve_run(run);
    } catch (const InputError& e) {
      const Origin& at = k > 0 ? c.parameters.front().origin : c.source.origin();
      throw InputError(at.describe() + ": key 'parameters': " + where_run(s, run) + " does not resolve: " + e.what());
    }
    field(rc.to_yaml());
  }
  s.hash_ = sha.hex_digest();
  return s;
}

std::int64_t Sweep::trajectory(std::size_t point) const {
  return point < trajectory_.size() ? trajectory_[point] : -1;
}

Node Sweep::run_tree(std::size_t run) const {
  const PlanRun& r = runs_.at(run);
  Node tree = scenario_trees_[r.scenario];
  for (std::size_t j = 0; j < cfg_.parameters.size(); ++j) {
    tree.set_path(cfg_.parameters[j].path, values_[r.point][j], cfg_.parameters[j].origin);
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
      const std::string& text = values_[r.point][j].text();
      if (col.numeric) {
        double v = 0;
        config::decode_value(values_[r.point][j], col.name, v);
        col.numbers.push_back(v);
      } else {
        col.text.push_back(text);
      }
    }
    d.columns.push_back(std::move(col));
  }
  return d;
}

}  // namespace tiersim::sweep
