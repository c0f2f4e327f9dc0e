#include "sim/config/suggest.hpp"

#include <algorithm>
#include <utility>

namespace tiersim::config {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string nearest_key(std::string_view key, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = std::string::npos;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(key, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  // A suggestion is only helpful if it is plausibly a typo: at most a third of the letters.
  const std::size_t limit = std::max<std::size_t>(2, key.size() / 3);
  return best_d <= limit ? best : std::string();
}

std::string list_names(const std::vector<std::string>& names) {
  std::string all;
  for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
  return all;
}

Suggestion::Suggestion(std::string_view name, std::vector<std::string> candidates)
    : candidates_(std::move(candidates)), guess_(nearest_key(name, candidates_)) {}

std::string Suggestion::did_you_mean(std::string_view prefix) const {
  if (guess_.empty()) return "";
  const std::string full = prefix.empty() ? guess_ : std::string(prefix) + "." + guess_;
  return "; did you mean '" + full + "'?";
}

std::string Suggestion::aside() const { return guess_.empty() ? "" : " (did you mean '" + guess_ + "'?)"; }

std::string Suggestion::hint(std::string_view label, std::string_view prefix) const {
  return did_you_mean(prefix) + " (" + std::string(label) + ": " + listed() + ")";
}

}  // namespace tiersim::config
