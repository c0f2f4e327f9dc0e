#include "sim/cli/progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace tiersim::cli {
namespace {

constexpr double k_default_log_interval = 30.0;

double seconds_since(std::chrono::steady_clock::time_point then, std::chrono::steady_clock::time_point now) {
  return std::chrono::duration<double>(now - then).count();
}

}  // namespace

std::string format_duration(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  } else if (s >= 60) {
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lds", s);
  }
  return buf;
}

double progress_log_interval() {
  const char* text = std::getenv("TIERSIM_PROGRESS_INTERVAL");
  if (text == nullptr || *text == '\0') return k_default_log_interval;
  char* end = nullptr;
  const double value = std::strtod(text, &end);
  if (end == text || *end != '\0' || !std::isfinite(value) || value < 0) {
    std::fprintf(stderr, "tiersim: warning: TIERSIM_PROGRESS_INTERVAL='%s' is not a number of seconds >= 0; using %g\n",
                 text, k_default_log_interval);
    return k_default_log_interval;
  }
  return value;
}

Progress::Progress(std::string label, long total, bool enabled)
    : label_(std::move(label)),
      total_(total),
      style_(!enabled                     ? Style::off
             : isatty(STDERR_FILENO) == 1 ? Style::terminal
                                          : Style::log),
      log_interval_(style_ == Style::log ? progress_log_interval() : 0.0),
      start_(std::chrono::steady_clock::now()),
      last_output_(start_) {}

Progress::~Progress() { finish(); }

void Progress::update(long done) {
  if (style_ == Style::off || finished_) return;
  done_ = done;
  const auto now = std::chrono::steady_clock::now();
  if (style_ == Style::terminal) {
    // Redraw at most ten times a second: a terminal is slower than the simulation.
    if (done < total_ && now - last_output_ < std::chrono::milliseconds(100)) return;
    draw(done, now);
  } else if (done > 0 && now - last_output_ >= log_interval_) {
    log(done, now);
  }
}

void Progress::draw(long done, std::chrono::steady_clock::time_point now) {
  last_output_ = now;
  const double elapsed = seconds_since(start_, now);
  const double frac = total_ > 0 ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  const std::string eta = done > 0 ? format_duration(elapsed * (1.0 - frac) / frac) : "?";
  std::fprintf(stderr, "\r\033[K%s %ld/%ld (%3.0f%%)  elapsed %s  ETA %s", label_.c_str(), done, total_, 100.0 * frac,
               format_duration(elapsed).c_str(), eta.c_str());
  std::fflush(stderr);
}

void Progress::log(long done, std::chrono::steady_clock::time_point now) {
  last_output_ = now;
  const double elapsed = seconds_since(start_, now);
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
  const double frac = total_ > 0 ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  const std::string eta = rate > 0 ? format_duration(static_cast<double>(total_ - done) / rate) : "?";
  // Whole lines, flushed: a log is read while the job runs.
  std::fprintf(stderr, "%s: %ld/%ld done (%.0f%%), %.*f per second, elapsed %s, ETA %s\n", label_.c_str(), done, total_,
               100.0 * frac, rate >= 10 ? 0 : 2, rate, format_duration(elapsed).c_str(), eta.c_str());
  logged_ = true;
  std::fflush(stderr);
}

void Progress::finish() {
  if (style_ == Style::off || finished_) return;
  finished_ = true;
  if (style_ == Style::terminal) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    return;
  }
  // A job that ended before its first log line leaves the log alone: its own summary says it all.
  if (!logged_) return;
  const auto now = std::chrono::steady_clock::now();
  std::fprintf(stderr, "%s: %ld/%ld done in %s\n", label_.c_str(), done_, total_,
               format_duration(seconds_since(start_, now)).c_str());
  std::fflush(stderr);
}

}  // namespace tiersim::cli
