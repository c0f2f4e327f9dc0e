#pragma once
// The tiersim command line. Exit codes (docs/cli.md):
//   0 success, 1 runtime failure, 2 bad input (config, data, arguments), 130 interrupted.
#include "sim/engine/model.hpp"

namespace tiersim::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInterrupted = 130;

int run_app(int argc, char** argv, const engine::ModelCatalog& catalog);

}  // namespace tiersim::cli
