// The sweep file protocol (sim/output/result_file.hpp): the in-progress file is written in
// place without changing its size (chunks allocated up front), compaction and expansion keep
// the content digest, and the output lock admits one process.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/output/nc_file.hpp"
#include "sim/output/result_file.hpp"
#include "sim/sweep/file_lock.hpp"
#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace tiersim;
using output::RunStatus;
using tiersim::test::TempDir;

namespace {

output::Layout small_layout() {
  output::Layout l;
  l.start = time::YearMonth{2025, 1};
  output::OutputDim t;
  t.name = "time";
  t.is_time = true;
  t.steps = {0, 1, 2};
  t.long_name = "month";
  output::OutputDim m;
  m.name = "market";
  m.labels = {"a", "b"};
  l.dims = {t, m};
  output::OutputVar v;
  v.name = "share";
  v.units = "1";
  v.dims = {"time", "market"};
  v.shape = {3, 2};
  l.vars = {v};
  l.summaries = {{"final", "1", "final share"}};
  return l;
}

output::RunData data_for(std::size_t run) {
  output::RunData d;
  d.vars = {std::vector<double>(6)};
  for (std::size_t i = 0; i < 6; ++i) d.vars[0][i] = static_cast<double>(run) + 0.1 * static_cast<double>(i);
  d.summaries = {static_cast<double>(run) * 2.0};
  return d;
}

std::vector<output::PlannedRun> plan_of(std::size_t n) {
  std::vector<output::PlannedRun> plan(n);
  for (std::size_t i = 0; i < n; ++i) {
    plan[i].run_index = static_cast<std::int64_t>(i);
    plan[i].seed = 100 + i;
    plan[i].point = static_cast<std::int64_t>(i / 2);
    plan[i].scenario = i % 2 == 0 ? "a" : "b";
  }
  return plan;
}

output::SweepDescription description(std::size_t n) {
  output::SweepDescription d;
  d.sweep_yaml = "design: {kind: grid}\n";
  d.sweep_hash = std::string(64, 'a');
  d.design_kind = "grid";
  d.design_parameters = {"params.q"};
  d.design_samples = static_cast<std::int64_t>(n / 2);
  output::PlanColumn q;
  q.name = "params.q";
  for (std::size_t i = 0; i < n; ++i) q.numbers.push_back(0.1 * static_cast<double>(i / 2));
  d.columns = {q};
  return d;
}

}  // namespace

TEST_CASE("an in-progress sweep file is written in place, compacted and expanded losslessly", "[sweep][file]") {
  TempDir dir;
  const fs::path incomplete = dir / "s.h5.incomplete";
  const fs::path out = dir / "s.h5";
  const std::size_t n = 6;
  const auto layout = small_layout();
  const output::Provenance prov{"bass", "model: bass\n", 1, 2, 1, "test"};
  {
    auto file = output::ResultFile::create_incomplete(incomplete, layout, plan_of(n), prov, description(n), false);
    CHECK_FALSE(fs::exists(dir / "s.h5.incomplete.new"));
    CHECK(file.statuses() == std::vector<RunStatus>(n, RunStatus::pending));
    const auto size_before = fs::file_size(incomplete);
    // Completion order, not plan order.
    for (const std::size_t run : {4u, 1u, 0u}) file.write_run(run, data_for(run));
    // Every chunk existed from the start: writing runs did not grow the file.
    CHECK(fs::file_size(incomplete) == size_before);
    // (An error message is a variable-length string on HDF5's heap: that one does.)
    file.mark_failed(3, "boom");
    file.close();
  }
  CHECK_THROWS_AS(output::ResultFile::create_incomplete(incomplete, layout, plan_of(n), prov, description(n), false),
                  InputError);
  {
    auto file = output::ResultFile::open_incomplete(incomplete, layout);
    const auto s = file.statuses();
    CHECK(s == std::vector<RunStatus>{RunStatus::done, RunStatus::done, RunStatus::pending, RunStatus::failed,
                                      RunStatus::done, RunStatus::pending});
    for (const std::size_t run : {2u, 3u, 5u}) file.write_run(run, data_for(run));  // resume, retry the failure
    file.close();
  }
  const std::string digest = output::content_digest(incomplete);
  output::ResultFile::compact(incomplete, out, false);
  CHECK_FALSE(fs::exists(incomplete));
  CHECK(output::content_digest(out) == digest);
  {
    const auto f = output::NcFile::open_read(out);
    CHECK(f.attribute("complete") == std::optional<output::AttrValue>(std::int64_t{1}));
    CHECK(f.attribute_strings("design_parameters") == std::vector<std::string>{"params.q"});
    CHECK(f.read_str("run_error") == std::vector<std::string>(n, ""));  // the retried run's message is cleared
    CHECK(f.read_str("scenario") == std::vector<std::string>{"a", "b", "a", "b", "a", "b"});
    const auto share = f.read_f64("share", std::vector<std::size_t>{3, 0, 0}, std::vector<std::size_t>{1, 3, 2});
    CHECK(share == data_for(3).vars[0]);
  }
  // Expanding a finished file (to re-run failures) gives the same content, in place-writable.
  output::ResultFile::expand(out, incomplete);
  CHECK(output::content_digest(incomplete) == digest);
  {
    const auto f = output::NcFile::open_read(incomplete);
    CHECK_FALSE(f.attribute("complete").has_value());
  }
  auto again = output::ResultFile::open_incomplete(incomplete, layout);
  CHECK(again.statuses() == std::vector<RunStatus>(n, RunStatus::done));
}

TEST_CASE("resuming refuses a file without the sweep's variables", "[sweep][file]") {
  TempDir dir;
  const fs::path p = dir / "x.h5.incomplete";
  auto layout = small_layout();
  const output::Provenance prov{"bass", "", 1, 1, 1, ""};
  output::ResultFile::create_incomplete(p, layout, plan_of(2), prov, description(2), false).close();
  layout.vars[0].name = "other";
  CHECK_THROWS_WITH(output::ResultFile::open_incomplete(p, layout),
                    Catch::Matchers::Contains("variable 'other' is missing"));
}

TEST_CASE("the output lock admits one holder and disappears with it", "[sweep][lock]") {
  TempDir dir;
  const fs::path lock = dir / "o.h5.lock";
  {
    const auto held = sweep::FileLock::acquire(lock, dir / "o.h5");
    CHECK(fs::exists(lock));
    // flock locks belong to an open file description: a second open in the same process
    // conflicts exactly as another process would.
    CHECK_THROWS_WITH(sweep::FileLock::acquire(lock, dir / "o.h5"),
                      Catch::Matchers::Contains("another tiersim process"));
  }
  CHECK_FALSE(fs::exists(lock));
  const auto again = sweep::FileLock::acquire(lock, dir / "o.h5");
  CHECK(fs::exists(lock));
}
