#include "sim/cli/app.hpp"

#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "sim/cli/progress.hpp"
#include "sim/core/error.hpp"
#include "sim/core/version.hpp"
#include "sim/engine/simulation.hpp"
#include "sim/output/nc_file.hpp"
#include "sim/output/result_file.hpp"

namespace tiersim::cli {
namespace {

namespace fs = std::filesystem;

struct CommonOptions {
  std::string config;
  std::vector<std::string> sets;
  std::int64_t seed = -1;
  bool print_config = false;
};

void add_config_options(CLI::App* cmd, CommonOptions& o) {
  cmd->add_option("CONFIG", o.config, "run configuration (YAML)")->required();
  cmd->add_option("--set", o.sets, "override a config value, e.g. --set params.p=0.05 (repeatable)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  cmd->add_option("--seed", o.seed, "master seed (same as --set seed=N)")->check(CLI::NonNegativeNumber);
  cmd->add_flag("--print-config", o.print_config, "print the fully resolved configuration (YAML)");
}

engine::ResolvedConfig load(const CommonOptions& o, const engine::ModelCatalog& catalog) {
  std::vector<std::string> overrides = o.sets;
  if (o.seed >= 0) overrides.push_back("seed=" + std::to_string(o.seed));
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

void print_summaries(const output::Layout& layout, const output::RunData& data) {
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
  if (out_opt.empty()) fs::create_directories(out.parent_path());
  const std::vector<output::PlannedRun> plan{{0, static_cast<std::uint64_t>(cfg.run.seed)}};
  const output::Provenance prov{cfg.run.model, cfg.to_yaml(), static_cast<std::uint64_t>(cfg.run.seed),
                                exec.threads(), cmdline};
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

int cmd_info(const std::string& path, bool show_config) {
  const auto f = output::NcFile::open_read(path);
  std::printf("file            %s\n", path.c_str());
  for (const char* key : {"format_version", "model", "tiersim_version", "git_sha", "created", "host", "threads",
                          "seed", "command"}) {
    std::printf("%-15s %s\n", key, attr_text(f.attribute(key)).c_str());
  }
  const auto complete = f.attribute("complete");
  std::printf("%-15s %s\n", "complete", complete ? "yes" : "NO (interrupted or still being written)");
  std::printf("dimensions\n");
  for (const auto& [name, size] : f.dimensions()) std::printf("  %-20s %zu\n", name.c_str(), size);
  if (f.has_variable("run_status")) {
    const auto runs = f.dimension_size("run").value_or(0);
    const auto status = f.read_i8("run_status", std::array<std::size_t, 1>{0}, std::array<std::size_t, 1>{runs});
    std::size_t done = 0, failed = 0;
    for (auto s : status) {
      done += s == static_cast<std::int8_t>(output::RunStatus::done);
      failed += s == static_cast<std::int8_t>(output::RunStatus::failed);
    }
    std::printf("runs            %zu done, %zu failed, %zu pending (of %zu)\n", done, failed,
                runs - done - failed, runs);
  }
  std::printf("variables\n");
  for (const auto& v : f.variable_names()) {
    std::string dims;
    for (const auto& d : f.dimensions_of(v)) dims += (dims.empty() ? "" : ", ") + d;
    const auto units = f.variable_attribute(v, "units");
    std::printf("  %-32s (%s)%s\n", v.c_str(), dims.c_str(), units ? (" [" + attr_text(units) + "]").c_str() : "");
  }
  if (show_config) std::printf("config\n%s", attr_text(f.attribute("config_yaml")).c_str());
  return kExitOk;
}

int cmd_params(const std::string& model, const engine::ModelCatalog& catalog) {
  const auto& t = catalog.get(model);
  std::printf("# Parameters of model '%s'\n\n%s\n\n", t.name.c_str(), t.summary.c_str());
  std::printf("%s", config::params_markdown(t.document()).c_str());
  return kExitOk;
}

}  // namespace

int run_app(int argc, char** argv, const engine::ModelCatalog& catalog) {
  CLI::App app{"tiersim: agent-based simulation of the AI-chip trade under US export controls.\n"
               "Exit codes: 0 ok, 1 runtime failure, 2 bad input, 130 interrupted."};
  app.set_version_flag("--version", std::string("tiersim ") + std::string(version()) + " (git " +
                                        std::string(git_sha()) + ")");
  app.require_subcommand(1);
  app.get_formatter()->column_width(34);

  int threads = 0;
  bool quiet = false;
  app.add_option("--threads,-j", threads, "worker threads (0 = all cores); results do not depend on it")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--quiet,-q", quiet, "no progress line or summary");

  CommonOptions run_opts;
  std::string out;
  bool overwrite = false;
  auto* run = app.add_subcommand("run", "run one simulation and write its results (HDF5)");
  add_config_options(run, run_opts);
  run->add_option("--output,-o", out, "result file (default: results/<config name>.h5)");
  run->add_flag("--overwrite", overwrite, "replace an existing result file");
  run->add_option("--threads,-j", threads, "worker threads (0 = all cores)")->check(CLI::NonNegativeNumber);
  run->add_flag("--quiet,-q", quiet, "no progress line or summary");

  CommonOptions val_opts;
  auto* validate = app.add_subcommand("validate", "check a configuration (and its data) without running");
  add_config_options(validate, val_opts);

  std::string info_path;
  bool info_config = false;
  auto* info = app.add_subcommand("info", "summarise a result file: provenance, dimensions, runs done");
  info->add_option("FILE", info_path, "result file")->required();
  info->add_flag("--config", info_config, "also print the stored configuration");

  std::string digest_path;
  auto* digest = app.add_subcommand("digest", "SHA-256 of a result file's data (provenance excluded)");
  digest->add_option("FILE", digest_path, "result file")->required();

  std::string params_model;
  auto* params = app.add_subcommand("params", "list a model's parameters: unit, default, range, source");
  params->add_option("MODEL", params_model, "model name")->required();

  auto* models = app.add_subcommand("models", "list the models this build provides");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitBadInput;
  }

  try {
    if (*run) return cmd_run(run_opts, out, threads, quiet, overwrite, command_line(argc, argv), catalog);
    if (*validate) return cmd_validate(val_opts, catalog);
    if (*info) return cmd_info(info_path, info_config);
    if (*digest) {
      std::printf("%s  %s\n", output::content_digest(digest_path).c_str(), digest_path.c_str());
      return kExitOk;
    }
    if (*params) return cmd_params(params_model, catalog);
    if (*models) {
      for (const auto& t : catalog.all()) std::printf("%-12s %s\n", t.name.c_str(), t.summary.c_str());
      return kExitOk;
    }
  } catch (const InputError& e) {
    std::fprintf(stderr, "tiersim: error: %s\n", e.what());
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tiersim: failure: %s\n", e.what());
    return kExitFailure;
  }
  return kExitFailure;
}

}  // namespace tiersim::cli
