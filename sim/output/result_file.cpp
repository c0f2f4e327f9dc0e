#include "sim/output/result_file.hpp"

#include <unistd.h>

#include <array>
#include <chrono>
#include <ctime>

#include "sim/core/version.hpp"

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

}  // namespace

std::string format_version() { return std::to_string(kFormatMajor) + "." + std::to_string(kFormatMinor); }

ResultFile ResultFile::create(const std::filesystem::path& path, const Layout& layout,
                              std::span<const PlannedRun> plan, const Provenance& prov, bool overwrite) {
  NcFile f = NcFile::create(path, overwrite);
  f.set_attribute("Conventions", std::string("CF-1.8"));
  f.set_attribute("title", std::string("tiersim results (model " + prov.model + ")"));
  f.set_attribute("format_version", format_version());
  f.set_attribute("tiersim_version", std::string(version()));
  f.set_attribute("git_sha", std::string(git_sha()));
  f.set_attribute("model", prov.model);
  f.set_attribute("config_yaml", prov.config_yaml);
  f.set_attribute("seed", static_cast<std::int64_t>(prov.seed));
  f.set_attribute("created", utc_now());
  f.set_attribute("host", host_name());
  f.set_attribute("threads", static_cast<std::int64_t>(prov.threads));
  f.set_attribute("command", prov.command);
  f.set_attribute("calendar_start", layout.start.to_string());

  const std::size_t runs = plan.size();
  f.define_dimension("run", runs);
  std::vector<std::int64_t> index, seeds;
  for (const auto& p : plan) {
    index.push_back(p.run_index);
    seeds.push_back(static_cast<std::int64_t>(p.seed));
  }
  f.write_coordinate("run", index, {{"long_name", std::string("run index in the plan")}});

  for (const auto& d : layout.dims) {
    f.define_dimension(d.name, d.size());
    if (d.is_time) {
      std::vector<std::int64_t> days;
      for (int s : d.steps) days.push_back(layout.start.plus_months(s).first_day().days_since_epoch());
      f.write_coordinate(d.name, days,
                         {{"units", std::string("days since 1970-01-01")},
                          {"calendar", std::string("proleptic_gregorian")},
                          {"long_name", std::string("first day of the recorded month (" + d.long_name + ")")}});
    } else {
      f.write_coordinate(d.name, d.labels, {{"long_name", d.long_name}});
    }
  }

  auto run_var = [&](const std::string& name, DType t, std::vector<Attr> attrs) {
    VarSpec v;
    v.name = name;
    v.dtype = t;
    v.dims = {"run"};
    v.attrs = std::move(attrs);
    v.chunks = {std::max<std::size_t>(1, runs)};
    f.define_variable(v);
  };
  run_var("seed", DType::i64, {{"long_name", std::string("master seed of the run's random streams")}});
  f.write("seed", std::array<std::size_t, 1>{0}, std::array<std::size_t, 1>{runs}, std::span<const std::int64_t>(seeds));
  run_var("run_status", DType::i8,
          {{"long_name", std::string("0 pending, 1 done, 2 failed")},
           {"flag_values", std::string("0 1 2")},
           {"flag_meanings", std::string("pending done failed")}});
  run_var("run_error", DType::str, {{"long_name", std::string("error message of a failed run")}});

  for (const auto& v : layout.vars) {
    VarSpec s;
    s.name = v.name;
    s.dims = {"run"};
    s.dims.insert(s.dims.end(), v.dims.begin(), v.dims.end());
    s.attrs = {{"units", v.units}, {"long_name", v.long_name}, {"level", v.level}};
    // One chunk per run keeps each run's write a single contiguous, compressed block.
    s.chunks = {1};
    s.chunks.insert(s.chunks.end(), v.shape.begin(), v.shape.end());
    f.define_variable(s);
  }
  for (const auto& sv : layout.summaries) {
    run_var(sv.name, DType::f64, {{"units", sv.units}, {"long_name", sv.long_name}});
  }
  f.flush();
  return ResultFile(std::move(f), layout);
}

void ResultFile::write_run(std::size_t slot, const RunData& data) {
  for (std::size_t k = 0; k < layout_.vars.size(); ++k) {
    const auto& v = layout_.vars[k];
    std::vector<std::size_t> start(v.shape.size() + 1, 0), count{1};
    start[0] = slot;
    count.insert(count.end(), v.shape.begin(), v.shape.end());
    file_.write(v.name, start, count, std::span<const double>(data.vars[k]));
  }
  for (std::size_t k = 0; k < layout_.summaries.size(); ++k) {
    file_.write(layout_.summaries[k].name, std::array<std::size_t, 1>{slot}, std::array<std::size_t, 1>{1},
                std::span<const double>(&data.summaries[k], 1));
  }
  const std::int8_t done = static_cast<std::int8_t>(RunStatus::done);
  file_.write("run_status", std::array<std::size_t, 1>{slot}, std::array<std::size_t, 1>{1},
              std::span<const std::int8_t>(&done, 1));
  file_.flush();
}

void ResultFile::mark_failed(std::size_t slot, const std::string& message) {
  const std::int8_t failed = static_cast<std::int8_t>(RunStatus::failed);
  file_.write("run_status", std::array<std::size_t, 1>{slot}, std::array<std::size_t, 1>{1},
              std::span<const std::int8_t>(&failed, 1));
  file_.write("run_error", std::array<std::size_t, 1>{slot}, std::array<std::size_t, 1>{1},
              std::span<const std::string>(&message, 1));
  file_.flush();
}

void ResultFile::commit() { file_.commit(); }

}  // namespace tiersim::output
