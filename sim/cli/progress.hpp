#pragma once
// A one-line progress indicator with ETA on stderr, shown only on a terminal.
#include <chrono>
#include <string>

namespace tiersim::cli {

class Progress {
 public:
  /// Enabled only if `enabled` and stderr is a terminal.
  Progress(std::string label, long total, bool enabled);
  ~Progress();
  void update(long done);
  void finish();

 private:
  std::string label_;
  long total_;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

/// "1h02m", "3m05s", "12s".
std::string format_duration(double seconds);

}  // namespace tiersim::cli
