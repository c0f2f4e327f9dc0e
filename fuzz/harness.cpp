#include "fuzz/harness.hpp"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>

#include "models/diffusion/country_table.hpp"
#include "models/register.hpp"
#include "sim/config/schema.hpp"
#include "sim/config/yaml_loader.hpp"
#include "sim/core/error.hpp"
#include "sim/engine/run_config.hpp"
#include "sim/engine/simulation.hpp"

namespace tiersim::fuzz {
namespace {

/// A broken promise of a loader that did not throw: a finding, like a crash (libFuzzer
/// reports the uncaught exception; the regression test shows its message).
[[noreturn]] void finding(const std::string& what) { throw Finding("fuzz finding: " + what); }

const engine::ModelCatalog& models() {
  static const engine::ModelCatalog catalog = models::catalog();
  return catalog;
}

/// Only InputError is an expected outcome; anything else escapes to the caller (libFuzzer
/// reports an uncaught exception as a crash; the regression test fails).
template <class F>
void expect_input_error_only(F&& f) {
  try {
    f();
  } catch (const InputError&) {
  }
}

void check_round_trip(const config::Node& resolved, const engine::ModelType& type) {
  const std::string text = config::to_yaml(resolved);
  config::Node again;
  try {
    again = type.resolve(config::parse_yaml(text, "<resolved>"));
  } catch (const InputError& e) {
    finding("model '" + type.name + "': its resolved parameters do not resolve again: " + e.what() + "\n" + text);
  }
  if (config::to_yaml(again) != text) {
    finding("model '" + type.name + "': resolving the resolved parameters changed them:\n" + text + "---\n" +
            config::to_yaml(again));
  }
}

}  // namespace

void check_config(std::string_view bytes) {
  const std::string text(bytes);
  config::Node root;
  try {
    root = config::parse_yaml(text, "<fuzz>");
  } catch (const InputError&) {
    return;
  }
  // The engine's part.
  expect_input_error_only([&] {
    engine::RunConfig run;
    config::decode(root, run);
  });
  // Every model's parameters: from `params:` if the input has it, else the whole input.
  const config::Node* params = root.is_map() ? root.find("params") : nullptr;
  const config::Node& p = params != nullptr ? *params : root;
  for (const auto& type : models().all()) {
    expect_input_error_only([&] {
      if (!p.is_map() && !p.is_null()) return;  // resolve_config only ever passes a mapping
      const config::Node resolved = type.resolve(p.is_null() ? config::Node::map(p.origin()) : p);
      check_round_trip(resolved, type);
    });
  }
  // The whole config as `tiersim validate` decodes it (no data files are read here).
  expect_input_error_only([&] {
    const engine::ResolvedConfig cfg = engine::resolve_config(root, models(), std::filesystem::path("."));
    (void)cfg.to_yaml();
  });
}

void check_country_table(std::string_view bytes) {
  // One file per process, rewritten for each input.
  static const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("tiersim-fuzz-countries-" + std::to_string(::getpid()) + ".csv");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("fuzz harness: cannot write " + path.string());
  }
  // Removed once read, whatever happens (a fuzzing session runs millions of inputs).
  struct RemoveAfter {
    const std::filesystem::path& p;
    ~RemoveAfter() {
      std::error_code ec;
      std::filesystem::remove(p, ec);
    }
  } remove_after{path};
  models::diffusion::CountryTable table;
  try {
    table = models::diffusion::load_country_table(path);
  } catch (const InputError&) {
    return;
  }
  if (table.rows.empty()) finding("a country table without rows loaded");
  std::set<std::string> seen;
  for (const auto& r : table.rows) {
    if (r.iso3.size() != 3) finding("ISO3 code '" + r.iso3 + "' is not three letters");
    for (const char c : r.iso3) {
      if (c < 'A' || c > 'Z') finding("ISO3 code '" + r.iso3 + "' is not upper-case letters");
    }
    if (!seen.insert(r.iso3).second) finding("duplicate ISO3 code '" + r.iso3 + "' loaded");
    if (r.region.empty()) finding(r.iso3 + ": empty region loaded");
    if (!(std::isfinite(r.gdp_usd) && r.gdp_usd > 0)) finding(r.iso3 + ": GDP not positive and finite");
    if (!(std::isfinite(r.population) && r.population > 0)) finding(r.iso3 + ": population not positive and finite");
    if (r.tier_2025 < 1 || r.tier_2025 > 3) finding(r.iso3 + ": tier outside 1..3");
    if (r.notable_ai_demand && !(std::isfinite(*r.notable_ai_demand) && *r.notable_ai_demand >= 0)) {
      finding(r.iso3 + ": negative or non-finite demand loaded");
    }
    if (table.index_of(r.iso3) < 0) finding(r.iso3 + ": index_of does not find a loaded code");
  }
}

}  // namespace tiersim::fuzz
