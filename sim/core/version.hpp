#pragma once
#include <string_view>

namespace tiersim {
/// Semantic version of tiersim (from CMake's project()).
std::string_view version();
/// git SHA of the source tree at build time, "-dirty" if it had uncommitted changes,
/// "unknown" outside a git checkout.
std::string_view git_sha();
}  // namespace tiersim
