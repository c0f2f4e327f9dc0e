// `tiersim sweep` and `tiersim merge` (docs/cli.md): signals, the plan, the outcome and the
// command that continues an interrupted sweep.
#include <sys/resource.h>

#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <functional>
#include <new>
#include <optional>
#include <string>

#include "sim/cli/app.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/progress.hpp"
#include "sim/core/error.hpp"
#include "sim/sweep/merge.hpp"
#include "sim/sweep/runner.hpp"
#include "sim/sweep/sweep.hpp"

namespace tiersim::cli {
namespace {

namespace fs = std::filesystem;

// Set by SIGINT/SIGTERM; polled between runs. A lock-free atomic is async-signal-safe.
std::atomic<bool> g_stop_requested{false};

extern "C" void on_stop_signal(int) { g_stop_requested.store(true); }

/// Catch SIGINT/SIGTERM while a sweep runs. SA_RESETHAND: a second Ctrl-C kills at once
/// (the in-progress file stays resumable).
class StopSignals {
 public:
  StopSignals() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = static_cast<int>(SA_RESETHAND);  // glibc defines it as 0x80000000u
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:+,") ==
                        std::string::npos) {
    return s;
  }
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// Prints (MPI rank 0 only) "tiersim: KIND: MESSAGE" and returns `code`.
using Report = std::function<int(int code, const std::string& message, const char* kind)>;

void print_plan(const SweepCommand& c, const sweep::Sweep& plan) {
  std::printf("%s: valid: %zu runs (%zu points x %d replicates x %zu scenarios), design %s\nsweep_hash %s\n",
              c.sweep_file.c_str(), plan.runs().size(), plan.points(), plan.config().replicates,
              plan.scenario_names().size(), std::string(sweep::kind_name(plan.config().kind)).c_str(),
              plan.hash().c_str());
}

void print_start(const SweepCommand& c, const sweep::Sweep& plan, const sweep::Shard& shard, const fs::path& out) {
  std::printf("sweep %s: %zu runs (%zu points x %d replicates x %zu scenarios)%s%s -> %s\n", c.sweep_file.c_str(),
              plan.runs().size(), plan.points(), plan.config().replicates, plan.scenario_names().size(),
              shard.active() ? ", shard " : "", shard.active() ? shard.text().c_str() : "", out.string().c_str());
  std::fflush(stdout);
}

/// The sweep file (named as find_config resolves it) with --seed and --set applied: they
/// become part of the sweep (its `sweep_yaml` and `sweep_hash`) as if the file said them.
sweep::SweepConfig load_sweep(const SweepCommand& c) {
  const std::string file = find_config(c.sweep_file, ConfigKind::sweep);
  sweep::SweepConfig cfg;
  try {
    cfg = sweep::load_sweep_config(file);
  } catch (const InputError& e) {
    rethrow_for_kind(e, file, ConfigKind::sweep);
  }
  if (!c.seed.empty()) {
    cfg.seed = seed_option(c.seed);
    cfg.seed_origin = config::Origin{"<command line> --seed " + c.seed, 0, 0};
  }
  for (const auto& set : c.sets) sweep::add_override(cfg, set);
  return cfg;
}

/// The command that continues this sweep, as the user would type it.
std::string resume_command(const SweepCommand& c, const fs::path& out, const sweep::Shard& shard,
                           const sweep::MpiSession* mpi, const std::string& program) {
  const bool distributed = mpi != nullptr && mpi->size() > 1;
  std::string options;  // the sweep is the same only with the same --seed and --set
  if (!c.seed.empty()) options += " --seed " + c.seed;
  for (const auto& set : c.sets) options += " --set " + shell_quote(set);
  return (distributed ? "mpirun -np " + std::to_string(mpi->size()) + " " : std::string()) + shell_quote(program) +
         " sweep " + shell_quote(c.sweep_file) + options + " -o " + shell_quote(out.string()) +
         (shard.active() ? " --shard " + shard.text() : "") + " --resume";
}

/// The first failed runs' messages, one per line.
std::string failed_runs(const sweep::SweepResult& r) {
  std::string errors;
  for (const auto& [run, message] : r.errors) errors += "\n  run " + std::to_string(run) + ": " + message;
  if (r.failed > r.errors.size()) errors += "\n  ... (" + std::to_string(r.failed - r.errors.size()) + " more)";
  return errors;
}

/// Wall and CPU time of this process since construction, to report a sweep's throughput.
class Stopwatch {
 public:
  Stopwatch() : wall_(std::chrono::steady_clock::now()), cpu_(cpu_seconds()) {}
  /// "in 5.2 s: 25.0 runs/s, 1.96 cores busy" for `runs` runs.
  std::string throughput(std::size_t runs) const {
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_).count();
    const double cpu = cpu_seconds() - cpu_;
    std::array<char, 96> buf{};
    std::snprintf(buf.data(), buf.size(), "in %.1f s: %.1f runs/s, %.2f cores busy", wall,
                  wall > 0 ? static_cast<double>(runs) / wall : 0.0, wall > 0 ? cpu / wall : 0.0);
    return buf.data();
  }

