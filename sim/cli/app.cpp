#include "sim/cli/app.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <new>
#include <optional>
#include <sstream>

#include "sim/cli/commands.hpp"
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
#include "sim/sweep/runner.hpp"
#include "sim/sweep/sweep.hpp"

namespace tiersim::cli {
namespace {

namespace fs = std::filesystem;

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
  cmd->add_option("CONFIG", o.config, "run configuration (YAML), or the name of one in configs/scenarios/")->required();
  cmd->add_option("--set", o.sets, "override a config value, e.g. --set params.p=0.05 (repeatable)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  cmd->add_option("--seed", o.seed, "master seed (same as --set seed=N)")->check(kWholeNumber);
  cmd->add_flag("--print-config", o.print_config, "print the fully resolved configuration (YAML)");
}

/// The run config that `o.config` names (find_config), with --set and --seed applied.
engine::ResolvedConfig load(const CommonOptions& o, const engine::ModelCatalog& catalog) {
  std::vector<std::string> overrides = o.sets;
  if (!o.seed.empty()) overrides.push_back("seed=" + std::to_string(seed_option(o.seed)));
  const std::string file = find_config(o.config, ConfigKind::run);
  try {
    return engine::load_run_config(file, overrides, catalog);
  } catch (const InputError& e) {
    rethrow_for_kind(e, file, ConfigKind::run);
  }
}

std::string command_line(int argc, char** argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) s += (i ? " " : "") + std::string(argv[i]);
  return s;
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
  exec.run([&] { file.write_run(0, data); });  // compression within --threads
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
  bool info_json = false;
  CLI::App* digest = nullptr;
  std::string digest_path;
  CLI::App* params = nullptr;
  std::string params_model;
  bool params_json = false;
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
  c.sweep->add_option("SWEEP", s.sweep_file, "sweep file (YAML), or the name of one in configs/sweeps/")->required();
  c.sweep->add_option("--set", s.sets, "override a value of every run's config, e.g. --set params.p=0.05 (repeatable)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  c.sweep->add_option("--seed", s.seed, "the sweep's seed (replaces its `seed:`)")->check(kWholeNumber);
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
  c.info->add_flag("--json", c.info_json, "print it as one JSON object");

  c.digest = app.add_subcommand("digest", "SHA-256 of a result file's data (provenance excluded)");
  c.digest->add_option("FILE", c.digest_path, "result file")->required();

  c.params = app.add_subcommand("params", "list a model's parameters: unit, default, range, source");
  c.params->add_option("MODEL", c.params_model, "model name")->required();
  c.params->add_flag("--json", c.params_json, "print the rows as one JSON object");

  c.models = app.add_subcommand("models", "list the models this build provides");
}

int dispatch(const Commands& c, int argc, char** argv, const engine::ModelCatalog& catalog) {
  const GlobalOptions& g = c.global;
  engine::check_thread_count(g.threads);  // before any work, whatever the subcommand
  if (*c.run) return cmd_run(c.run_opts, c.out, g.threads, g.quiet, c.overwrite, command_line(argc, argv), catalog);
  if (*c.validate) return cmd_validate(c.val_opts, catalog);
  if (*c.info) return c.info_json ? cmd_info_json(c.info_path, c.info_config) : cmd_info(c.info_path, c.info_config);
  if (*c.digest) {
    std::printf("%s  %s\n", output::content_digest(c.digest_path).c_str(), c.digest_path.c_str());
    return kExitOk;
  }
  if (*c.params) return c.params_json ? cmd_params_json(c.params_model, catalog) : cmd_params(c.params_model, catalog);
  if (*c.sweep) return cmd_sweep(c.sweep_cmd, g, argv[0], command_line(argc, argv), catalog);
  if (*c.merge) return cmd_merge(c.merge_out, c.merge_shards, c.merge_overwrite, g.quiet, g.threads);
  if (*c.models) {
    for (const auto& t : catalog.all()) std::printf("%-12s %s\n", t.name.c_str(), t.summary.c_str());
    return kExitOk;
  }
  return kExitFailure;
}

}  // namespace

fs::path default_output(const std::string& config) {
  return fs::path("results") / (fs::path(config).stem().string() + ".h5");
}

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
