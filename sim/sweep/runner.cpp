#include "sim/sweep/runner.hpp"

#include <tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>

#include "sim/core/error.hpp"
#include "sim/engine/executor.hpp"
#include "sim/output/result_file.hpp"
#include "sim/output/result_reader.hpp"
#include "sim/sweep/file_lock.hpp"

#ifdef TIERSIM_WITH_MPI
#include <mpi.h>
#endif

namespace tiersim::sweep {
namespace {

namespace fs = std::filesystem;
using output::RunStatus;

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

constexpr std::size_t kErrorsShown = 5;

/// What one run produced: data, or the message of the exception that ended it.
struct RunOutcome {
  bool ok = false;
  output::RunData data;
  std::string error;
};

std::string layout_difference(const output::Layout& want, const output::Layout& got) {
  for (const auto& d : got.dims) {
    const auto it = std::find_if(want.dims.begin(), want.dims.end(), [&](const auto& w) { return w.name == d.name; });
    if (it == want.dims.end()) return "it has dimension '" + d.name + "', which run 0 does not";
    if (it->size() != d.size() || it->labels != d.labels || it->steps != d.steps) {
      return "dimension '" + d.name + "' has " + std::to_string(d.size()) + " entries, " +
             std::to_string(it->size()) + " in run 0";
    }
  }
  if (got.start != want.start) return "its calendar starts at " + got.start.to_string() + ", run 0's at " +
                                      want.start.to_string();
  return "its output variables differ from run 0's";
}

/// Build, check and run one simulation. Never throws: a failure is the run's result.
RunOutcome execute_run(const Sweep& sweep, std::size_t run, const output::Layout& layout,
                       const engine::Executor& exec) {
  RunOutcome out;
  try {
    const engine::ResolvedConfig cfg = sweep.resolve_run(run);
    engine::Simulation sim(cfg, 0, exec);
    if (!(sim.layout() == layout)) {
      // The file's shape is fixed before the first run; a parameter that changes the
      // output's dimensions (e.g. the number of markets recorded at native level) cannot
      // share it.
      throw InputError("the output of this run does not fit the sweep's file: " +
                       layout_difference(layout, sim.layout()) +
                       "; record such outputs at a level that does not depend on the swept parameters "
                       "(e.g. level: world)");
    }
    out.data = sim.run();
    out.ok = true;
  } catch (const std::exception& e) {
    out.error = e.what();
  } catch (...) {
    out.error = "unknown error";
  }
  return out;
}

/// The file layout: that of run 0 (every shard and rank computes the same).
output::Layout reference_layout(const Sweep& sweep, const engine::Executor& exec) {
  const engine::ResolvedConfig cfg = sweep.resolve_run(0);
  const engine::Simulation sim(cfg, 0, exec);
  return sim.layout();
}

// ---- MPI protocol -------------------------------------------------------------------------
// Worker -> 0: kReady (empty) once, then kResult after each run. 0 -> worker: kRun (the
// run index) or kStop. A result is [u64 run][u8 ok] then the data (doubles) or the message.

#ifdef TIERSIM_WITH_MPI
constexpr int kTagReady = 1;
constexpr int kTagRun = 2;
constexpr int kTagStop = 3;
constexpr int kTagResult = 4;

std::vector<char> pack(std::size_t run, const RunOutcome& o) {
  std::size_t bytes = 9;
  if (o.ok) {
    for (const auto& v : o.data.vars) bytes += v.size() * sizeof(double);
    bytes += o.data.summaries.size() * sizeof(double);
  } else {
    bytes += o.error.size();
  }
  std::vector<char> buf(bytes);
  const auto r = static_cast<std::uint64_t>(run);
  std::memcpy(buf.data(), &r, 8);
  buf[8] = o.ok ? 1 : 0;
  char* p = buf.data() + 9;
  auto put = [&p](const void* data, std::size_t n) {
    if (n > 0) std::memcpy(p, data, n);
    p += n;
  };
  if (o.ok) {
    for (const auto& v : o.data.vars) put(v.data(), v.size() * sizeof(double));
    put(o.data.summaries.data(), o.data.summaries.size() * sizeof(double));
  } else {
    put(o.error.data(), o.error.size());
  }
  return buf;
}

std::pair<std::size_t, RunOutcome> unpack(const std::vector<char>& buf, const output::Layout& layout) {
  std::uint64_t run = 0;
  std::memcpy(&run, buf.data(), 8);
  RunOutcome o;
  o.ok = buf[8] == 1;
  const char* p = buf.data() + 9;
  if (!o.ok) {
    o.error.assign(p, buf.data() + buf.size());
    return {static_cast<std::size_t>(run), std::move(o)};
  }
  std::size_t expected = layout.summaries.size();
  for (const auto& v : layout.vars) expected += v.size();
  if (buf.size() - 9 != expected * sizeof(double)) {
    throw RuntimeFailure("MPI: run " + std::to_string(run) + ": result has the wrong size");
  }
  for (const auto& v : layout.vars) {
    std::vector<double> values(v.size());
    std::memcpy(values.data(), p, v.size() * sizeof(double));
    p += v.size() * sizeof(double);
    o.data.vars.push_back(std::move(values));
  }
  o.data.summaries.resize(layout.summaries.size());
  std::memcpy(o.data.summaries.data(), p, layout.summaries.size() * sizeof(double));
  return {static_cast<std::size_t>(run), std::move(o)};
}

void worker_loop(const Sweep& sweep, const output::Layout& layout, const engine::Executor& exec) {
  MPI_Send(nullptr, 0, MPI_BYTE, 0, kTagReady, MPI_COMM_WORLD);
  for (;;) {
    std::uint64_t run = 0;
    MPI_Status status;
    MPI_Recv(&run, 1, MPI_UINT64_T, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
    if (status.MPI_TAG == kTagStop) return;
    const RunOutcome o = exec.run([&] { return execute_run(sweep, static_cast<std::size_t>(run), layout, exec); });
    const std::vector<char> buf = pack(static_cast<std::size_t>(run), o);
    MPI_Send(buf.data(), static_cast<int>(buf.size()), MPI_BYTE, 0, kTagResult, MPI_COMM_WORLD);
  }
}
#endif

/// Runs `todo` and hands each outcome to `record` (called under a lock, in completion order).
/// Returns when everything ran or `stop()` says so; in-flight runs always finish.
void run_all(const Sweep& sweep, const std::vector<std::size_t>& todo, const output::Layout& layout,
             const engine::Executor& exec, const SweepOptions& options, const std::function<bool()>& stop,
             const std::function<void(std::size_t, RunOutcome&&)>& record) {
#ifdef TIERSIM_WITH_MPI
  if (options.mpi != nullptr && options.mpi->size() > 1) {
    // Rank 0: dynamic load balancing, one run at a time per worker.
    std::size_t next = 0;
    int active = options.mpi->size() - 1;
    while (active > 0) {
      MPI_Status status;
      MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
      int bytes = 0;
      MPI_Get_count(&status, MPI_BYTE, &bytes);
      std::vector<char> buf(static_cast<std::size_t>(std::max(bytes, 0)));
      MPI_Recv(buf.data(), bytes, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (status.MPI_TAG == kTagResult) {
        auto [run, outcome] = unpack(buf, layout);
        record(run, std::move(outcome));
      }
      if (next < todo.size() && !stop()) {
        const auto run = static_cast<std::uint64_t>(todo[next++]);
        MPI_Send(&run, 1, MPI_UINT64_T, status.MPI_SOURCE, kTagRun, MPI_COMM_WORLD);
      } else {
        const std::uint64_t none = 0;
        MPI_Send(&none, 1, MPI_UINT64_T, status.MPI_SOURCE, kTagStop, MPI_COMM_WORLD);
        --active;
      }
    }
    return;
  }
#endif
  (void)options;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> halt{false};
  std::mutex record_mutex;
  // Runs start in plan order (a shared counter, not a split range), so an interrupted sweep
  // has done a prefix of its runs, give or take the ones in flight.
  auto worker = [&] {
    try {
      while (!halt.load()) {
        if (stop()) {
          halt = true;
          break;
        }
        const std::size_t i = next.fetch_add(1);
        if (i >= todo.size()) break;
        RunOutcome outcome = execute_run(sweep, todo[i], layout, exec);
        const std::lock_guard<std::mutex> lock(record_mutex);
        record(todo[i], std::move(outcome));
      }
    } catch (...) {
      halt = true;  // an I/O error writing results: stop the others, then rethrow
      throw;
    }
  };
  const std::size_t workers = std::min<std::size_t>(static_cast<std::size_t>(exec.threads()), todo.size());
  exec.run([&] {
    tbb::task_group group;
    const engine::HandOver handover;  // no-op unless built with ThreadSanitizer
    for (std::size_t w = 0; w < workers; ++w) {
      group.run([&] {
        handover.begin();
        worker();
        handover.end();
      });
    }
    group.wait();
    handover.joined();
  });
}

}  // namespace

Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  Shard s;
  auto parse = [&](std::string_view part, std::size_t& out) {
    const auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
    return ec == std::errc{} && p == part.data() + part.size() && !part.empty();
  };
  const std::string_view all(text);
  if (slash == std::string::npos || !parse(all.substr(0, slash), s.index) || !parse(all.substr(slash + 1), s.count) ||
      s.count == 0 || s.index >= s.count) {
    throw InputError("--shard " + text + ": expected i/N with 0 <= i < N, e.g. --shard 0/4");
  }
  return s;
}

fs::path incomplete_path(const fs::path& output) {
  fs::path p = output;
  p += ".incomplete";
  return p;
}

fs::path lock_path(const fs::path& output) {
  fs::path p = output;
  p += ".lock";
  return p;
}

void check_sweep_file(const fs::path& file, const Sweep& sweep, const Shard& shard) {
  const output::ResultReader f = output::ResultReader::open(file);
  const auto hash = f.sweep_hash();
  if (!hash) {
    throw InputError(quoted(file) + ": not a sweep result (no '" + output::schema::kSweepHash +
                     "' attribute); refusing to touch it");
  }
  if (*hash != sweep.hash()) {
    throw InputError(quoted(file) + ": was written by a different sweep (sweep_hash " + hash->substr(0, 12) +
                     "..., this sweep " + sweep.hash().substr(0, 12) +
                     "...): the sweep file, its run configs or their parameters changed. Use another output, or "
                     "--overwrite to start again");
  }
  const std::string want = shard.active() ? shard.text() : std::string();
  const std::string have = f.shard().value_or("");
  if (want != have) {
    throw InputError(quoted(file) + ": holds " + (have.empty() ? "the whole sweep" : "shard " + have) +
                     ", not " + (want.empty() ? "the whole sweep" : "shard " + want));
  }
  if (f.runs() != sweep.runs().size()) {
    throw InputError(quoted(file) + ": its run dimension does not match the sweep's plan");
  }
}

SweepResult run_sweep(const Sweep& sweep, const SweepOptions& options) {
  const engine::Executor exec(options.threads);
  const bool is_worker = options.mpi != nullptr && options.mpi->size() > 1 && options.mpi->rank() > 0;
  SweepResult result;
  std::vector<std::size_t> mine;
  for (std::size_t r = 0; r < sweep.runs().size(); ++r) {
    if (options.shard.owns(r)) mine.push_back(r);
  }
  result.runs = mine.size();
  auto note = [&](const std::string& s) {
    if (options.note) options.note(s);
  };
  auto stop_requested = [&] { return options.stop_requested && options.stop_requested(); };

  if (is_worker) {
#ifdef TIERSIM_WITH_MPI
    const output::Layout layout = reference_layout(sweep, exec);
    worker_loop(sweep, layout, exec);
#endif
    result.end = SweepEnd::worker;
    return result;
  }

  const fs::path out = options.output;
  const fs::path incomplete = incomplete_path(out);
  const FileLock lock = FileLock::acquire(lock_path(out), out);
  std::error_code ec;
  const bool out_exists = fs::exists(out, ec);
  const bool incomplete_exists = fs::exists(incomplete, ec);
  bool replace_out = options.overwrite;

  enum class Start { fresh, resume_incomplete, expand_out } start = Start::fresh;
  if (options.resume) {
    if (incomplete_exists) {
      check_sweep_file(incomplete, sweep, options.shard);
      start = Start::resume_incomplete;
      // A previous session may have died between writing `out` and removing `.incomplete`
      // (or re-opened a finished sweep to re-run failures): `out` is then this sweep's.
      if (out_exists) {
        check_sweep_file(out, sweep, options.shard);
        replace_out = true;
      }
    } else if (out_exists) {
      check_sweep_file(out, sweep, options.shard);
      const output::ResultReader f = output::ResultReader::open(out);
      if (!f.is_complete()) {
        throw InputError(quoted(out) + ": is not complete and there is no " + quoted(incomplete) + " to resume");
      }
      const auto status = f.statuses();
      const bool any_failed = std::any_of(mine.begin(), mine.end(),
                                          [&](std::size_t r) { return status[r] == RunStatus::failed; });
      if (!any_failed) {
        result.end = SweepEnd::already_complete;
        result.done = mine.size();
        result.file = out;
        return result;
      }
      start = Start::expand_out;
      replace_out = true;
    } else {
      note("nothing to resume at " + out.string() + ": starting the sweep");
    }
  } else if ((out_exists || incomplete_exists) && !options.overwrite) {
    const fs::path existing = incomplete_exists ? incomplete : out;
    throw InputError(quoted(existing) + ": already exists; use --resume to continue " +
                     (incomplete_exists ? "this interrupted sweep" : "(or check) this sweep") +
                     ", or --overwrite to start again");
  }

  const output::Layout layout = reference_layout(sweep, exec);
  std::optional<output::ResultFile> file;
  if (start == Start::fresh) {
    if (options.overwrite) {
      // --overwrite discards the old results now: an `out` left from another sweep next to
      // this sweep's `.incomplete` would block --resume later.
      fs::remove(incomplete, ec);
      fs::remove(out, ec);
    }
    const engine::ResolvedConfig cfg0 = sweep.resolve_run(0);
    output::Provenance prov{cfg0.run.model, cfg0.to_yaml(), static_cast<std::uint64_t>(sweep.config().seed),
                            exec.threads(), 1, options.command};
    prov.processes = options.mpi != nullptr ? options.mpi->size() : 1;
    const auto plan = sweep.planned_runs();
    file.emplace(output::ResultFile::create_incomplete(incomplete, layout, plan, prov,
                                                       sweep.describe(options.shard.active() ? options.shard.text() : ""),
                                                       false));
  } else {
    if (start == Start::expand_out) {
      note("re-running the failed runs of " + out.string());
      output::ResultFile::expand(out, incomplete);
    }
    file.emplace(output::ResultFile::open_incomplete(incomplete, layout));
  }

  const auto before = file->statuses();
  std::vector<std::size_t> todo;
  for (const std::size_t r : mine) {
    if (before[r] != RunStatus::done) todo.push_back(r);
  }
  if (start != Start::fresh) {
    note("resuming: " + std::to_string(mine.size() - todo.size()) + " of " + std::to_string(mine.size()) +
         " runs already done");
  }

  bool failure_stop = false;
  std::size_t finished = 0;
  const bool stop_on_failure = sweep.config().on_failure == FailurePolicy::stop;
  auto stop = [&] { return failure_stop || stop_requested(); };
  auto record = [&](std::size_t run, RunOutcome&& o) {
    if (o.ok) {
      file->write_run(run, o.data);
    } else {
      file->mark_failed(run, o.error);
      if (stop_on_failure) failure_stop = true;
    }
    ++finished;
    if (options.on_progress) options.on_progress(finished, todo.size());
  };
  if (options.on_progress) options.on_progress(0, todo.size());
  try {
    run_all(sweep, todo, layout, exec, options, stop, record);
  } catch (...) {
    // Keep what was written: close the in-progress file properly before reporting.
    try {
      file->close();
    } catch (...) {
    }
    throw;
  }
  result.ran = finished;

  const auto after = file->statuses();
  const auto errors = [&] {
    std::vector<std::pair<std::size_t, std::string>> list;
    const auto messages = output::ResultReader::open(incomplete).errors();
    for (const std::size_t r : mine) {
      if (after[r] == RunStatus::failed && list.size() < kErrorsShown) list.emplace_back(r, messages[r]);
    }
    return list;
  };
  for (const std::size_t r : mine) {
    result.done += after[r] == RunStatus::done;
    result.failed += after[r] == RunStatus::failed;
    result.pending += after[r] == RunStatus::pending;
  }
  file->close();
  file.reset();
  if (result.failed > 0) result.errors = errors();

  if (result.pending > 0) {
    result.end = failure_stop ? SweepEnd::stopped_on_failure : SweepEnd::interrupted;
    result.file = incomplete;
    return result;
  }
  output::ResultFile::compact(incomplete, out, replace_out);
  result.file = out;
  result.end = result.failed > 0 ? SweepEnd::finished_with_failures : SweepEnd::complete;
  return result;
}

// ---- MpiSession ---------------------------------------------------------------------------

bool mpi_available() {
#ifdef TIERSIM_WITH_MPI
  return true;
#else
  return false;
#endif
}

int launcher_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"}) {
    if (const char* v = std::getenv(name)) return std::atoi(v);
  }
  return 0;
}

std::unique_ptr<MpiSession> MpiSession::start_if_launched() {
#ifdef TIERSIM_WITH_MPI
  // Only under a launcher: a plain `tiersim sweep` must not need an MPI runtime.
  const bool launched = std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMI_SIZE") != nullptr ||
                        std::getenv("PMIX_RANK") != nullptr;
  if (!launched) return nullptr;
  int provided = 0;
  // MPI calls come only from the main thread; TBB workers never call MPI.
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
    throw RuntimeFailure("MPI_Init_thread failed");
  }
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return std::unique_ptr<MpiSession>(new MpiSession(rank, size));
#else
  return nullptr;
#endif
}

MpiSession::~MpiSession() {
#ifdef TIERSIM_WITH_MPI
  MPI_Finalize();
#endif
}

void MpiSession::abort(int exit_code) const {
#ifdef TIERSIM_WITH_MPI
  MPI_Abort(MPI_COMM_WORLD, exit_code);
#endif
  std::_Exit(exit_code);
}

}  // namespace tiersim::sweep
