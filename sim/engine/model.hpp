#pragma once
// How models plug into the engine. sim/ knows models only through this interface; the
// executable registers the concrete models (models/register.cpp).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/config/node.hpp"
#include "sim/config/schema.hpp"
#include "sim/engine/executor.hpp"
#include "sim/engine/registry.hpp"
#include "sim/time/calendar.hpp"

namespace tiersim::engine {

/// Everything a model instance may use from the engine. No globals: many instances can
/// run side by side.
struct ModelContext {
  const time::Calendar& calendar;
  std::uint64_t seed;
  std::uint32_t run_index;
  const Executor& executor;
  std::filesystem::path config_dir;  ///< for data paths relative to the config file
  /// The `params:` subtree as written (with file/line origins), for messages and for
  /// resolving relative paths against the file that wrote them; null if absent.
  const config::Node* params_node = nullptr;
  /// The whole config as written (its `base:` files merged, `--set` applied), or null. Its
  /// origin is the config file the user gave.
  const config::Node* config_root = nullptr;

  /// The start of an error message about parameter `key` (dotted, below `params:`, list
  /// items as `firms[1].hq`): "FILE:LINE:COL: key 'params.KEY'", located where the user
  /// wrote it. A value that was written (in the config, one of its `base:` files, a sweep
  /// file or on the command line) is located at the value itself. A default (not written
  /// anywhere) is located in the config the user gave: at the deepest enclosing map written
  /// there (or on the command line), else at that file's first key; never in a `base:` file
  /// that did not write it. "<defaults>" when there is no config at all.
  std::string where(std::string_view key) const;

  /// True if `key` (as for where()) was written, false if it has its default.
  bool written(std::string_view key) const;

  /// The data file that parameter `key` (dotted, below `params:`) names with `value`:
  /// an absolute `value` as it is; a relative one resolved against the directory of the file
  /// that wrote `params.KEY` (which may be a `base:` of the config, or the sweep file for a
  /// value a sweep sets), or against `config_dir` when the value was not written in a file
  /// at a line (a default, or a `--set` on the command line).
  std::filesystem::path data_file(std::string_view key, const std::string& value) const;
};

/// The rule of ModelContext::data_file, for callers without a model instance (the inputs of
/// a run, sim/engine/inputs.hpp): `params_node` is the `params:` subtree as written (or null).
std::filesystem::path resolve_data_path(const config::Node* params_node, const std::filesystem::path& config_dir,
                                        std::string_view key, const std::string& value);

/// One run's mutable state. Construction builds the initial state; declare() registers
/// phases, dimensions, observables and summaries.
class Model {
 public:
  virtual ~Model() = default;
  virtual void declare(Registry& registry) = 0;
};

/// What makes a run of a model large, for a message about running out of memory: e.g.
/// {"50000000 buyers", "params.scale.buyers_total"}.
struct SizeHint {
  std::string what;     ///< the count and its unit
  std::string setting;  ///< the dotted config key that sets it
};

/// A model type: decodes and validates its parameters, documents them, creates instances.
struct ModelType {
  std::string name;
  std::string summary;
  /// Optional: the size of a run from its resolved parameters (SizeHint).
  std::function<SizeHint(const config::Node& params)> size;
  /// Decode `params` (InputError on bad input) and return the fully resolved parameters.
  std::function<config::Node(const config::Node& params)> resolve;
  std::function<std::vector<config::ParamRow>()> document;
  std::function<std::unique_ptr<Model>(const config::Node& params, const ModelContext&)> create;
};

/// Build a ModelType from a parameter struct P (with visit(), optionally
/// `void check(const config::Node& where) const` for cross-field rules) and a model class M
/// constructible from (const P&, const ModelContext&).
template <class P, class M>
ModelType make_model_type(std::string name, std::string summary) {
  auto decode_params = [](const config::Node& node) {
    P p;
    config::decode(node, p, "params");
    if constexpr (requires(const P& q, const config::Node& n) { q.check(n); }) p.check(node);
    return p;
  };
  ModelType t;
  t.name = std::move(name);
  t.summary = std::move(summary);
  t.resolve = [decode_params](const config::Node& node) { return config::encode(decode_params(node)); };
  t.document = [] { return config::document(P{}, "params"); };
  t.create = [decode_params](const config::Node& node, const ModelContext& ctx) -> std::unique_ptr<Model> {
    return std::make_unique<M>(decode_params(node), ctx);
  };
  return t;
}

class ModelCatalog {
 public:
  void add(ModelType t);
  /// InputError naming the closest model if `name` is unknown.
  const ModelType& get(const std::string& name) const;
  const std::vector<ModelType>& all() const { return types_; }

 private:
  std::vector<ModelType> types_;
};

}  // namespace tiersim::engine
