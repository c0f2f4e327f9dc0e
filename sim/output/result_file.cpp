#include "sim/output/result_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <ctime>

#include "sim/core/error.hpp"
#include "sim/core/version.hpp"
#include "sim/output/cf_conventions.hpp"
#include "sim/output/detail/atomic_file.hpp"
#include "sim/output/result_reader.hpp"

namespace tiersim::output {
namespace {

std::string utc_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::array<char, 32> buf{};
  std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf.data();
}

std::string host_name() {
  std::array<char, 256> buf{};
  if (gethostname(buf.data(), buf.size() - 1) != 0) return "unknown";
  return buf.data();
}

/// How the variables of a new result file are stored.
struct Storage {
  bool crash_safe = false;  // uncompressed, allocated at creation (in-progress sweep file)

  void apply(VarSpec& v) const {
    if (!crash_safe) return;
    v.deflate_level = 0;
    v.allocate_early = true;
  }
};

/// `units` (UDUNITS, for CF tools) and `tiersim_units` (the model's own unit, which says
/// what is counted: H100e, USD, ...) of a quantity; nothing for "" (not a quantity).
std::vector<Attr> unit_attrs(const std::string& unit) {
  if (unit.empty()) return {};
  return {{schema::kUnits, cf::units(unit)}, {schema::kTiersimUnits, unit}};
}

/// Root attributes: what wrote the file, from which configuration, when and where.
void write_provenance(NcFile& f, const Layout& layout, const Provenance& prov) {
  const std::string created = utc_now();
  f.set_attribute(schema::kConventions, std::string("CF-1.8"));
  f.set_attribute(schema::kTitle, std::string("tiersim results (model " + prov.model + ")"));
  f.set_attribute(schema::kHistory, created + ": " + prov.command);
  f.set_attribute(schema::kSource,
                  "tiersim " + std::string(version()) + " (git " + std::string(git_sha()) + "), model " + prov.model);
  f.set_attribute(schema::kReferences,
                  std::string("tiersim, docs/ODD.md (the model) and docs/output-format.md (this file); "
                              "cite as in CITATION.cff"));
  f.set_attribute(schema::kFormatVersion, format_version());
  f.set_attribute(schema::kTiersimVersion, std::string(version()));
  f.set_attribute(schema::kGitSha, std::string(git_sha()));
  f.set_attribute(schema::kModel, prov.model);
  f.set_attribute(schema::kConfigYaml, prov.config_yaml);
  f.set_attribute(schema::kSeed, static_cast<std::int64_t>(prov.seed));
  f.set_attribute(schema::kCreated, created);
  f.set_attribute(schema::kHost, host_name());
  f.set_attribute(schema::kThreads, static_cast<std::int64_t>(prov.threads));
  f.set_attribute(schema::kProcesses, static_cast<std::int64_t>(prov.processes));
  f.set_attribute(schema::kCommand, prov.command);
  f.set_attribute(schema::kCalendarStart, layout.start.to_string());
}

void write_sweep_attributes(NcFile& f, const SweepDescription& sweep) {
  f.set_attribute(schema::kSweepYaml, sweep.sweep_yaml);
  f.set_attribute(schema::kSweepHash, sweep.sweep_hash);
  f.set_attribute(schema::kDesignKind, sweep.design_kind);
  f.set_attribute(schema::kDesignParameters, std::span<const std::string>(sweep.design_parameters));
  std::vector<std::string> variables;
  for (const auto& path : sweep.design_parameters) variables.push_back(cf::variable_name(path));
  f.set_attribute(schema::kDesignVariables, std::span<const std::string>(variables));
  f.set_attribute(schema::kDesignSamples, sweep.design_samples);
  f.set_attribute(schema::kMorrisLevels, sweep.morris_levels);
  if (!sweep.shard.empty()) f.set_attribute(schema::kShard, sweep.shard);
  if (!sweep.input_files.empty()) f.set_attribute(schema::kInputFiles, std::span<const std::string>(sweep.input_files));
}

/// One value per planned run.
template <class T, class Field>
std::vector<T> plan_column(std::span<const PlannedRun> plan, Field field) {
  std::vector<T> values;
  values.reserve(plan.size());
  for (const PlannedRun& p : plan) values.push_back(static_cast<T>(field(p)));
  return values;
}

/// The `run` dimension and the layout's dimensions, each with its coordinate.
void write_dimensions(NcFile& f, const Layout& layout, std::span<const PlannedRun> plan) {
  f.define_dimension(schema::kRun, plan.size());
  f.write_coordinate(schema::kRun, plan_column<std::int64_t>(plan, [](auto& p) { return p.run_index; }),
                     {{"long_name", std::string("run index in the plan")}});
  for (const auto& d : layout.dims) {
    f.define_dimension(d.name, d.size());
    if (d.is_time) {
      std::vector<std::int64_t> days;
      for (int s : d.steps) days.push_back(layout.start.plus_months(s).first_day().days_since_epoch());
      f.write_coordinate(d.name, days,
                         {{schema::kUnits, std::string("days since 1970-01-01")},
                          {"calendar", std::string("proleptic_gregorian")},
                          {"standard_name", std::string("time")},
                          {"axis", std::string("T")},
                          {schema::kLongName, std::string("first day of the recorded month (" + d.long_name + ")")}});
    } else if (const auto numbers = cf::integer_labels(d.labels)) {
      f.write_coordinate(d.name, *numbers, {{schema::kLongName, d.long_name}});
    } else {
      f.write_coordinate(d.name, d.labels, {{schema::kLongName, d.long_name}});
    }
  }
}

/// Defines (and writes) variables over `run`, stored as the file's Storage says.
class RunVariables {
 public:
  RunVariables(NcFile& f, std::size_t runs, Storage storage)
      : f_(f),
        runs_(runs),
        storage_(storage),
        chunk_(std::max<std::size_t>(1, storage.crash_safe ? std::min(runs, kIncompleteRunChunk) : runs)) {}

