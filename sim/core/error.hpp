#pragma once
// Error types that cross the engine's boundary. The CLI maps them to exit codes
// (docs/cli.md): InputError -> 2 (the user can fix their input), anything else -> 1.
#include <stdexcept>
#include <string>

namespace tiersim {

/// Bad input: config, data files, command-line arguments, result files given as input.
/// The message is complete and actionable ("file:line:col: key 'a.b': ...").
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A failure while running (I/O error on output, numerical failure, ...).
class RuntimeFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace tiersim
