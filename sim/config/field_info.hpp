#pragma once
// What the engine knows about one configuration field besides its C++ type: unit, bounds,
// provenance. Every model parameter declares these (docs/developer-guide.md).
#include <limits>
#include <optional>
#include <string_view>

namespace tiersim::config {

struct FieldInfo {
  std::string_view unit = {};                ///< e.g. "H100e/month", "USD", "1" (dimensionless), "" (not a quantity)
  std::string_view doc = {};                 ///< one line: what it is
  std::string_view source = {};              ///< short citation, "assumption", or "" for engine settings
  std::optional<double> min = std::nullopt;  ///< inclusive lower bound
  std::optional<double> max = std::nullopt;  ///< inclusive upper bound
  bool min_exclusive = false;
  bool max_exclusive = false;
};

/// Engine settings (seed, paths...) that are not model quantities.
inline constexpr std::string_view kNoSource = "";

}  // namespace tiersim::config
