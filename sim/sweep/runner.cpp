#include "sim/sweep/runner.hpp"

#include <tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <iterator>
#include <mutex>
#include <string_view>
#include <system_error>

#include "sim/core/error.hpp"
#include "sim/engine/executor.hpp"
#include "sim/output/result_file.hpp"
#include "sim/output/result_reader.hpp"
#include "sim/sweep/execute_run.hpp"
#include "sim/sweep/file_lock.hpp"
#include "sim/sweep/mpi_ensemble.hpp"

namespace tiersim::sweep {
namespace {

namespace fs = std::filesystem;
using output::RunStatus;
using Note = std::function<void(const std::string&)>;

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

constexpr std::size_t kErrorsShown = 5;

/// Opens `file` read-only if it holds this sweep (see check_sweep_file).
output::ResultReader open_sweep_file(const fs::path& file, const Sweep& sweep, const Shard& shard) {
  output::ResultReader f = output::ResultReader::open(file);
  const auto hash = f.sweep_hash();
  if (!hash) {
    throw InputError(quoted(file) + ": not a sweep result (no '" + output::schema::kSweepHash +
                     "' attribute); refusing to touch it");
  }
  if (*hash != sweep.hash()) {
    const std::string changed =
        sweep.inputs().difference_from(engine::InputManifest::parse(f.input_files()), "this file was written");
    if (!changed.empty()) {
      throw InputError(quoted(file) + ": was written by a different sweep: " + changed +
                       ". Restore the file, or start again with another output or --overwrite");
    }
    throw InputError(quoted(file) + ": was written by a different sweep (sweep_hash " + hash->substr(0, 12) +
                     "..., this sweep " + sweep.hash().substr(0, 12) +
                     "...): the sweep file, its run configs or their parameters changed. Use another output, or "
                     "--overwrite to start again");
  }
  const std::string want = shard.active() ? shard.text() : std::string();
  const std::string have = f.shard().value_or("");
  if (want != have) {
    throw InputError(quoted(file) + ": holds " + (have.empty() ? "the whole sweep" : "shard " + have) + ", not " +
                     (want.empty() ? "the whole sweep" : "shard " + want));
  }
  if (f.runs() != sweep.runs().size()) {
    throw InputError(quoted(file) + ": its run dimension does not match the sweep's plan");
  }
  return f;
}

// ---- Where a session starts ----------------------------------------------------------------

enum class Start {
  fresh,              ///< create `<out>.incomplete` with every run pending
  resume_incomplete,  ///< continue `<out>.incomplete`
  expand_out,         ///< copy the finished `<out>` back into `.incomplete` to re-run its failures
  already_complete,   ///< `<out>` is finished and none of this share's runs failed
};

struct StartPlan {
  Start start = Start::fresh;
  bool replace_out = false;  ///< compaction may replace an existing `<out>` (it is this sweep's)
};

/// --resume with a `.incomplete` present.
StartPlan resume_incomplete(const Sweep& sweep, const SweepOptions& options, bool out_exists) {
  check_sweep_file(incomplete_path(options.output), sweep, options.shard);
  // A previous session may have died between writing `out` and removing `.incomplete`
  // (or re-opened a finished sweep to re-run failures): `out` is then this sweep's.
  if (!out_exists) return {Start::resume_incomplete, options.overwrite};
  check_sweep_file(options.output, sweep, options.shard);
  return {Start::resume_incomplete, true};
}

/// --resume with only a finished `<out>`: nothing to do, or re-run its failed runs.
StartPlan reopen_finished(const Sweep& sweep, const SweepOptions& options, const std::vector<std::size_t>& mine) {
  const fs::path& out = options.output;
  const output::ResultReader f = open_sweep_file(out, sweep, options.shard);
  if (!f.is_complete()) {
    throw InputError(quoted(out) + ": is not complete and there is no " + quoted(incomplete_path(out)) + " to resume");
  }
  const auto status = f.statuses();
  const bool any_failed =
      std::any_of(mine.begin(), mine.end(), [&](std::size_t r) { return status[r] == RunStatus::failed; });
  if (!any_failed) return {Start::already_complete, options.overwrite};
  return {Start::expand_out, true};
}

/// The resume state machine: from the files on disk, --resume and --overwrite. InputError
/// for outputs this sweep must not touch.
StartPlan decide_start(const Sweep& sweep, const SweepOptions& options, const std::vector<std::size_t>& mine,
                       const Note& note) {
  const fs::path& out = options.output;
  const fs::path incomplete = incomplete_path(out);
  std::error_code ec;
  const bool out_exists = fs::exists(out, ec);
  const bool incomplete_exists = fs::exists(incomplete, ec);
  if (!options.resume) {
    if ((out_exists || incomplete_exists) && !options.overwrite) {
      const fs::path existing = incomplete_exists ? incomplete : out;
      throw InputError(quoted(existing) + ": already exists; use --resume to continue " +
                       (incomplete_exists ? "this interrupted sweep" : "(or check) this sweep") +
                       ", or --overwrite to start again");
    }
    return {Start::fresh, options.overwrite};
  }
  if (incomplete_exists) return resume_incomplete(sweep, options, out_exists);
  if (out_exists) return reopen_finished(sweep, options, mine);
  note("nothing to resume at " + out.string() + ": starting the sweep");
  return {Start::fresh, options.overwrite};
}

/// The sweep's description for the file, each swept model parameter with the unit and
/// meaning from the model's parameter table (`tiersim params MODEL`).
output::SweepDescription describe_with_units(const Sweep& sweep, const std::string& model, const std::string& shard) {
  output::SweepDescription d = sweep.describe(shard);
  const auto rows = sweep.catalog().get(model).document();
  for (output::PlanColumn& col : d.columns) {
    const auto row = std::find_if(rows.begin(), rows.end(), [&](const auto& r) { return r.path == col.name; });
    if (row == rows.end()) continue;
    col.units = row->unit;
    col.long_name = row->doc;
  }
  return d;
}

/// A new `<out>.incomplete` with the run plan and every run pending.
output::ResultFile create_results(const Sweep& sweep, const SweepOptions& options, const engine::Executor& exec,
                                  const output::Layout& layout) {
  const fs::path incomplete = incomplete_path(options.output);
  if (options.overwrite) {
    // --overwrite discards the old results now: an `out` left from another sweep next to
    // this sweep's `.incomplete` would block --resume later.
    std::error_code ec;
    fs::remove(incomplete, ec);
    fs::remove(options.output, ec);
  }
  const engine::ResolvedConfig cfg0 = sweep.resolve_run(0);
  output::Provenance prov{
      cfg0.run.model, cfg0.to_yaml(), static_cast<std::uint64_t>(sweep.config().seed), exec.threads(), 1,
      options.command};
  prov.processes = options.mpi != nullptr ? options.mpi->size() : 1;
  const auto plan = sweep.planned_runs();
  return output::ResultFile::create_incomplete(
      incomplete, layout, plan, prov,
      describe_with_units(sweep, cfg0.run.model, options.shard.active() ? options.shard.text() : ""), false);
}

/// The in-progress file this session writes into.
output::ResultFile open_results(const Sweep& sweep, const SweepOptions& options, const engine::Executor& exec,
                                const output::Layout& layout, Start start, const Note& note) {
  if (start == Start::fresh) return create_results(sweep, options, exec, layout);
  const fs::path incomplete = incomplete_path(options.output);
  if (start == Start::expand_out) {
    note("re-running the failed runs of " + options.output.string());
    output::ResultFile::expand(options.output, incomplete);
  }
  return output::ResultFile::open_incomplete(incomplete, layout);
}

// ---- Running ---------------------------------------------------------------------------------

/// Runs `todo` on the executor's threads and hands each outcome to `record` (under a lock,
/// in completion order). Returns when everything ran or `stop()` says so; in-flight runs
/// always finish.
void run_on_threads(const Sweep& sweep, const std::vector<std::size_t>& todo, const output::Layout& layout,
                    const engine::Executor& exec, const std::function<bool()>& stop, const RecordOutcome& record) {
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

/// How this session's runs went.
struct SessionRuns {
  std::size_t ran = 0;
  bool failure_stop = false;  ///< on_failure: stop ended the session
};

/// Runs `todo` (on MPI ranks or threads), each result written into its slot of `file`. On
/// an error writing results, `file` is closed (keeping what was written) before it propagates.
SessionRuns run_pending(const Sweep& sweep, output::ResultFile& file, const std::vector<std::size_t>& todo,
                        const output::Layout& layout, const engine::Executor& exec, const SweepOptions& options) {
  SessionRuns session;
  const bool stop_on_failure = sweep.config().on_failure == FailurePolicy::stop;
  auto stop = [&] { return session.failure_stop || (options.stop_requested && options.stop_requested()); };
  auto record = [&](std::size_t run, RunOutcome&& o) {
    if (o.ok) {
      file.write_run(run, o.data);
    } else {
      file.mark_failed(run, o.error);
      if (stop_on_failure) session.failure_stop = true;
    }
    ++session.ran;
    if (options.on_progress) options.on_progress(session.ran, todo.size());
  };
  if (options.on_progress) options.on_progress(0, todo.size());
  try {
    if (options.mpi != nullptr && options.mpi->distributed()) {
      mpi_dispatch(*options.mpi, todo, layout, stop, record);
    } else {
      run_on_threads(sweep, todo, layout, exec, stop, record);
    }
  } catch (...) {
    try {
      file.close();
    } catch (...) {
    }
    throw;
  }
  return session;
}

std::vector<std::size_t> runs_of_shard(const Sweep& sweep, const Shard& shard) {
  std::vector<std::size_t> mine;
  for (std::size_t r = 0; r < sweep.runs().size(); ++r) {
    if (shard.owns(r)) mine.push_back(r);
  }
  return mine;
}

/// (run, message) of the first failed runs of `mine`, read from the closed in-progress file.
std::vector<std::pair<std::size_t, std::string>> first_errors(const fs::path& incomplete,
                                                              const std::vector<RunStatus>& status,
                                                              const std::vector<std::size_t>& mine) {
  std::vector<std::pair<std::size_t, std::string>> list;
  const auto messages = output::ResultReader::open(incomplete).errors();
  for (const std::size_t r : mine) {
    if (status[r] == RunStatus::failed && list.size() < kErrorsShown) list.emplace_back(r, messages[r]);
  }
  return list;
}

/// Runs `write`, which writes into `file`: an I/O error becomes ResultsNotWritten saying
/// "cannot write WHAT: why; KEPT". Bad input and lack of memory pass as they are.
template <class F>
auto guard_writes(const fs::path& file, const std::string& what, const std::string& kept, F&& write) {
  try {
    return write();
  } catch (const InputError&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    std::string why = e.what();
    const std::string named = quoted(file) + ": ";  // the I/O layer's messages start so
    if (why.rfind(named, 0) == 0) why.erase(0, named.size());
    throw ResultsNotWritten("cannot write " + what + ": " + why + "; " + kept);
  }
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
  open_sweep_file(file, sweep, shard);
}

SweepResult run_sweep(const Sweep& sweep, const SweepOptions& options) {
  const engine::Executor exec(options.threads);
  SweepResult result;
  const std::vector<std::size_t> mine = runs_of_shard(sweep, options.shard);
  result.runs = mine.size();
  if (options.mpi != nullptr && options.mpi->distributed() && options.mpi->rank() > 0) {
    mpi_work(sweep, reference_layout(sweep, exec), exec);
    result.end = SweepEnd::worker;
    return result;
  }
  const Note note = [&](const std::string& s) {
    if (options.note) options.note(s);
  };
  const fs::path& out = options.output;
  const fs::path incomplete = incomplete_path(out);
  // Checked before anything runs: the output path itself, and that it is no input.
  engine::check_output_is_not_an_input(out, sweep.inputs().paths());
  output::check_output_path(out);
  output::check_output_path(incomplete);
  const FileLock lock = FileLock::acquire(lock_path(out), out);
  const StartPlan start = decide_start(sweep, options, mine, note);
  if (start.start == Start::already_complete) {
    result.end = SweepEnd::already_complete;
    result.done = mine.size();
    result.file = out;
    return result;
  }

  const output::Layout layout = reference_layout(sweep, exec);
  output::ResultFile file = open_results(sweep, options, exec, layout, start.start, note);
  const auto before = file.statuses();
  std::vector<std::size_t> todo;
  std::copy_if(mine.begin(), mine.end(), std::back_inserter(todo),
               [&](std::size_t r) { return before[r] != RunStatus::done; });
  if (start.start != Start::fresh) {
    note("resuming: " + std::to_string(mine.size() - todo.size()) + " of " + std::to_string(mine.size()) +
         " runs already done");
  }
  const SessionRuns session = guard_writes(incomplete, "the results of " + quoted(out) + " into " + quoted(incomplete),
                                           "the runs done before are kept there",
                                           [&] { return run_pending(sweep, file, todo, layout, exec, options); });
  result.ran = session.ran;

  const auto after = file.statuses();
  for (const std::size_t r : mine) {
    result.done += after[r] == RunStatus::done;
    result.failed += after[r] == RunStatus::failed;
    result.pending += after[r] == RunStatus::pending;
  }
  file.close();
  if (result.failed > 0) result.errors = first_errors(incomplete, after, mine);
  if (result.pending > 0) {
    result.end = session.failure_stop ? SweepEnd::stopped_on_failure : SweepEnd::interrupted;
    result.file = incomplete;
    return result;
  }
  guard_writes(out, quoted(out), "every run is done and kept in " + quoted(incomplete), [&] {
    exec.run([&] { output::ResultFile::compact(incomplete, out, start.replace_out); });  // within --threads
    return 0;
  });
  result.file = out;
  result.end = result.failed > 0 ? SweepEnd::finished_with_failures : SweepEnd::complete;
  return result;
}

}  // namespace tiersim::sweep
