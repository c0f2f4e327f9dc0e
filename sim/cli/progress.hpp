#pragma once
// Progress with ETA on stderr. On a terminal: one line redrawn in place. Otherwise (batch
// jobs, `> log 2>&1`, nohup, notebook cells): a plain line every TIERSIM_PROGRESS_INTERVAL
// seconds (default 30; 0 logs every update) and, if any was written, one when finished, so
// that a log shows how far a long sweep got and when it will end.
#include <chrono>
#include <string>

namespace tiersim::cli {

class Progress {
 public:
  /// Shows nothing unless `enabled`; whether stderr is a terminal picks the style.
  Progress(std::string label, long total, bool enabled);
  ~Progress();
  void update(long done);
  void finish();

 private:
  enum class Style { off, terminal, log };
  void draw(long done, std::chrono::steady_clock::time_point now);
  void log(long done, std::chrono::steady_clock::time_point now);

  std::string label_;
  long total_;
  Style style_;
  bool finished_ = false;
  bool logged_ = false;  // a log line was written
  long done_ = 0;
  std::chrono::duration<double> log_interval_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_output_;
};

/// "1h02m", "3m05s", "12s".
std::string format_duration(double seconds);

/// Seconds between log lines: TIERSIM_PROGRESS_INTERVAL if it is a number >= 0, else 30
/// (with a warning on stderr for a value that is not).
double progress_log_interval();

}  // namespace tiersim::cli
