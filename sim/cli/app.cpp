#include "sim/cli/app.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <new>
#include <optional>
#include <sstream>

#include "sim/cli/progress.hpp"
#include "sim/core/error.hpp"
#include "sim/core/version.hpp"
#include "sim/engine/inputs.hpp"
#include "sim/engine/simulation.hpp"
#include "sim/output/content_digest.hpp"
#include "sim/output/nc_file.hpp"
#include "sim/output/result_file.hpp"
#include "sim/output/result_reader.hpp"
#include "sim/sweep/file_lock.hpp"
#include "sim/sweep/merge.hpp"
#include "sim/sweep/runner.hpp"
#include "sim/sweep/sweep.hpp"

namespace tiersim::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kOutOfMemory =
    "out of memory (std::bad_alloc): the model does not fit in the memory available; make it smaller (its "
    "number of agents, e.g. buyers or markets) or run fewer runs side by side (--threads)";

/// Options of the app itself, for every subcommand.
struct GlobalOptions {
  int threads = 0;
  bool quiet = false;
};

struct CommonOptions {
  std::string config;
  std::vector<std::string> sets;
  std::string seed;  ///< checked in load(), so that an error names --seed
  bool print_config = false;
};

/// A whole number >= 0 (digits only), with a message that says so; CLI::NonNegativeNumber
/// quotes DBL_MAX in full.
const CLI::Validator kWholeNumber(
    [](const std::string& s) {
      const bool digits = !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
      return digits ? std::string() : "'" + s + "' is not a whole number >= 0";
    },
    "N>=0");

/// -o: an empty path is refused rather than taken for "not given" (the default path).
const CLI::Validator kOutputPath([](const std::string& s) { return s.empty() ? "an empty path names no file" : ""; },
                                 "PATH");

/// --threads: a whole number up to engine::kMaxThreads (TBB crashes on absurd counts).
const CLI::Validator kThreadCount(
    [](const std::string& s) {
      std::string why = kWholeNumber(s);
      if (why.empty() && (s.size() > 6 || std::stoi(s) > engine::kMaxThreads)) {
        why = "'" + s + "': at most " + std::to_string(engine::kMaxThreads) + " threads (0 = all cores)";
      }
      return why;
    },
    "N");

void add_config_options(CLI::App* cmd, CommonOptions& o) {
  cmd->add_option("CONFIG", o.config, "run configuration (YAML)")->required();
  cmd->add_option("--set", o.sets, "override a config value, e.g. --set params.p=0.05 (repeatable)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  cmd->add_option("--seed", o.seed, "master seed (same as --set seed=N)")->check(kWholeNumber);
  cmd->add_flag("--print-config", o.print_config, "print the fully resolved configuration (YAML)");
}

engine::ResolvedConfig load(const CommonOptions& o, const engine::ModelCatalog& catalog) {
  std::vector<std::string> overrides = o.sets;
  if (!o.seed.empty()) {
    // The run config's range, said here: `--set seed=` would name the wrong option.
    if (o.seed.size() > 16 || std::stod(o.seed) > 9.0e15) {
      throw InputError("--seed " + o.seed + ": out of range; must be an integer from 0 to 9000000000000000");
    }
    overrides.push_back("seed=" + o.seed);
  }
  return engine::load_run_config(o.config, overrides, catalog);
}

std::string command_line(int argc, char** argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) s += (i ? " " : "") + std::string(argv[i]);
  return s;
}

fs::path default_output(const std::string& config) {
  return fs::path("results") / (fs::path(config).stem().string() + ".h5");
}

void print_summaries(const engine::Layout& layout, const engine::RunData& data) {
  if (layout.summaries.empty()) return;
  std::printf("summary:\n");
  for (std::size_t k = 0; k < layout.summaries.size(); ++k) {
    const auto& s = layout.summaries[k];
    std::printf("  %-32s %14.6g %s\n", s.name.c_str(), data.summaries[k], s.units == "1" ? "" : s.units.c_str());
  }
}

