#pragma once
// How tiersim's names and units become CF-1.8 ones in a result file (docs/output-format.md,
// "CF conventions"): variable names of letters, digits and '_' only; units that UDUNITS
// parses, counted things (H100e, USD, countries, buyers, ...) being dimensionless; labels
// that are all integers as a numeric coordinate.
#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tiersim::output::cf {

/// A config path as a CF variable name: every character but letters, digits and '_'
/// becomes '_' (`params.china.export_share` -> `params_china_export_share`).
inline std::string variable_name(std::string_view path) {
  std::string name(path);
  for (char& c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_') c = '_';
  }
  if (name.empty() || std::isalpha(static_cast<unsigned char>(name.front())) == 0) name.insert(0, "v");
  return name;
}

namespace detail {

/// Words of a tiersim unit that count things: dimensionless for UDUNITS.
inline bool is_count_word(std::string_view w) {
  for (std::string_view c : {"H100e",  "USD",     "country",   "countries", "buyer", "buyers", "agent",
                             "agents", "adopter", "adopters",  "util",      "utils", "risk",   "unit",
                             "units",  "history", "histories", "share",     "chip",  "chips",  "1"}) {
    if (w == c) return true;
  }
  return false;
}

/// The UDUNITS spelling of a time word ("quarter" is not a UDUNITS unit).
inline std::string time_word(std::string_view w) {
  if (w == "month" || w == "months") return "month";
  if (w == "year" || w == "years") return "year";
  if (w == "quarter" || w == "quarters") return "(3 month)";
  return {};
}

/// Index just past the `log(...)` group that starts at i (nested parentheses allowed).
inline std::size_t skip_group(std::string_view part, std::size_t i) {
  int depth = 0;
  for (; i < part.size(); ++i) {
    if (part[i] == '(') ++depth;
    if (part[i] == ')' && --depth == 0) break;
  }
  return i + 1;
}

inline bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

/// Adds `sign` to the power of `unit` (first appearance keeps the order).
inline void add_power(std::vector<std::pair<std::string, int>>& powers, const std::string& unit, int sign) {
  for (auto& [name, power] : powers) {
    if (name == unit) {
      power += sign;
      return;
    }
  }
  powers.emplace_back(unit, sign);
}

/// Adds the words of `part` with `sign` to `powers`; `log(...)` groups are dimensionless
/// and skipped, count words too.
inline void add_words(std::string_view part, int sign, std::vector<std::pair<std::string, int>>& powers) {
  std::size_t i = 0;
  while (i < part.size()) {
    if (part.substr(i, 4) == "log(") {
      i = skip_group(part, i);
      continue;
    }
    if (std::isalnum(static_cast<unsigned char>(part[i])) == 0) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < part.size() && is_word_char(part[end])) ++end;
    const std::string_view word = part.substr(i, end - i);
    i = end;
    if (is_count_word(word)) continue;
    const std::string unit = time_word(word);
    add_power(powers, unit.empty() ? std::string(word) : unit, sign);  // unknown: left for UDUNITS to judge
  }
}

}  // namespace detail

/// The UDUNITS form of a tiersim unit: "H100e/month" -> "month-1", "USD/H100e" -> "1",
/// "1/quarter" -> "(3 month)-1", "utils per log(share)" -> "1". "" stays "" (not a quantity).
inline std::string units(std::string_view unit) {
  if (unit.empty()) return {};
  std::string_view num = unit, den;
  if (const auto per = unit.find(" per "); per != std::string_view::npos) {
    num = unit.substr(0, per);
    den = unit.substr(per + 5);
  } else if (const auto slash = unit.find('/'); slash != std::string_view::npos) {
    num = unit.substr(0, slash);
    den = unit.substr(slash + 1);
  }
  std::vector<std::pair<std::string, int>> powers;
  detail::add_words(num, +1, powers);
  detail::add_words(den, -1, powers);
  std::string out;
  for (const auto& [name, power] : powers) {
    if (power == 0) continue;
    out += (out.empty() ? "" : " ") + name + (power == 1 ? "" : std::to_string(power));
  }
  return out.empty() ? "1" : out;
}

/// The labels as integers if every one is a plain decimal integer ("1", "-2"; not "01"),
/// so that the coordinate is numeric (`sel(tier=2)`); nullopt otherwise.
inline std::optional<std::vector<std::int64_t>> integer_labels(const std::vector<std::string>& labels) {
  if (labels.empty()) return std::nullopt;
  std::vector<std::int64_t> values;
  for (const std::string& s : labels) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || std::to_string(v) != s) return std::nullopt;
    values.push_back(v);
  }
  return values;
}

}  // namespace tiersim::output::cf