 private:
  static double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    const auto seconds = [](const timeval& t) {
      return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec);
    };
    return seconds(u.ru_utime) + seconds(u.ru_stime);
  }

  std::chrono::steady_clock::time_point wall_;
  double cpu_;
};

/// How a sweep that ran on this process ends: its exit code, and what it says.
int sweep_outcome(const sweep::SweepResult& r, const fs::path& out, const std::string& resume,
                  const std::string& program, bool quiet, const Report& report, const Stopwatch& clock) {
  switch (r.end) {
    case sweep::SweepEnd::already_complete:
      if (!quiet) std::printf("%s is already complete (%zu runs done); nothing to do\n", out.string().c_str(), r.done);
      return kExitOk;
    case sweep::SweepEnd::complete:
      if (!quiet) {
        std::printf("wrote %s (%zu runs, %zu run now %s)\n", out.string().c_str(), r.runs, r.ran,
                    clock.throughput(r.ran).c_str());
      }
      return kExitOk;
    case sweep::SweepEnd::finished_with_failures:
      return report(kExitFailure,
                    std::to_string(r.failed) + " of " + std::to_string(r.runs) +
                        " runs failed; the other runs are in " + out.string() +
                        " (run_status 2 marks the failed ones, run_error has their messages; see `" +
                        shell_quote(program) + " info " + shell_quote(out.string()) +
                        "`). After fixing the cause, re-run only them with: " + resume + failed_runs(r),
                    "error");
    case sweep::SweepEnd::stopped_on_failure:
      return report(kExitFailure,
                    "stopped after a failed run (on_failure: stop): " + std::to_string(r.done) + " done, " +
                        std::to_string(r.failed) + " failed, " + std::to_string(r.pending) +
                        " not run; results so far are in " + r.file.string() + ". Continue with: " + resume +
                        failed_runs(r),
                    "error");
    case sweep::SweepEnd::interrupted:
      return report(kExitInterrupted,
                    std::to_string(r.done) + " of " + std::to_string(r.runs) + " runs done, results so far in " +
                        r.file.string() + "; resume with: " + resume,
                    "interrupted");
    case sweep::SweepEnd::worker: break;
  }
  return kExitOk;
}