int cmd_run(const CommonOptions& o, const std::string& out_opt, int threads, bool quiet, bool overwrite,
            const std::string& cmdline, const engine::ModelCatalog& catalog) {
  const auto cfg = load(o, catalog);
  if (o.print_config) std::cout << cfg.to_yaml() << std::flush;
  const engine::Executor exec(threads);
  engine::Simulation sim(cfg, 0, exec);
  const fs::path out = out_opt.empty() ? default_output(o.config) : fs::path(out_opt);
  engine::check_output_is_not_an_input(out, engine::input_files(cfg));
  if (out_opt.empty()) fs::create_directories(out.parent_path());
  std::vector<output::PlannedRun> plan(1);
  plan[0].seed = static_cast<std::uint64_t>(cfg.run.seed);
  const output::Provenance prov{
      cfg.run.model, cfg.to_yaml(), static_cast<std::uint64_t>(cfg.run.seed), exec.threads(), 1, cmdline};
  // One process per output, as for sweeps: a second `run -o` of the same file would
  // truncate this one's `.partial` or rename its own over it. (A missing directory is left
  // to ResultFile::create, which names it.)
  std::optional<sweep::FileLock> lock;
  std::error_code ec;
  if (fs::is_directory(out.has_parent_path() ? out.parent_path() : fs::path("."), ec)) {
    lock.emplace(sweep::FileLock::acquire(sweep::lock_path(out), out));
  }
  // Create the file before the (possibly long) run so an unwritable path fails at once.
  auto file = output::ResultFile::create(out, sim.layout(), plan, prov, overwrite);
  Progress progress("run " + cfg.run.model, cfg.run.calendar.months, !quiet);
  const auto data = exec.run([&] { return sim.run([&](int done, int) { progress.update(done); }); });
  progress.finish();
  file.write_run(0, data);
  file.commit();
  if (!quiet) {
    print_summaries(sim.layout(), data);
    std::printf("wrote %s\n", out.string().c_str());
  }
  return kExitOk;
}

int cmd_validate(const CommonOptions& o, const engine::ModelCatalog& catalog) {
  const auto cfg = load(o, catalog);
  // Building the model checks data files and record specs too, without running.
  const engine::Executor exec(1);
  engine::Simulation sim(cfg, 0, exec);
  if (o.print_config) std::cout << cfg.to_yaml();
  std::printf("%s: valid (model %s, %d months from %s, %zu output variables)\n", o.config.c_str(),
              cfg.run.model.c_str(), cfg.run.calendar.months, cfg.run.calendar.start.to_string().c_str(),
              sim.layout().vars.size());
  return kExitOk;
}

std::string attr_text(const std::optional<output::AttrValue>& v) {
  if (!v) return "(missing)";
  return std::visit(
      [](const auto& x) -> std::string {
        std::ostringstream os;
        os << x;
        return os.str();
      },
      *v);
}

void print_provenance(const output::ResultReader& f) {
  namespace schema = output::schema;
  for (const char* key :
       {schema::kFormatVersion, schema::kModel, schema::kTiersimVersion, schema::kGitSha, schema::kCreated,
        schema::kHost, schema::kThreads, schema::kProcesses, schema::kSeed, schema::kCommand}) {
    std::printf("%-15s %s\n", key, attr_text(f.attribute(key)).c_str());
  }
  std::printf("%-15s %s\n", schema::kComplete, f.is_complete() ? "yes" : "NO (interrupted or still being written)");
}

void print_design(const output::ResultReader& f) {
  namespace schema = output::schema;
  const auto kind = f.attribute(schema::kDesignKind);
  if (!kind) return;
  std::string names;
  for (const auto& n : f.file().attribute_strings(schema::kDesignParameters).value_or(std::vector<std::string>{})) {
    names += (names.empty() ? "" : ", ") + n;
  }
  std::printf("%-15s %s over %s (samples %s)\n", "design", attr_text(kind).c_str(),
              names.empty() ? "(no parameters)" : names.c_str(),
              attr_text(f.attribute(schema::kDesignSamples)).c_str());
  std::printf("%-15s %s\n", schema::kSweepHash, attr_text(f.attribute(schema::kSweepHash)).c_str());
  if (const auto shard = f.attribute(schema::kShard))
    std::printf("%-15s %s\n", schema::kShard, attr_text(shard).c_str());
}

