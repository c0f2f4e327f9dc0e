#pragma once
// A sweep expanded into its run plan (FLAME GPU's RunPlanVector idea): design points x
// replicates x scenarios, each run with its seed and, on demand, its resolved config.
// Building it validates everything against the run configs, so a sweep that starts never
// fails for a config reason halfway through.
//
// Run order: point-major, then replicate, then scenario:
//   run = (point * replicates + replicate) * scenarios + scenario.
// Seeds: derived from (sweep seed, point, replicate) (or (sweep seed, replicate) with
// `seeds: common`) through the Philox stream "sweep.seed", identical for every scenario:
// paired scenarios see the same random numbers (common random numbers). Every run is
// simulated with run index 0 and its own seed, so `tiersim run` with the run's resolved
// config reproduces it exactly.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/config/node.hpp"
#include "sim/engine/inputs.hpp"
#include "sim/engine/simulation.hpp"
#include "sim/output/result_file.hpp"
#include "sim/sweep/sweep_config.hpp"
#include "sim/sweep/swept_value.hpp"

namespace tiersim::sweep {

struct PlanRun {
  std::size_t point = 0;
  std::size_t replicate = 0;
  std::size_t scenario = 0;
  std::uint64_t seed = 0;
};

/// The seed of (point, replicate): a pure function of the sweep seed, never of scenario,
/// run order, shard or process. Below 2^52, within the run config's seed range.
std::uint64_t derive_seed(std::uint64_t sweep_seed, std::size_t point, std::size_t replicate, SeedMode mode);

class Sweep {
 public:
  /// Validate `cfg` against its run configs and expand the plan. InputError naming the sweep
  /// file's line/column and key for unknown parameter paths, values or ranges outside a
  /// parameter's bounds, and any run whose config does not resolve.
  static Sweep build(SweepConfig cfg, const engine::ModelCatalog& catalog);

  const SweepConfig& config() const { return cfg_; }
  const engine::ModelCatalog& catalog() const { return *catalog_; }
  std::size_t points() const { return values_.size(); }
  const std::vector<PlanRun>& runs() const { return runs_; }
  const std::vector<std::string>& scenario_names() const { return scenario_names_; }
  /// The value of parameter `param` at design point `point`.
  const SweptValue& value(std::size_t point, std::size_t param) const { return values_[point][param]; }
  /// Morris trajectory of a point (-1 for other designs).
  std::int64_t trajectory(std::size_t point) const;

  /// The resolved config of run `run` (scenario config, `set`s, the point's values, seed).
  engine::ResolvedConfig resolve_run(std::size_t run) const;

  /// SHA-256 (hex) of the plan, of every run's resolved config and of the content of every
  /// data file a run reads: equal iff the same sweep of the same inputs. (Config files count
  /// by what they mean, so a comment changes nothing.)
  const std::string& hash() const { return hash_; }
  /// Every input file (the sweep file, run configs and their bases, data files) with the
  /// SHA-256 of its bytes.
  const engine::InputManifest& inputs() const { return inputs_; }

  /// The run plan and design as stored in the result file.
  std::vector<output::PlannedRun> planned_runs() const;
  output::SweepDescription describe(const std::string& shard) const;

 private:
  Sweep(SweepConfig cfg, const engine::ModelCatalog& catalog) : cfg_(std::move(cfg)), catalog_(&catalog) {}
  // The steps of build(), in order.
  std::vector<engine::ResolvedConfig> load_scenarios(const std::vector<ScenarioSpec>& scenarios);
  void check_parameters(const std::vector<ScenarioSpec>& scenarios,
                        const std::vector<engine::ResolvedConfig>& resolved);
  void check_ranges() const;
  void check_bound(const ParameterSpec& p, double bound, const config::Origin& origin, const std::string& name) const;
  void expand_points();
  void expand_runs();
  std::string resolve_all_and_hash();

  SweptValue sampled_value(std::size_t param, double u) const;
  config::Node run_tree(std::size_t run) const;

  SweepConfig cfg_;
  const engine::ModelCatalog* catalog_;
  std::vector<config::Node> scenario_trees_;          // config file + set + scenario set
  std::vector<std::filesystem::path> scenario_dirs_;  // for relative data paths
  std::vector<std::string> scenario_names_;
  engine::InputManifest inputs_;
  std::vector<std::vector<SweptValue>> values_;  // point x parameter
  std::vector<std::int64_t> trajectory_;         // per point (morris)
  std::vector<bool> integer_param_;              // declared integer: samples are rounded
  std::vector<PlanRun> runs_;
  std::string hash_;
};

}  // namespace tiersim::sweep
