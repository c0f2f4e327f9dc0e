#include "sim/sweep/sweep_config.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "sim/config/schema.hpp"
#include "sim/config/yaml_loader.hpp"
#include "sim/core/error.hpp"

namespace tiersim::sweep {
namespace {

namespace fs = std::filesystem;
using config::Node;
using config::Origin;

constexpr double kUnset = std::numeric_limits<double>::quiet_NaN();

// ---- the file's schema (decoded by config::decode) -------------------------------------

struct DesignDecl {
  DesignKind kind = DesignKind::grid;
  int samples = 0;
  int levels = 0;

  template <class V>
  void visit(V& v) {
    v.choice("kind", kind,
             {{"grid", DesignKind::grid},
              {"zip", DesignKind::zip},
              {"lhs", DesignKind::lhs},
              {"sobol", DesignKind::sobol},
              {"morris", DesignKind::morris}},
             {.doc = "experimental design"});
    v.field("samples", samples,
            {.unit = "1",
             .doc = "lhs: points; sobol: base samples N (N*(k+2) runs); morris: trajectories r",
             .min = 1.0,
             .max = 1.0e7});
    v.field("levels", levels, {.unit = "1", .doc = "morris grid levels (even)", .min = 2.0, .max = 1000.0});
  }
};

struct ParameterDecl {
  std::vector<std::string> values;
  double min = kUnset;
  double max = kUnset;
  Scale scale = Scale::linear;

  template <class V>
  void visit(V& v) {
    v.field("values", values, {.doc = "grid/zip: the values to run"});
    v.field("min", min, {.doc = "lhs/sobol/morris: lower end of the range"});
    v.field("max", max, {.doc = "lhs/sobol/morris: upper end of the range"});
    v.choice("scale", scale, {{"linear", Scale::linear}, {"log", Scale::log}},
             {.doc = "sample uniformly (linear) or log-uniformly (log)"});
  }
};

struct ScenarioDecl {
  std::string name;
  std::string config;
  Node set;

  template <class V>
  void visit(V& v) {
    v.field("name", name, {.doc = "scenario name (the `scenario` variable of the results)"});
    v.field("config", config, {.doc = "run config of the scenario, relative to the sweep file"});
    v.raw("set", set, "overrides for this scenario (dotted keys)");
  }
};

struct SweepDecl {
  std::string config;
  Node set;
  std::int64_t seed = 1;
  DesignDecl design;
  Node parameters;
  int replicates = 1;
  std::vector<ScenarioDecl> pair_with;
  SeedMode seeds = SeedMode::per_point;
  FailurePolicy on_failure = FailurePolicy::keep_going;