void print_runs(const output::ResultReader& f) {
  if (!f.has_statuses()) return;
  const std::size_t runs = f.runs();
  const auto status = f.statuses();
  const auto count = [&](output::RunStatus s) {
    return static_cast<std::size_t>(std::count(status.begin(), status.end(), s));
  };
  const std::size_t done = count(output::RunStatus::done);
  const std::size_t failed = count(output::RunStatus::failed);
  std::printf("runs            %zu done, %zu failed, %zu pending (of %zu)\n", done, failed, runs - done - failed, runs);
  if (failed == 0 || !f.has_errors()) return;
  const auto errors = f.errors();
  std::size_t shown = 0;
  for (std::size_t r = 0; r < runs && shown < 10; ++r) {
    if (status[r] != output::RunStatus::failed) continue;
    std::printf("  run %zu failed: %s\n", r, errors[r].c_str());
    ++shown;
  }
  if (failed > shown) std::printf("  ... (%zu more; all in variable %s)\n", failed - shown, output::schema::kRunError);
}

void print_variables(const output::NcFile& f) {
  std::printf("variables\n");
  for (const auto& v : f.variable_names()) {
    std::string dims;
    for (const auto& d : f.dimensions_of(v)) dims += (dims.empty() ? "" : ", ") + d;
    const auto units = f.variable_attribute(v, "units");
    std::printf("  %-32s (%s)%s\n", v.c_str(), dims.c_str(), units ? (" [" + attr_text(units) + "]").c_str() : "");
  }
}

/// `tiersim info`: shows a file of any format version, so that a user can see which it is.
int cmd_info(const std::string& path, bool show_config) {
  const auto f = output::ResultReader::inspect(path);
  std::printf("file            %s\n", path.c_str());
  print_provenance(f);
  print_design(f);
  std::printf("dimensions\n");
  for (const auto& [name, size] : f.file().dimensions()) std::printf("  %-20s %zu\n", name.c_str(), size);
  print_runs(f);
  print_variables(f.file());
  if (show_config) std::printf("config\n%s", attr_text(f.attribute(output::schema::kConfigYaml)).c_str());
  return kExitOk;
}

int cmd_params(const std::string& model, const engine::ModelCatalog& catalog) {
  const auto& t = catalog.get(model);
  std::printf("# Parameters of model '%s'\n\n%s\n\n", t.name.c_str(), t.summary.c_str());
  std::printf("%s", config::params_markdown(t.document()).c_str());
  return kExitOk;
}

// ---- sweeps ------------------------------------------------------------------------------

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

struct SweepCommand {
  std::string sweep_file;
  std::string output;
  bool resume = false;
  bool overwrite = false;
  std::string shard;
  bool dry_run = false;
};

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

/// The command that continues this sweep, as the user would type it.
std::string resume_command(const SweepCommand& c, const fs::path& out, const sweep::Shard& shard,
                           const sweep::MpiSession* mpi, const std::string& program) {
  const bool distributed = mpi != nullptr && mpi->size() > 1;
  return (distributed ? "mpirun -np " + std::to_string(mpi->size()) + " " : std::string()) + shell_quote(program) +
         " sweep " + shell_quote(c.sweep_file) + " -o " + shell_quote(out.string()) +
         (shard.active() ? " --shard " + shard.text() : "") + " --resume";
}

/// The first failed runs' messages, one per line.
std::string failed_runs(const sweep::SweepResult& r) {
  std::string errors;
  for (const auto& [run, message] : r.errors) errors += "\n  run " + std::to_string(run) + ": " + message;
  if (r.failed > r.errors.size()) errors += "\n  ... (" + std::to_string(r.failed - r.errors.size()) + " more)";
  return errors;
}

