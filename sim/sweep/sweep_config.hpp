#pragma once
// The sweep file (docs/cli.md, "Sweep files"): which run config, which parameters to vary
// and how (the design), replicates, paired scenarios, the failure policy. Decoded with the
// typed-config machinery, so typos, wrong types and out-of-range values fail with
// file:line:column and a suggestion; design rules (min < max, even Morris levels, ...) are
// checked here too. Checks that need the run configs (parameter paths, parameter bounds)
// happen when the plan is built (sweep.hpp).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/config/node.hpp"

namespace tiersim::sweep {

enum class DesignKind { grid, zip, lhs, sobol, morris };
enum class Scale { linear, log };
enum class SeedMode { per_point, common };
enum class FailurePolicy { keep_going, stop };

std::string_view kind_name(DesignKind kind);
/// lhs, sobol and morris sample ranges; grid and zip take value lists.
bool is_sampled(DesignKind kind);

/// One swept parameter, in the order written.
struct ParameterSpec {
  std::string path;                  ///< dotted run-config key, e.g. "params.q"
  config::Origin origin;             ///< where the key is written in the sweep file
  std::vector<config::Node> values;  ///< grid/zip: the values as written (with origins)
  bool numeric = true;               ///< every value is a number (stored as f64 in the file)
  std::optional<double> min;         ///< lhs/sobol/morris
  std::optional<double> max;
  config::Origin min_origin;
  config::Origin max_origin;
  Scale scale = Scale::linear;

  /// Map a unit-interval coordinate onto [min, max] (linearly or log-uniformly).
  double from_unit(double u) const;
};

/// A `pair_with` entry: the same design points and seeds, run under another config.
struct ScenarioSpec {
  std::string name;
  std::filesystem::path config;  ///< resolved against the sweep file; empty: the sweep's `config`
  config::Node set;              ///< overrides of this scenario (a map of dotted keys)
  config::Origin origin;         ///< of the list entry
  config::Origin config_origin;  ///< of its `config` value
};

struct SweepConfig {
  std::filesystem::path file;    ///< the sweep file as given
  config::Node source;           ///< its tree (with origins)
  std::filesystem::path config;  ///< base run config, resolved against the sweep file; may be empty
  std::string config_as_written;
  config::Origin config_origin;
  config::Node set;  ///< overrides applied to every run
  std::int64_t seed = 1;
  config::Origin seed_origin;
  DesignKind kind = DesignKind::grid;
  int samples = 0;  ///< lhs: points; sobol: base samples N; morris: trajectories r
  int levels = 0;   ///< morris grid levels
  std::vector<ParameterSpec> parameters;
  int replicates = 1;
  std::vector<ScenarioSpec> scenarios;  ///< empty: one unnamed scenario (the base config)
  SeedMode seeds = SeedMode::per_point;
  FailurePolicy on_failure = FailurePolicy::keep_going;

  /// The sweep with defaults filled in, as YAML (stored in the result file as `sweep_yaml`).
  std::string to_yaml() const;
};

/// Read and check a sweep file. InputError (file:line:col, key) on any problem.
SweepConfig load_sweep_config(const std::filesystem::path& file);

/// Add one `--set KEY=VALUE` (config::parse_override) to the sweep's `set:`, after what the
/// sweep file sets (replacing its entry of the same key): applied to every run's config.
void add_override(SweepConfig& cfg, const std::string& assignment);

/// Apply every entry of a `set:` map (dotted keys -> values) to `root` (Node::set_path: the
/// keys' origins in the sweep file become the origins of what they create).
void apply_set(config::Node& root, const config::Node& set);

}  // namespace tiersim::sweep