  void define(const std::string& name, DType dtype, std::vector<Attr> attrs,
              std::vector<IntegerArrayAttr> integer_arrays = {}) {
    VarSpec v;
    v.name = name;
    v.dtype = dtype;
    v.dims = {schema::kRun};
    v.attrs = std::move(attrs);
    v.integer_arrays = std::move(integer_arrays);
    v.chunks = {chunk_};
    storage_.apply(v);
    f_.define_variable(v);
  }

  template <Element T>
  void add(const std::string& name, std::vector<Attr> attrs, const std::vector<T>& values) {
    define(name, dtype_for<T>(), std::move(attrs));
    f_.write(name, std::array<std::size_t, 1>{0}, std::array<std::size_t, 1>{runs_}, values);
  }

 private:
  NcFile& f_;
  std::size_t runs_;
  Storage storage_;
  std::size_t chunk_;
};

/// The run plan: seed, point, replicate, scenario (and trajectory, swept parameters).
void write_run_plan(RunVariables& vars, std::span<const PlannedRun> plan, const SweepDescription* sweep) {
  vars.add(schema::kSeed, {{"long_name", std::string("master seed of the run's random streams")}},
           plan_column<std::int64_t>(plan, [](auto& p) { return p.seed; }));
  vars.add(schema::kPoint, {{"long_name", std::string("design point of the run")}},
           plan_column<std::int64_t>(plan, [](auto& p) { return p.point; }));
  vars.add(schema::kReplicate, {{"long_name", std::string("replicate of the design point (seed)")}},
           plan_column<std::int64_t>(plan, [](auto& p) { return p.replicate; }));
  vars.add(schema::kScenario,
           {{"long_name", std::string("pair_with scenario of the run (common random numbers across scenarios)")}},
           plan_column<std::string>(plan, [](auto& p) { return p.scenario; }));
  if (sweep == nullptr) return;
  if (sweep->morris) {
    vars.add(schema::kTrajectory, {{"long_name", std::string("Morris trajectory of the design point")}},
             plan_column<std::int64_t>(plan, [](auto& p) { return p.trajectory; }));
  }
  for (const auto& c : sweep->columns) {
    std::vector<Attr> attrs{{schema::kLongName, c.long_name.empty() ? "swept parameter " + c.name : c.long_name},
                            {schema::kConfigPath, c.name}};
    for (Attr& a : unit_attrs(c.units)) attrs.push_back(std::move(a));
    attrs.insert(attrs.end(), c.attrs.begin(), c.attrs.end());
    if (c.numeric) {
      vars.add(cf::variable_name(c.name), std::move(attrs), c.numbers);
    } else {
      vars.add(cf::variable_name(c.name), std::move(attrs), c.text);
    }
  }
}

/// The run-plan variables, blank-separated: CF's `coordinates` attribute of every variable
/// over `run`, which makes CF tools and plain xarray keep the plan with the outputs.
std::string plan_coordinates(const SweepDescription* sweep) {
  std::string names =
      std::string(schema::kSeed) + " " + schema::kPoint + " " + schema::kReplicate + " " + schema::kScenario;
  if (sweep == nullptr) return names;
  if (sweep->morris) names += std::string(" ") + schema::kTrajectory;
  for (const auto& c : sweep->columns) names += " " + cf::variable_name(c.name);
  return names;
}

/// InputError if two variables would get one name (e.g. swept parameters `params.a_b` and
/// `params.a.b`, which are both `params_a_b` in the file).
void check_unique_names(const Layout& layout, const SweepDescription* sweep) {
  std::vector<std::pair<std::string, std::string>> names;  // (variable, what it is)
  for (const char* n : {schema::kRun, schema::kSeed, schema::kPoint, schema::kReplicate, schema::kScenario,
                        schema::kTrajectory, schema::kRunStatus, schema::kRunError}) {
    names.emplace_back(n, std::string("the run plan's '") + n + "'");
  }
  for (const auto& d : layout.dims) names.emplace_back(d.name, "dimension '" + d.name + "'");
  for (const auto& v : layout.vars) names.emplace_back(v.name, "output '" + v.name + "'");
  for (const auto& s : layout.summaries) names.emplace_back(s.name, "summary '" + s.name + "'");
  if (sweep != nullptr) {
    for (const auto& c : sweep->columns)
      names.emplace_back(cf::variable_name(c.name), "swept parameter '" + c.name + "'");
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (names[i].first == names[j].first && names[i].second != names[j].second) {
        throw InputError(names[j].second + " and " + names[i].second + " would both be the variable '" +
                         names[i].first + "' of the result file; rename one");
      }
    }
  }
}