/// How a sweep that ran on this process ends: its exit code, and what it says.
int sweep_outcome(const sweep::SweepResult& r, const fs::path& out, const std::string& resume,
                  const std::string& program, bool quiet, const Report& report) {
  switch (r.end) {
    case sweep::SweepEnd::already_complete:
      if (!quiet) std::printf("%s is already complete (%zu runs done); nothing to do\n", out.string().c_str(), r.done);
      return kExitOk;
    case sweep::SweepEnd::complete:
      if (!quiet) std::printf("wrote %s (%zu runs, %zu run now)\n", out.string().c_str(), r.runs, r.ran);
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
  const sweep::Sweep plan = sweep::Sweep::build(sweep::load_sweep_config(c.sweep_file), catalog);
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
  const sweep::SweepResult r = sweep::run_sweep(plan, o);
  if (progress) progress->finish();
  if (r.end == sweep::SweepEnd::worker) return kExitOk;
  return sweep_outcome(r, out, resume_command(c, out, shard, mpi, program), program, g.quiet, report);
}

int cmd_sweep(const SweepCommand& c, const GlobalOptions& g, const std::string& program, const std::string& cmdline,
              const engine::ModelCatalog& catalog) {
  if (!sweep::mpi_available() && sweep::launcher_rank() > 0) {
    // Started by mpirun, but this build has no MPI: rank 0 runs the whole sweep alone.
    return kExitOk;
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

int cmd_merge(const std::string& out, const std::vector<std::string>& shards, bool overwrite, bool quiet) {
  std::vector<fs::path> paths(shards.begin(), shards.end());
  const auto r = sweep::merge_shards(out, paths, overwrite);
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

/// Every subcommand with the options it was given.
struct Commands {
  GlobalOptions global;
  CLI::App* run = nullptr;
  CommonOptions run_opts;
  std::string out;
  bool overwrite = false;
  CLI::App* validate = nullptr;
  CommonOptions val_opts;
  CLI::App* info = nullptr;
  std::string info_path;
  bool info_config = false;
  CLI::App* digest = nullptr;
  std::string digest_path;
  CLI::App* params = nullptr;
  std::string params_model;
  CLI::App* models = nullptr;
  CLI::App* sweep = nullptr;
  SweepCommand sweep_cmd;
  CLI::App* merge = nullptr;
  std::string merge_out;
  std::vector<std::string> merge_shards;
  bool merge_overwrite = false;
};

void declare_global(CLI::App& app, GlobalOptions& g) {
  app.set_version_flag("--version", std::string("tiersim ") + std::string(version()) + " (git " +
                                        std::string(git_sha()) + ")" + (sweep::mpi_available() ? " [mpi]" : ""));
  app.require_subcommand(1);
  app.get_formatter()->column_width(34);
  // Declared once, here; they may also follow the subcommand (`tiersim run -q CONFIG`):
  // subcommands hand options they do not know to the app.
  app.fallthrough();
  app.add_option("--threads,-j", g.threads, "worker threads (0 = all cores); results do not depend on it")
      ->check(kThreadCount);
  app.add_flag("--quiet,-q", g.quiet, "no progress line, summary or messages");
}

void declare_runs(CLI::App& app, Commands& c) {
  c.run = app.add_subcommand("run", "run one simulation and write its results (HDF5)");
  add_config_options(c.run, c.run_opts);
  c.run->add_option("--output,-o", c.out, "result file (default: results/<config name>.h5)")->check(kOutputPath);
  c.run->add_flag("--overwrite", c.overwrite, "replace an existing result file");

  c.validate = app.add_subcommand("validate", "check a configuration (and its data) without running");
  add_config_options(c.validate, c.val_opts);

  c.sweep = app.add_subcommand("sweep", "run a parameter sweep (resumable; shards; MPI under mpirun)");
  SweepCommand& s = c.sweep_cmd;
  c.sweep->add_option("SWEEP", s.sweep_file, "sweep file (YAML)")->required();
  c.sweep->add_option("--output,-o", s.output, "result file (default: results/<sweep name>.h5)")->check(kOutputPath);
  c.sweep->add_flag("--resume", s.resume, "continue an interrupted sweep (or re-run its failed runs)");
  c.sweep->add_flag("--overwrite", s.overwrite, "discard existing results and start again");
  c.sweep->add_flag("--dry-run", s.dry_run, "check the sweep (every run's config) and show the plan; run nothing");
  c.sweep->add_option("--shard", s.shard, "run only runs with index % N == i (job arrays)")->type_name("i/N");

  c.merge = app.add_subcommand("merge", "merge the shard files of a sweep into one file");
  c.merge->add_option("OUT", c.merge_out, "merged result file")->required()->check(kOutputPath);
  c.merge->add_option("SHARD", c.merge_shards, "shard files (tiersim sweep --shard i/N)")->required();
  c.merge->add_flag("--overwrite", c.merge_overwrite, "replace an existing OUT");
  for (CLI::App* cmd : {c.run, c.sweep, c.merge}) {
    cmd->footer("Also: -j,--threads N and -q,--quiet (options of tiersim, before or after the subcommand).");
  }
}

void declare_queries(CLI::App& app, Commands& c) {
  c.info = app.add_subcommand("info", "summarise a result file: provenance, dimensions, runs done");
  c.info->add_option("FILE", c.info_path, "result file")->required();
  c.info->add_flag("--config", c.info_config, "also print the stored configuration");

  c.digest = app.add_subcommand("digest", "SHA-256 of a result file's data (provenance excluded)");
  c.digest->add_option("FILE", c.digest_path, "result file")->required();

  c.params = app.add_subcommand("params", "list a model's parameters: unit, default, range, source");
  c.params->add_option("MODEL", c.params_model, "model name")->required();

  c.models = app.add_subcommand("models", "list the models this build provides");
}

int dispatch(const Commands& c, int argc, char** argv, const engine::ModelCatalog& catalog) {
  const GlobalOptions& g = c.global;
  engine::check_thread_count(g.threads);  // before any work, whatever the subcommand
  if (*c.run) return cmd_run(c.run_opts, c.out, g.threads, g.quiet, c.overwrite, command_line(argc, argv), catalog);
  if (*c.validate) return cmd_validate(c.val_opts, catalog);
  if (*c.info) return cmd_info(c.info_path, c.info_config);
  if (*c.digest) {
    std::printf("%s  %s\n", output::content_digest(c.digest_path).c_str(), c.digest_path.c_str());
    return kExitOk;
  }
  if (*c.params) return cmd_params(c.params_model, catalog);
  if (*c.sweep) return cmd_sweep(c.sweep_cmd, g, argv[0], command_line(argc, argv), catalog);
  if (*c.merge) return cmd_merge(c.merge_out, c.merge_shards, c.merge_overwrite, g.quiet);
  if (*c.models) {
    for (const auto& t : catalog.all()) std::printf("%-12s %s\n", t.name.c_str(), t.summary.c_str());
    return kExitOk;
  }
  return kExitFailure;
}

}  // namespace

int run_app(int argc, char** argv, const engine::ModelCatalog& catalog) {
  CLI::App app{
      "tiersim: agent-based simulation of the AI-chip trade under US export controls.\n"
      "Exit codes: 0 ok, 1 runtime failure, 2 bad input, 130 interrupted."};
  Commands c;
  declare_global(app, c.global);
  declare_runs(app, c);
  declare_queries(app, c);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::string message = e.what();
    std::replace(message.begin(), message.end(), '\n', ' ');
    std::fprintf(stderr, "tiersim: error: %s (see tiersim --help)\n", message.c_str());
    return kExitBadInput;
  }
  try {
    return dispatch(c, argc, argv, catalog);
  } catch (const InputError& e) {
    std::fprintf(stderr, "tiersim: error: %s\n", e.what());
    return kExitBadInput;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "tiersim: failure: %s\n", kOutOfMemory);
    return kExitFailure;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tiersim: failure: %s\n", e.what());
    return kExitFailure;
  }
}

}  // namespace tiersim::cli
