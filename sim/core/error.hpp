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

/// Memory ran out (std::bad_alloc) while a run was built or ran; the message says what was
/// large and what to make smaller (engine::Simulation).
class OutOfMemory : public RuntimeFailure {
 public:
  using RuntimeFailure::RuntimeFailure;
};

}  // namespace tiersim
