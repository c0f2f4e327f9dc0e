#pragma once
// "Did you mean" for names that are not among the valid ones: unknown keys, models,
// variables, choices. Every such message suggests at most one plausible typo and lists
// what is valid, worded the same way everywhere.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tiersim::config {

/// Levenshtein distance, for "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);
/// The closest candidate within a sensible distance, or "" if none is close.
std::string nearest_key(std::string_view key, const std::vector<std::string>& candidates);
/// Names for a message, in the given order: "a, b, c".
std::string list_names(const std::vector<std::string>& names);

/// The help an error message gives for `name`, which is not among `candidates`.
class Suggestion {
 public:
  Suggestion(std::string_view name, std::vector<std::string> candidates);

  /// The nearest candidate (nearest_key), or "" if none is close enough to be a typo.
  const std::string& guess() const { return guess_; }
  /// Every candidate: list_names(candidates).
  std::string listed() const { return list_names(candidates_); }
  /// "; did you mean 'GUESS'?", with "PREFIX." before GUESS if `prefix` is not empty; ""
  /// without a guess.
  std::string did_you_mean(std::string_view prefix = {}) const;
  /// " (did you mean 'GUESS'?)", or "" without a guess: for messages that list first.
  std::string aside() const;
  /// The usual end of an "unknown NAME" message:
  /// did_you_mean(prefix) + " (LABEL: " + listed() + ")".
  std::string hint(std::string_view label = "available", std::string_view prefix = {}) const;

 private:
  std::vector<std::string> candidates_;
  std::string guess_;
};

}  // namespace tiersim::config
