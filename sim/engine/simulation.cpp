#include "sim/engine/simulation.hpp"

#include <new>

#include "sim/config/yaml_loader.hpp"
#include "sim/core/error.hpp"

namespace tiersim::engine {

std::string ResolvedConfig::to_yaml() const {
  RunConfig copy = run;
  copy.params = params;
  return config::to_yaml(config::encode(copy));
}

std::string ResolvedConfig::record_origin(std::size_t i) const {
  const config::Node* rec = source.find("record");
  if (rec != nullptr && rec->is_seq() && i < rec->items().size()) return rec->items()[i].origin().describe();
  return rec != nullptr ? rec->origin().describe() : source.origin().describe();
}

std::vector<config::ParamRow> ResolvedConfig::settings() const {
  std::vector<config::ParamRow> rows = config::document(RunConfig{});
  const std::vector<config::ParamRow> model_rows = type->document();
  rows.insert(rows.end(), model_rows.begin(), model_rows.end());
  return rows;
}

ResolvedConfig resolve_config(const config::Node& root, const ModelCatalog& catalog,
                              const std::filesystem::path& config_dir) {
  ResolvedConfig out;
  out.source = root;
  out.config_dir = config_dir;
  config::decode(root, out.run);
  const config::Node* model_node = root.find("model");
  if (out.run.model.empty() || model_node == nullptr) {
    throw InputError(root.origin().describe() +
                     ": key 'model' is missing; name the model to run, e.g. 'model: diffusion'");
  }
  try {
    out.type = &catalog.get(out.run.model);
  } catch (const InputError& e) {
    throw InputError(model_node->origin().describe() + ": key 'model': " + e.what());
  }
  const config::Node* params = root.find("params");
  out.params = out.type->resolve(params != nullptr ? *params : config::Node::map(root.origin()));
  return out;
}

ResolvedConfig load_run_config(const std::filesystem::path& file, const std::vector<std::string>& overrides,
                               const ModelCatalog& catalog) {
  std::vector<std::filesystem::path> files;
  config::Node root = config::load_config_file(file, &files);
  for (const auto& o : overrides) config::apply_override(root, o);
  ResolvedConfig out = resolve_config(root, catalog, file.parent_path());
  out.config_files = std::move(files);
  return out;
}

namespace {

/// "out of memory ...: make SETTING smaller", with what the model says makes it large.
std::string out_of_memory_message(const ResolvedConfig& cfg) {
  std::string m = "out of memory (std::bad_alloc)";
  if (cfg.type == nullptr || !cfg.type->size) {
    return m +
           ": the model does not fit in the memory available; make it smaller (its number of agents) or run "
           "fewer runs side by side (--threads)";
  }
  const SizeHint size = cfg.type->size(cfg.params);
  const config::Node* written = cfg.source.find_path(size.setting);
  return m + " building or running a model of " + size.what + " (" + size.setting +
         (written != nullptr ? ", set at " + written->origin().describe() : std::string(", its default")) +
         "): lower " + size.setting + " (e.g. --set " + size.setting + "=N with a smaller N), or run fewer runs " +
         "side by side (--threads)";
}

}  // namespace

Simulation::Simulation(const ResolvedConfig& cfg, std::uint32_t run_index, const Executor& executor)
    : calendar_(cfg.run.calendar.start, cfg.run.calendar.months), out_of_memory_(out_of_memory_message(cfg)) {
  try {
    build(cfg, run_index, executor);
  } catch (const std::bad_alloc&) {
    throw OutOfMemory(out_of_memory_);
  }
}

void Simulation::build(const ResolvedConfig& cfg, std::uint32_t run_index, const Executor& executor) {
  const ModelContext ctx{calendar_,      static_cast<std::uint64_t>(cfg.run.seed),
                         run_index,      executor,
                         cfg.config_dir, cfg.source.find("params"),
                         &cfg.source};
  model_ = cfg.type->create(cfg.params, ctx);
  model_->declare(registry_);
  recorders_ = std::make_unique<Recorders>(registry_, cfg.run.record, calendar_,
                                           [&cfg](std::size_t i) { return cfg.record_origin(i); });
  registry_.schedule().add(Schedule::kRecord, "recorders",
                           [this](const StepContext& s) { recorders_->record(s.step); });
}

Simulation::~Simulation() = default;

const Layout& Simulation::layout() const { return recorders_->layout(); }

RunData Simulation::run(const std::function<void(int, int)>& on_step) {
  try {
    for (int step = 0; step < calendar_.steps(); ++step) {
      const StepContext ctx{step, calendar_.month_at(step), &calendar_};
      registry_.schedule().run_step(ctx);
      if (on_step) on_step(step + 1, calendar_.steps());
    }
    return recorders_->finish();
  } catch (const std::bad_alloc&) {
    throw OutOfMemory(out_of_memory_);
  }
}

}  // namespace tiersim::engine