/// The recorded outputs over (run, ...) and the per-run summaries.
void define_outputs(NcFile& f, RunVariables& vars, const Layout& layout, Storage storage,
                    const std::string& coordinates) {
  for (const auto& v : layout.vars) {
    VarSpec s;
    s.name = v.name;
    s.dims = {schema::kRun};
    s.dims.insert(s.dims.end(), v.dims.begin(), v.dims.end());
    s.attrs = unit_attrs(v.units);
    s.attrs.insert(s.attrs.end(),
                   {{schema::kLongName, v.long_name}, {"level", v.level}, {schema::kCoordinates, coordinates}});
    // One chunk per run keeps each run's write a single contiguous block (compressed in a
    // finished file, raw and preallocated in an in-progress one).
    s.chunks = {1};
    s.chunks.insert(s.chunks.end(), v.shape.begin(), v.shape.end());
    storage.apply(s);
    f.define_variable(s);
  }
  for (const auto& sv : layout.summaries) {
    std::vector<Attr> attrs = unit_attrs(sv.units);
    attrs.insert(attrs.end(), {{schema::kLongName, sv.long_name}, {schema::kCoordinates, coordinates}});
    vars.define(sv.name, DType::f64, std::move(attrs));
  }
}

void write_layout(NcFile& f, const Layout& layout, std::span<const PlannedRun> plan, const Provenance& prov,
                  const SweepDescription* sweep, Storage storage) {
  check_unique_names(layout, sweep);
  write_provenance(f, layout, prov);
  if (sweep != nullptr) write_sweep_attributes(f, *sweep);
  write_dimensions(f, layout, plan);
  RunVariables vars(f, plan.size(), storage);
  write_run_plan(vars, plan, sweep);
  const std::string coordinates = plan_coordinates(sweep);
  const auto code = [](RunStatus s) { return static_cast<std::int64_t>(s); };
  vars.define(schema::kRunStatus, DType::i8,
              {{schema::kLongName, std::string("status of the run: 0 pending, 1 done, 2 failed")},
               {"flag_meanings", std::string("pending done failed")},
               {schema::kCoordinates, coordinates}},
              {{"flag_values", DType::i8, {code(RunStatus::pending), code(RunStatus::done), code(RunStatus::failed)}}});
  vars.define(schema::kRunError, DType::str,
              {{schema::kLongName, std::string("error message of a failed run")}, {schema::kCoordinates, coordinates}});
  define_outputs(f, vars, layout, storage, coordinates);
  f.flush();
}

