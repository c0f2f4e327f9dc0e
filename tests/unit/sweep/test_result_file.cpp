// The sweep file protocol (sim/output/result_file.hpp): the in-progress file is written in
// place without changing its size (chunks allocated up front), compaction and expansion keep
// the content digest, and the output lock admits one process.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/output/content_digest.hpp"
#include "sim/output/nc_file.hpp"
#include "sim/output/result_file.hpp"
#include "sim/sweep/file_lock.hpp"
#include "tests/support/result_fixtures.hpp"
#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace tiersim;
using output::RunStatus;
using tiersim::test::TempDir;

using test::data_for;
using test::description;
using test::plan_of;
using test::small_layout;

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
    const auto share = f.read<double>("share", std::vector<std::size_t>{3, 0, 0}, std::vector<std::size_t>{1, 3, 2});
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
