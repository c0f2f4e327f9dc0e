// ResultReader: reading back what ResultFile wrote, and the one format check.
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/output/nc_file.hpp"
#include "sim/output/result_file.hpp"
#include "sim/output/result_reader.hpp"
#include "tests/support/foreign_hdf5.hpp"
#include "tests/support/result_fixtures.hpp"
#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace tiersim;
using output::ResultReader;
using output::RunStatus;
using tiersim::test::TempDir;

namespace {

const output::Provenance kProvenance{"bass", "model: bass\n", 1, 1, 1, "test"};

/// An in-progress sweep file of 4 runs: 0 done, 1 failed, 2 and 3 pending.
fs::path sweep_file(const TempDir& dir, const std::string& shard) {
  const fs::path path = dir / "s.h5.incomplete";
  auto sweep = test::description(4);
  sweep.shard = shard;
  auto file =
      output::ResultFile::create_incomplete(path, test::small_layout(), test::plan_of(4), kProvenance, sweep, false);
  file.write_run(0, test::data_for(0));
  file.mark_failed(1, "boom");
  file.close();
  return path;
}

void set_format_version(const fs::path& path, const output::AttrValue& version) {
  auto f = output::NcFile::open_update(path);
  f.set_attribute(output::schema::kFormatVersion, version);
  f.close();
}

}  // namespace

TEST_CASE("ResultReader reads back statuses, errors and the sweep's identity", "[result_reader]") {
  TempDir dir;
  const auto f = ResultReader::open(sweep_file(dir, "1/3"));
  CHECK(f.runs() == 4);
  CHECK(f.has_statuses());
  CHECK(f.statuses() ==
        std::vector<RunStatus>{RunStatus::done, RunStatus::failed, RunStatus::pending, RunStatus::pending});
  CHECK(f.has_errors());
  CHECK(f.errors() == std::vector<std::string>{"", "boom", "", ""});
  CHECK(f.sweep_hash() == std::optional<std::string>(std::string(64, 'a')));
  CHECK(f.shard() == std::optional<std::string>("1/3"));
  CHECK_FALSE(f.is_complete());
  CHECK(f.text(output::schema::kModel) == std::optional<std::string>("bass"));
  CHECK_FALSE(f.text(output::schema::kSeed).has_value());  // an integer, not text
}

TEST_CASE("ResultReader: a single run is complete and belongs to no sweep or shard", "[result_reader]") {
  TempDir dir;
  const fs::path path = dir / "run.h5";
  auto file = output::ResultFile::create(path, test::small_layout(), test::plan_of(1), kProvenance, false);
  file.write_run(0, test::data_for(0));
  file.commit();
  const auto f = ResultReader::open(path);
  CHECK(f.is_complete());
  CHECK(f.statuses() == std::vector<RunStatus>{RunStatus::done});
  CHECK_FALSE(f.sweep_hash().has_value());
  CHECK_FALSE(f.shard().has_value());
}

TEST_CASE("ResultReader refuses unknown major versions and foreign files", "[result_reader]") {
  TempDir dir;
  const fs::path path = sweep_file(dir, "");
  set_format_version(path, std::string("2.7"));  // a minor bump only adds things
  CHECK(ResultReader::open(path).runs() == 4);

  set_format_version(path, std::string("3.0"));
  CHECK_THROWS_WITH(
      ResultReader::open(path),
      Catch::Equals("'" + path.string() + "': format_version 3.0 is not supported by this tiersim (format 2.0)"));
  set_format_version(path, std::int64_t{1});  // not text: as good as missing
  CHECK_THROWS_WITH(ResultReader::open(path), Catch::Contains("format_version (missing) is not supported"));
  // inspect() shows what the file is, whatever its version.
  set_format_version(path, std::string("3.0"));
  CHECK(ResultReader::inspect(path).text(output::schema::kFormatVersion) == std::optional<std::string>("3.0"));

  const fs::path foreign = dir / "foreign.h5";
  REQUIRE(test::write_foreign_hdf5(foreign));
  CHECK_THROWS_AS(ResultReader::open(foreign), InputError);
  CHECK_THROWS_WITH(ResultReader::inspect(foreign), Catch::Contains("not a tiersim output file"));
}

TEST_CASE("a run_status code that is no RunStatus reads as pending", "[result_reader]") {
  TempDir dir;
  const fs::path path = sweep_file(dir, "");
  {
    auto f = output::NcFile::open_update(path);
    const std::vector<std::int8_t> code{7};
    f.write(output::schema::kRunStatus, std::vector<std::size_t>{0}, std::vector<std::size_t>{1}, code);
    f.close();
  }
  CHECK(ResultReader::open(path).statuses().front() == RunStatus::pending);
}