int run_sweep_command(const SweepCommand& c, const GlobalOptions& g, const std::string& program,
                      const std::string& cmdline, const engine::ModelCatalog& catalog, const sweep::MpiSession* mpi,
                      const Report& report) {
  const bool root = mpi == nullptr || mpi->rank() == 0;
  const sweep::Shard shard = c.shard.empty() ? sweep::Shard{} : sweep::parse_shard(c.shard);
  const fs::path out = c.output.empty() ? default_output(c.sweep_file) : fs::path(c.output);
  const sweep::Sweep plan = sweep::Sweep::build(load_sweep(c), catalog);
  if (c.dry_run) {
    if (root) print_plan(c, plan);
    return kExitOk;
  }
  if (c.output.empty() && root) fs::create_directories(out.parent_path());

  const StopSignals signals;
  g_stop_requested = false;
  std::optional<Progress> progress;  // sized when the runner knows what is left to do
  sweep::SweepOptions o;
  o.output = out;
  o.resume = c.resume;
  o.overwrite = c.overwrite;
  o.shard = shard;
  o.threads = g.threads;
  o.command = cmdline;
  o.mpi = mpi;
  o.stop_requested = [] { return g_stop_requested.load(); };
  o.on_progress = [&](std::size_t done, std::size_t todo) {
    if (!progress) progress.emplace("sweep", static_cast<long>(todo), !g.quiet && root);
    progress->update(static_cast<long>(done));
  };
  o.note = [&](const std::string& s) {
    if (!g.quiet) std::printf("%s\n", s.c_str());
  };
  if (!g.quiet && root) print_start(c, plan, shard, out);
  const std::string resume = resume_command(c, out, shard, mpi, program);
  std::optional<sweep::SweepResult> r;
  const Stopwatch clock;
  try {
    r = sweep::run_sweep(plan, o);
  } catch (const sweep::ResultsNotWritten& e) {
    if (progress) progress->finish();
    throw RuntimeFailure(std::string(e.what()) + ". When the cause is fixed (e.g. space freed on the disk), " +
                         "continue the sweep with: " + resume);
  }
  if (progress) progress->finish();
  if (r->end == sweep::SweepEnd::worker) return kExitOk;
  return sweep_outcome(*r, out, resume, program, g.quiet, report, clock);
}

}  // namespace

int cmd_sweep(const SweepCommand& c, const GlobalOptions& g, const std::string& program, const std::string& cmdline,
              const engine::ModelCatalog& catalog) {
  if (const auto why = sweep::launched_without_mpi(sweep::mpi_available(), sweep::launcher_size()); !why.empty()) {
    // Every process refuses; one says why.
    if (sweep::launcher_rank() == 0) std::fprintf(stderr, "tiersim: error: %s\n", why.c_str());
    return kExitBadInput;
  }
  const auto mpi = sweep::MpiSession::start_if_launched();
  const bool root = mpi == nullptr || mpi->rank() == 0;
  const bool distributed = mpi != nullptr && mpi->size() > 1;
  const Report report = [root](int code, const std::string& message, const char* kind) -> int {
    if (root) std::fprintf(stderr, "tiersim: %s: %s\n", kind, message.c_str());
    return code;
  };
  // An exception on one rank leaves the others waiting for it forever: end them all.
  auto fail = [&](int code, const std::string& message, const char* kind) -> int {
    report(code, message, kind);
    if (distributed) {
      std::fflush(stderr);
      mpi->abort(code);
    }
    return code;
  };
  try {
    return run_sweep_command(c, g, program, cmdline, catalog, mpi.get(), report);
  } catch (const InputError& e) {
    return fail(kExitBadInput, e.what(), "error");
  } catch (const std::bad_alloc&) {
    return fail(kExitFailure, kOutOfMemory, "failure");
  } catch (const std::exception& e) {
    return fail(kExitFailure, e.what(), "failure");
  }
}

int cmd_merge(const std::string& out, const std::vector<std::string>& shards, bool overwrite, bool quiet, int threads) {
  std::vector<fs::path> paths(shards.begin(), shards.end());
  const engine::Executor exec(threads);  // compression of the merged file within --threads
  const auto r = exec.run([&] { return sweep::merge_shards(out, paths, overwrite); });
  if (!quiet) {
    std::printf("wrote %s (%zu runs from %zu shards: %zu done, %zu failed)\n", out.c_str(), r.runs, shards.size(),
                r.done, r.failed);
  }
  if (r.failed == 0) return kExitOk;
  std::fprintf(stderr,
               "tiersim: error: %zu of %zu runs failed in the shards; their messages are in run_error (see "
               "`tiersim info %s`)\n",
               r.failed, r.runs, out.c_str());
  return kExitFailure;
}

}  // namespace tiersim::cli
