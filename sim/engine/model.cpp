#include "sim/engine/model.hpp"

#include "sim/config/suggest.hpp"
#include "sim/core/error.hpp"

namespace tiersim::engine {

namespace {

/// Written in the config file the user gave (`root`'s file) or on the command line.
bool in_users_config(const config::Origin& at, const config::Node& root) {
  return at.file == root.origin().file || at.file.rfind("<command line>", 0) == 0;
}

}  // namespace

std::string ModelContext::where(std::string_view key) const {
  const std::string path = ": key 'params." + std::string(key) + "'";
  if (params_node == nullptr) return (config_root != nullptr ? config_root->origin().describe() : "<defaults>") + path;
  const std::vector<const config::Node*> trail = params_node->trail(key);
  if (written(key) || config_root == nullptr) return trail.back()->origin().describe() + path;
  for (auto it = trail.rbegin(); it != trail.rend(); ++it) {
    if (in_users_config((*it)->origin(), *config_root)) return (*it)->origin().describe() + path;
  }
  return config_root->origin().describe() + path;
}

bool ModelContext::written(std::string_view key) const {
  return params_node != nullptr && params_node->find_path(key) != nullptr;
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
