#pragma once
// One run of a model: resolve the config, build the model, step through the calendar,
// collect the recorded outputs.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/config/node.hpp"
#include "sim/engine/executor.hpp"
#include "sim/engine/model.hpp"
#include "sim/engine/recorder.hpp"
#include "sim/engine/run_config.hpp"

namespace tiersim::engine {

/// A validated, immutable run configuration.
struct ResolvedConfig {
  config::Node source;  ///< merged input tree (keeps file/line origins for messages)
  RunConfig run;        ///< engine settings, defaults filled in
  const ModelType* type = nullptr;
  config::Node params;  ///< the model's parameters, defaults filled in
  std::filesystem::path config_dir;
  std::vector<std::filesystem::path> config_files;  ///< the config file and its bases, as loaded (if from a file)

  /// The complete configuration as YAML: what is stored with every result and what
  /// `--print-config` shows. Feeding it back in reproduces the run.
  std::string to_yaml() const;
  /// Where record spec i was written (for error messages).
  std::string record_origin(std::size_t i) const;
  /// Every setting of this configuration with its declared type (config::ParamRow::kind):
  /// the engine's (`seed`, `calendar.months`, ...) and the model's (`params.…`).
  std::vector<config::ParamRow> settings() const;
};

/// Decode and validate a merged config tree. InputError on any problem.
ResolvedConfig resolve_config(const config::Node& root, const ModelCatalog& catalog,
                              const std::filesystem::path& config_dir);

/// defaults < file (with its `base:` chain) < overrides ("a.b=v").
ResolvedConfig load_run_config(const std::filesystem::path& file, const std::vector<std::string>& overrides,
                               const ModelCatalog& catalog);

class Simulation {
 public:
  /// Builds the model and its recorders (InputError if the record specs do not fit the model).
  /// Here and in run(), std::bad_alloc becomes OutOfMemory naming the model's size (SizeHint).
  Simulation(const ResolvedConfig& cfg, std::uint32_t run_index, const Executor& executor);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  const Layout& layout() const;
  const Registry& registry() const { return registry_; }
  /// Run every step; `on_step(done, total)` is called after each month.
  RunData run(const std::function<void(int, int)>& on_step = {});

 private:
  void build(const ResolvedConfig& cfg, std::uint32_t run_index, const Executor& executor);

  time::Calendar calendar_;
  Registry registry_;
  std::unique_ptr<Model> model_;
  std::unique_ptr<Recorders> recorders_;
  std::string out_of_memory_;  ///< the message if memory runs out
};

}  // namespace tiersim::engine