using Index1 = std::array<std::size_t, 1>;

}  // namespace

ResultFile ResultFile::create(const std::filesystem::path& path, const Layout& layout, std::span<const PlannedRun> plan,
                              const Provenance& prov, bool overwrite) {
  NcFile f = NcFile::create(path, overwrite);
  write_layout(f, layout, plan, prov, nullptr, Storage{});
  ResultFile r(std::move(f), layout, plan.size());
  r.had_error_.assign(plan.size(), false);
  return r;
}

ResultFile ResultFile::create_incomplete(const std::filesystem::path& path, const Layout& layout,
                                         std::span<const PlannedRun> plan, const Provenance& prov,
                                         const SweepDescription& sweep, bool overwrite) {
  // Build the file under a staging name and rename it when its layout and plan are written,
  // so that `path` never names a half-made file; from then on it is only written in place.
  // A staging file left by a process killed while creating is garbage: replace it.
  std::filesystem::path staging = path;
  staging += ".new";
  std::error_code ec;
  try {
    NcFile f = NcFile::create_in_place(staging, true);
    write_layout(f, layout, plan, prov, &sweep, Storage{true});
    f.close();
  } catch (...) {
    // E.g. the disk filled up: leave no half-made staging file behind.
    std::filesystem::remove(staging, ec);
    throw;
  }
  if (!overwrite && std::filesystem::exists(path, ec)) {
    std::filesystem::remove(staging, ec);
    throw InputError("'" + path.string() + "': already exists (refusing to overwrite it)");
  }
  std::filesystem::rename(staging, path, ec);
  if (ec) {
    throw RuntimeFailure("cannot rename '" + staging.string() + "' to '" + path.string() + "': " + ec.message());
  }
  return open_incomplete(path, layout);
}

ResultFile ResultFile::open_incomplete(const std::filesystem::path& path, const Layout& layout) {
  NcFile f = NcFile::open_update(path);
  const std::string where = "'" + path.string() + "'";
  const auto runs = f.dimension_size(schema::kRun);
  if (!runs) throw InputError(where + ": has no 'run' dimension (not a tiersim sweep file)");
  auto expect = [&](const std::string& name, std::vector<std::size_t> shape) {
    if (!f.has_variable(name) || f.shape_of(name) != shape) {
      throw InputError(where + ": variable '" + name +
                       "' is missing or has another shape than this sweep's runs produce");
    }
  };
  for (const auto& v : layout.vars) {
    std::vector<std::size_t> shape{*runs};
    shape.insert(shape.end(), v.shape.begin(), v.shape.end());
    expect(v.name, shape);
  }
  for (const auto& s : layout.summaries) expect(s.name, {*runs});
  expect(schema::kRunStatus, {*runs});
  expect(schema::kRunError, {*runs});
  ResultFile r(std::move(f), layout, *runs);
  const auto status = r.statuses();
  r.had_error_.resize(*runs);
  for (std::size_t i = 0; i < *runs; ++i) r.had_error_[i] = status[i] == RunStatus::failed;
  return r;
}