  template <class V>
  void visit(V& v) {
    v.field("config", config, {.doc = "base run config, relative to the sweep file"});
    v.raw("set", set, "overrides applied to every run (dotted keys)");
    v.field("seed", seed, {.doc = "sweep seed: sampling and run seeds", .min = 0.0, .max = 9.0e15});
    v.section("design", design, "experimental design");
    v.raw("parameters", parameters, "parameters to vary, by dotted config key");
    v.field("replicates", replicates, {.unit = "1", .doc = "runs per design point", .min = 1.0, .max = 1.0e6});
    v.list("pair_with", pair_with, "scenarios run with the same points and seeds");
    v.choice("seeds", seeds, {{"per_point", SeedMode::per_point}, {"common", SeedMode::common}},
             {.doc = "per_point: a seed per (point, replicate); common: per replicate only"});
    v.choice("on_failure", on_failure, {{"continue", FailurePolicy::keep_going}, {"stop", FailurePolicy::stop}},
             {.doc = "after a failed run: keep going, or start no new runs"});
  }
};

// ---- helpers ------------------------------------------------------------------------------

[[noreturn]] void fail(const Origin& where, const std::string& key, const std::string& what) {
  throw InputError(where.describe() + ": key '" + key + "': " + what);
}

/// Origin of key `key` in map `map` (the key itself), or the map's origin.
Origin key_origin(const Node& map, const std::string& key) {
  for (const auto& e : map.entries()) {
    if (e.key == key) return e.key_origin;
  }
  return map.origin();
}

/// Origin of the value of `key` in `map`, or the map's origin.
Origin value_origin(const Node& map, const std::string& key) {
  const Node* n = map.find(key);
  return n != nullptr ? n->origin() : map.origin();
}

bool is_number(const Node& n) {
  if (!n.is_scalar() || n.quoted()) return false;
  const std::string& t = n.text();
  const char* b = t.data();
  const char* e = b + t.size();
  if (b != e && *b == '+') ++b;
  double v = 0;
  const auto [p, ec] = std::from_chars(b, e, v);
  return ec == std::errc{} && p == e && std::isfinite(v);
}

std::string format_number(double v) { return config::encode_value(v); }

// ---- reading the file, step by step -------------------------------------------------------

/// Sampled designs need `samples`, Morris designs an even number of `levels` (default 4);
/// other designs take neither.
void check_design(SweepConfig& out, const Node& design) {
  const std::string kind(kind_name(out.kind));
  if (is_sampled(out.kind)) {
    if (design.find("samples") == nullptr) {
      fail(value_origin(design, "kind"), "design.samples",
           "a " + kind + " design needs 'samples' (" +
               (out.kind == DesignKind::lhs     ? std::string("the number of points")
                : out.kind == DesignKind::sobol ? std::string("N base samples, giving N*(k+2) points")
                                                : std::string("r trajectories, giving r*(k+1) points")) +
               ")");
    }
  } else if (design.find("samples") != nullptr) {
    fail(key_origin(design, "samples"), "design.samples",
         "a " + kind + " design runs every listed value; 'samples' applies to lhs, sobol and morris");
  }
  if (out.kind == DesignKind::morris) {
    if (design.find("levels") == nullptr) out.levels = 4;
    if (out.levels % 2 != 0) {
      fail(value_origin(design, "levels"), "design.levels",
           "Morris levels must be even (got " + std::to_string(out.levels) +
               "), so that the step p/(2(p-1)) lands on the grid");
    }
  } else if (design.find("levels") != nullptr) {
    fail(key_origin(design, "levels"), "design.levels", "'levels' applies to morris designs only");
  }
}

/// A sampled parameter's range {min, max, scale}.
void read_range(ParameterSpec& p, const Node& pn, const ParameterDecl& pd, const std::string& key,
                const std::string& kind) {
  if (pn.find("values") != nullptr) {
    fail(key_origin(pn, "values"), key + ".values",
         "a " + kind + " design samples a range: give 'min' and 'max' instead of 'values'");
  }
  if (pn.find("min") == nullptr || pn.find("max") == nullptr) {
    fail(p.origin, key, "a " + kind + " design needs 'min' and 'max' for every parameter");
  }
  p.min = pd.min;
  p.max = pd.max;
  p.min_origin = value_origin(pn, "min");
  p.max_origin = value_origin(pn, "max");
  if (!(pd.min < pd.max)) {
    fail(p.max_origin, key + ".max",
         "max (" + format_number(pd.max) + ") must be greater than min (" + format_number(pd.min) + ")");
  }
  if (p.scale == Scale::log && pd.min <= 0.0) {
    fail(p.min_origin, key + ".min", "a log scale needs min > 0 (got " + format_number(pd.min) + ")");
  }
}

/// A grid or zip parameter's list of values.
void read_values(ParameterSpec& p, const Node& pn, const std::string& key, const std::string& kind) {
  for (const char* k : {"min", "max", "scale"}) {
    if (pn.find(k) != nullptr) {
      fail(key_origin(pn, k), key + "." + k,
           "a " + kind + " design runs listed values: give 'values: [...]'; '" + k +
               "' applies to lhs, sobol and morris");
    }
  }
  const Node* values = pn.find("values");
  if (values == nullptr) fail(p.origin, key, "a " + kind + " design needs 'values: [...]' for every parameter");
  if (values->items().empty()) fail(values->origin(), key + ".values", "the list of values is empty");
  p.values = values->items();
  p.numeric = std::all_of(p.values.begin(), p.values.end(), is_number);
}

/// One entry of `parameters:` (dotted config key -> its values or range).
ParameterSpec read_parameter(const Node::Entry& e, DesignKind design) {
  const std::string key = "parameters." + e.key;
  if (!e.value.is_map()) {
    config::Decoder::type_error(e.value, key, "a mapping such as {values: [...]} or {min: .., max: ..}");
  }
  ParameterDecl pd;
  config::decode(e.value, pd, key);
  ParameterSpec p;
  p.path = e.key;
  p.origin = e.key_origin;
  p.scale = pd.scale;
  if (e.key == "seed") {
    fail(e.key_origin, key,
         "run seeds come from the sweep ('seed', 'replicates', 'seeds'); 'seed' cannot be a parameter");
  }
  const std::string kind(kind_name(design));
  if (is_sampled(design)) {
    read_range(p, e.value, pd, key, kind);
  } else {
    read_values(p, e.value, key, kind);
  }
  return p;
}

/// The parameters in the order written, with the checks across them: a sampled design
/// needs one, a zip design lists of equal length.
void read_parameters(SweepConfig& out, const Node& parameters, const Node& design) {
  for (const auto& e : parameters.entries()) out.parameters.push_back(read_parameter(e, out.kind));
  if (is_sampled(out.kind) && out.parameters.empty()) {
    fail(parameters.is_map() ? out.source.find("parameters")->origin() : value_origin(design, "kind"), "parameters",
         "a " + std::string(kind_name(out.kind)) +
             " design needs at least one parameter with a range {min: .., max: ..}");
  }
  if (out.kind != DesignKind::zip) return;
  for (const auto& p : out.parameters) {
    if (p.values.size() != out.parameters.front().values.size()) {
      fail(p.origin, "parameters." + p.path + ".values",
           "zip pairs values by position, so every list needs the same length: " + std::to_string(p.values.size()) +
               " values here, " + std::to_string(out.parameters.front().values.size()) + " for '" +
               out.parameters.front().path + "'");
    }
  }
}

/// A run config named in the sweep file, relative to the sweep file's directory.
fs::path existing_file(const fs::path& dir, const std::string& written, const Origin& where, const std::string& key) {
  if (written.empty()) fail(where, key, "expected a file path");
  const fs::path path = dir / written;
  std::error_code ec;
  if (!fs::exists(path, ec)) fail(where, key, "file not found: " + path.string());
  if (fs::is_directory(path, ec)) fail(where, key, "is a directory, expected a run config: " + path.string());
  return path;
}

/// `pair_with` entry i: a named scenario with its own config (or the sweep's) and overrides.
ScenarioSpec read_scenario(const SweepConfig& out, const Node& item, const ScenarioDecl& decl, std::size_t i) {
  const std::string key = "pair_with[" + std::to_string(i) + "]";
  ScenarioSpec s;
  s.name = decl.name;
  s.origin = item.origin();
  s.set = decl.set;
  if (item.find("name") == nullptr || s.name.empty()) {
    fail(item.origin(), key + ".name", "every pair_with scenario needs a non-empty 'name'");
  }
  for (const auto& other : out.scenarios) {
    if (other.name == s.name) {
      fail(value_origin(item, "name"), key + ".name",
           "scenario name '" + s.name + "' is used twice (first at " + other.origin.describe() + ")");
    }
  }
  if (item.find("config") != nullptr) {
    s.config_origin = value_origin(item, "config");
    s.config = existing_file(out.file.parent_path(), decl.config, s.config_origin, key + ".config");
  } else if (out.config.empty()) {
    fail(item.origin(), key + ".config",
         "scenario '" + s.name + "' has no 'config' and the sweep has no top-level 'config' to fall back on");
  } else {
    s.config = out.config;
    s.config_origin = out.config_origin;
  }
  return s;
}

/// The base run config and the `pair_with` scenarios; at least one of them is needed.
void read_configs(SweepConfig& out, const SweepDecl& d) {
  const Node& root = out.source;
  if (root.find("config") != nullptr) {
    out.config_as_written = d.config;
    out.config_origin = value_origin(root, "config");
    out.config = existing_file(out.file.parent_path(), d.config, out.config_origin, "config");
  }
  const Node* pair = root.find("pair_with");
  for (std::size_t i = 0; i < d.pair_with.size(); ++i) {
    out.scenarios.push_back(read_scenario(out, pair->items()[i], d.pair_with[i], i));
  }
  if (out.config.empty() && out.scenarios.empty()) {
    fail(root.origin(), "config", "missing: name the run config to sweep, e.g. 'config: ../experiments/x.yaml'");
  }
}

// ---- writing it back ----------------------------------------------------------------------

const Origin kNowhere;

Node scalar(std::string text, bool quoted = false) { return Node::scalar(std::move(text), kNowhere, quoted); }

Node design_node(const SweepConfig& c) {
  Node design = Node::map(kNowhere);
  design.set("kind", scalar(std::string(kind_name(c.kind))), kNowhere);
  if (is_sampled(c.kind)) design.set("samples", scalar(std::to_string(c.samples)), kNowhere);
  if (c.kind == DesignKind::morris) design.set("levels", scalar(std::to_string(c.levels)), kNowhere);
  return design;
}

Node parameters_node(const SweepConfig& c) {
  Node params = Node::map(kNowhere);
  for (const auto& p : c.parameters) {
    Node spec = Node::map(kNowhere);
    if (is_sampled(c.kind)) {
      spec.set("min", scalar(format_number(*p.min)), kNowhere);
      spec.set("max", scalar(format_number(*p.max)), kNowhere);
      spec.set("scale", scalar(p.scale == Scale::log ? "log" : "linear"), kNowhere);
    } else {
      Node values = Node::seq(kNowhere);
      for (const auto& v : p.values) values.push_back(v);
      spec.set("values", values, kNowhere);
    }
    params.set(p.path, spec, kNowhere);
  }
  return params;
}

/// The scenarios, each with its config as written in the sweep file (if it names one).
Node scenarios_node(const SweepConfig& c) {
  Node pairs = Node::seq(kNowhere);
  const Node* written = c.source.find("pair_with");
  for (std::size_t i = 0; i < c.scenarios.size(); ++i) {
    Node s = Node::map(kNowhere);
    s.set("name", scalar(c.scenarios[i].name, true), kNowhere);
    const Node* item = written != nullptr && i < written->items().size() ? &written->items()[i] : nullptr;
    const Node* cfg = item != nullptr ? item->find("config") : nullptr;
    if (cfg != nullptr) s.set("config", scalar(cfg->text(), true), kNowhere);
    if (c.scenarios[i].set.is_map()) s.set("set", c.scenarios[i].set, kNowhere);
    pairs.push_back(s);
  }
  return pairs;
}

}  // namespace

std::string_view kind_name(DesignKind kind) {
  switch (kind) {
    case DesignKind::grid: return "grid";
    case DesignKind::zip: return "zip";
    case DesignKind::lhs: return "lhs";
    case DesignKind::sobol: return "sobol";
    case DesignKind::morris: return "morris";
  }
  return "?";
}

bool is_sampled(DesignKind kind) {
  return kind == DesignKind::lhs || kind == DesignKind::sobol || kind == DesignKind::morris;
}

double ParameterSpec::from_unit(double u) const {
  const double lo = min.value_or(0.0);
  const double hi = max.value_or(1.0);
  if (scale == Scale::log) return std::exp(std::log(lo) + u * (std::log(hi) - std::log(lo)));
  return lo + u * (hi - lo);
}

void add_override(SweepConfig& cfg, const std::string& assignment) {
  config::Override o = config::parse_override(assignment);
  if (!cfg.set.is_map()) cfg.set = Node::map(o.origin);
  cfg.set.erase(o.path);
  cfg.set.set(o.path, std::move(o.value), o.origin);
}

void apply_set(Node& root, const Node& set) {
  if (!set.is_map()) return;
  for (const auto& e : set.entries()) root.set_path(e.key, e.value, e.key_origin);
}

SweepConfig load_sweep_config(const fs::path& file) {
  SweepConfig out;
  out.file = file;
  out.source = config::load_yaml_file(file);
  const Node& root = out.source;
  if (!root.is_map()) {
    throw InputError(root.origin().describe() + ": a sweep file must be a mapping of keys, got " + root.kind_name());
  }
  SweepDecl d;
  config::decode(root, d);
  out.set = d.set;
  out.seed = d.seed;
  out.seed_origin = value_origin(root, "seed");
  out.kind = d.design.kind;
  out.samples = d.design.samples;
  out.levels = d.design.levels;
  out.replicates = d.replicates;
  out.seeds = d.seeds;
  out.on_failure = d.on_failure;

  const Node* design = root.find("design");
  const Node design_node = design != nullptr ? *design : Node::map(root.origin());
  check_design(out, design_node);
  read_parameters(out, d.parameters, design_node);
  read_configs(out, d);
  return out;
}

std::string SweepConfig::to_yaml() const {
  Node n = Node::map(kNowhere);
  if (!config_as_written.empty()) n.set("config", scalar(config_as_written, true), kNowhere);
  n.set("set", set.is_map() ? set : Node::map(kNowhere), kNowhere);
  n.set("seed", scalar(std::to_string(seed)), kNowhere);
  n.set("design", design_node(*this), kNowhere);
  n.set("parameters", parameters_node(*this), kNowhere);
  n.set("replicates", scalar(std::to_string(replicates)), kNowhere);
  if (!scenarios.empty()) n.set("pair_with", scenarios_node(*this), kNowhere);
  n.set("seeds", scalar(seeds == SeedMode::common ? "common" : "per_point"), kNowhere);
  n.set("on_failure", scalar(on_failure == FailurePolicy::stop ? "stop" : "continue"), kNowhere);
  return config::to_yaml(n);
}

}  // namespace tiersim::sweep
