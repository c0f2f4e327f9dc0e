#include "sim/engine/model.hpp"

#include "sim/config/suggest.hpp"
#include "sim/core/error.hpp"

namespace tiersim::engine {

std::string ModelContext::where(std::string_view key) const {
  const std::string at = params_node != nullptr ? params_node->origin_of(key).describe() : "<defaults>";
  return at + ": key 'params." + std::string(key) + "'";
}

std::filesystem::path ModelContext::data_file(std::string_view key, const std::string& value) const {
  return resolve_data_path(params_node, config_dir, key, value);
}

std::filesystem::path resolve_data_path(const config::Node* params_node, const std::filesystem::path& config_dir,
                                        std::string_view key, const std::string& value) {
  const std::filesystem::path path(value);
  if (path.is_absolute()) return path;
  const config::Node* written = params_node != nullptr ? params_node->find_path(key) : nullptr;
  if (written != nullptr && !written->origin().file.empty() && written->origin().line > 0) {
    return std::filesystem::path(written->origin().file).parent_path() / path;
  }
  return config_dir / path;
}

void ModelCatalog::add(ModelType t) { types_.push_back(std::move(t)); }

const ModelType& ModelCatalog::get(const std::string& name) const {
  std::vector<std::string> names;
  for (const auto& t : types_) {
    if (t.name == name) return t;
    names.push_back(t.name);
  }
  throw InputError("unknown model '" + name + "'" + config::Suggestion(name, names).hint());
}

}  // namespace tiersim::engine
