#pragma once
// What the fuzz targets check, shared with the regression test of the normal build
// (tests/robustness/test_fuzz_regressions.cpp), so that every input the fuzzer ever
// found is re-checked by `ctest` without clang or libFuzzer.
//
// Contract under test: hostile bytes make the loaders throw tiersim::InputError (exit code
// 2, one message) and nothing else. Any other exception, a crash or a sanitizer report is
// a finding. Inputs that load must also satisfy the loader's documented guarantees.
#include <stdexcept>
#include <string_view>

namespace tiersim::fuzz {

/// Thrown when an input that loaded breaks a documented guarantee.
class Finding : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// Bytes as a run config: config::parse_yaml, then the engine's RunConfig decoder, then
/// every model's parameter decoder (the catalog's `resolve`), and a round trip of what
/// resolved (the resolved YAML must resolve to itself, as `--print-config` promises).
void check_config(std::string_view bytes);

/// Bytes as a country table (written to a temporary file) through
/// models::diffusion::load_country_table; a table that loads must hold what the loader
/// promises (unique upper-case ISO3 codes, tiers 1..3, positive finite GDP, ...).
void check_country_table(std::string_view bytes);

}  // namespace tiersim::fuzz