std::vector<RunStatus> ResultFile::statuses() const { return read_statuses(file_, runs_); }

void ResultFile::write_run(std::size_t slot, const RunData& data) {
  if (data.vars.size() != layout_.vars.size() || data.summaries.size() != layout_.summaries.size()) {
    throw RuntimeFailure("run " + std::to_string(slot) + ": its data do not match the file's layout");
  }
  std::vector<SlabWrite> writes(layout_.vars.size());
  for (std::size_t k = 0; k < layout_.vars.size(); ++k) {
    const auto& v = layout_.vars[k];
    SlabWrite& w = writes[k];
    w.var = v.name;
    w.start.assign(v.shape.size() + 1, 0);
    w.start[0] = slot;
    w.count = {1};
    w.count.insert(w.count.end(), v.shape.begin(), v.shape.end());
    w.data = std::span<const double>(data.vars[k]);
  }
  file_.write_batch(writes);
  for (std::size_t k = 0; k < layout_.summaries.size(); ++k) {
    file_.write(layout_.summaries[k].name, Index1{slot}, Index1{1}, std::span<const double>(&data.summaries[k], 1));
  }
  // The data reach the file before the status that vouches for them: HDF5 may write dirty
  // chunks in any order within one flush.
  file_.flush();
  if (slot < had_error_.size() && had_error_[slot]) {
    const std::string none;
    file_.write(schema::kRunError, Index1{slot}, Index1{1}, std::span<const std::string>(&none, 1));
    had_error_[slot] = false;
  }
  const std::int8_t done = static_cast<std::int8_t>(RunStatus::done);
  file_.write(schema::kRunStatus, Index1{slot}, Index1{1}, std::span<const std::int8_t>(&done, 1));
  file_.flush();
}

void ResultFile::mark_failed(std::size_t slot, const std::string& message) {
  const std::int8_t failed = static_cast<std::int8_t>(RunStatus::failed);
  file_.write(schema::kRunError, Index1{slot}, Index1{1}, std::span<const std::string>(&message, 1));
  file_.flush();
  if (slot < had_error_.size()) had_error_[slot] = true;
  file_.write(schema::kRunStatus, Index1{slot}, Index1{1}, std::span<const std::int8_t>(&failed, 1));
  file_.flush();
}

void ResultFile::commit() { file_.commit(); }

void ResultFile::close() { file_.close(); }

void check_output_path(const std::filesystem::path& path) { detail::check_new_output(path, true); }

void ResultFile::compact(const std::filesystem::path& incomplete, const std::filesystem::path& out,
                         bool replace_existing) {
  {
    const NcFile src = NcFile::open_read(incomplete);
    NcFile dst = NcFile::create(out, replace_existing);
    CopyOptions options;
    options.deflate_level = 4;
    options.chunk_1d = kDefaultChunk1d;
    dst.copy_from(src, options);
    dst.commit();
  }
  std::error_code ec;
  std::filesystem::remove(incomplete, ec);
  if (ec) {
    throw RuntimeFailure("wrote '" + out.string() + "' but cannot remove '" + incomplete.string() +
                         "': " + ec.message());
  }
}

void ResultFile::expand(const std::filesystem::path& out, const std::filesystem::path& incomplete) {
  const NcFile src = NcFile::open_read(out);
  NcFile dst = NcFile::create_in_place(incomplete, false);
  try {
    CopyOptions options;
    options.deflate_level = 0;
    options.allocate_early = true;
    options.skip_attributes = {schema::kComplete};
    options.chunk_1d = kIncompleteRunChunk;
    dst.copy_from(src, options);
    dst.close();
  } catch (...) {
    // A half-copied file would later be taken for a resumable sweep.
    std::error_code ec;
    std::filesystem::remove(incomplete, ec);
    throw;
  }
}

}  // namespace tiersim::output
