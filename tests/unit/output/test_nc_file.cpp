// NcFile: round trips, the partial-file protocol, input errors and content digests.
// Every file is written into a fresh directory under the system temp directory.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/output/content_digest.hpp"
#include "sim/output/nc_file.hpp"
#include "tests/support/foreign_hdf5.hpp"
#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;
using tiersim::InputError;
using tiersim::output::Attr;
using tiersim::output::AttrValue;
using tiersim::output::content_digest;
using tiersim::output::DType;
using tiersim::output::NcFile;
using tiersim::output::VarSpec;
using tiersim::test::TempDir;

namespace {

fs::path partial_of(const fs::path& path) {
  fs::path partial = path;
  partial += ".partial";
  return partial;
}

using Idx = std::vector<std::size_t>;

// Designated initializers that skip members trip -Wmissing-field-initializers on GCC 12.
VarSpec var(std::string name, DType dtype, std::vector<std::string> dims, std::vector<Attr> attrs = {}) {
  VarSpec spec;
  spec.name = std::move(name);
  spec.dtype = dtype;
  spec.dims = std::move(dims);
  spec.attrs = std::move(attrs);
  return spec;
}

/// A small file over dims run(2) x country(3) with one f64 variable `demand`.
void write_small(const fs::path& path, double corner, const std::string& host) {
  NcFile file = NcFile::create(path);
  file.set_attribute("host", host);
  file.define_dimension("run", 2);
  file.define_dimension("country", 3);
  const std::vector<std::int64_t> runs = {0, 1};
  const std::vector<std::string> countries = {"USA", "CHN", "IND"};
  file.write_coordinate("run", runs);
  file.write_coordinate("country", countries, {{"long_name", std::string("ISO3 code")}});
  file.define_variable(var("demand", DType::f64, {"run", "country"}, {{"units", std::string("chips")}}));
  const std::vector<double> values = {corner, 2, 3, 4, 5, 6};
  file.write("demand", Idx{0, 0}, Idx{2, 3}, values);
  file.commit();
}

}  // namespace

TEST_CASE("NcFile round-trips every dtype through hyperslabs", "[nc_file]") {
  TempDir dir;
  const fs::path path = dir / "out.h5";
  const std::vector<std::string> countries = {"USA", "CHN", "IND", "ARE"};
  {
    NcFile file = NcFile::create(path);
    file.define_dimension("run", 3);
    file.define_dimension("country", 4);
    file.define_dimension("time", 2);
    file.define_dimension("slot", 5);  // no coordinate: a netCDF dimension-only scale
    const std::vector<std::int64_t> days = {19000, 19001};
    const std::vector<double> runs = {0.5, 1.5, 2.5};
    file.write_coordinate("country", countries);
    file.write_coordinate("time", days, {{"units", std::string("days since 1970-01-01")}});
    file.write_coordinate("run", runs);

    file.define_variable(
        var("f", DType::f64, {"run", "country"},
            {{"units", std::string("USD")}, {"scale", 2.5}, {"count", std::int64_t{7}}, {"empty", std::string()}}));
    VarSpec l = var("l", DType::i64, {"run", "country"});
    l.chunks = {2, 2};
    l.deflate_level = 0;
    file.define_variable(l);
    file.define_variable(var("m", DType::i32, {"time", "slot"}));
    file.define_variable(var("b", DType::i8, {"country"}));
    file.define_variable(var("s", DType::str, {"run"}));
    file.define_variable(var("total", DType::f64, {}));

    // One run at a time, as the sweep writes; run 2 of `f` is never written.
    file.write("f", Idx{0, 0}, Idx{1, 4}, std::vector<double>{1, 2, 3, 4});
    file.write("f", Idx{1, 1}, Idx{1, 2}, std::vector<double>{-0.5, 1e300});
    file.write("l", Idx{0, 1}, Idx{3, 2}, std::vector<std::int64_t>{INT64_MIN, 1, 2, 3, 4, INT64_MAX});
    file.write("m", Idx{1, 0}, Idx{1, 5}, std::vector<std::int32_t>{-1, -2, -3, -4, INT32_MAX});
    file.write("b", Idx{0}, Idx{4}, std::vector<std::int8_t>{-128, 0, 1, 127});
    file.write("s", Idx{1}, Idx{2}, std::vector<std::string>{"héllo", ""});
    file.write("total", Idx{}, Idx{}, std::vector<double>{42.0});

    // Readable before commit (resume reads what it wrote).
    CHECK(file.read<double>("f", Idx{1, 1}, Idx{1, 2}) == std::vector<double>{-0.5, 1e300});
    CHECK(file.has_variable("f"));
    CHECK_FALSE(file.has_variable("slot"));
    file.flush();
    file.commit();
  }

  const NcFile file = NcFile::open_read(path);
  CHECK(file.path() == path);
  CHECK(file.attribute("complete") == std::optional<AttrValue>(std::int64_t{1}));
  CHECK(file.attribute("tiersim_format") == std::optional<AttrValue>(std::string("tiersim-output")));
  CHECK_FALSE(file.attribute("missing").has_value());

  CHECK(file.variable_names() == std::vector<std::string>{"b", "country", "f", "l", "m", "run", "s", "time", "total"});
  using Dims = std::vector<std::pair<std::string, std::size_t>>;
  CHECK(file.dimensions() == Dims{{"country", 4}, {"run", 3}, {"slot", 5}, {"time", 2}});
  CHECK(file.dimension_size("slot") == std::optional<std::size_t>(5));
  CHECK_FALSE(file.dimension_size("f").has_value());
  CHECK(file.dimensions_of("f") == std::vector<std::string>{"run", "country"});
  CHECK(file.dimensions_of("m") == std::vector<std::string>{"time", "slot"});
  CHECK(file.dimensions_of("country") == std::vector<std::string>{"country"});
  CHECK(file.dimensions_of("total").empty());
  CHECK(file.shape_of("l") == std::vector<std::size_t>{3, 4});
  CHECK(file.shape_of("total").empty());

  CHECK(file.read_str("country") == countries);
  CHECK(file.read<std::int64_t>("time", Idx{0}, Idx{2}) == std::vector<std::int64_t>{19000, 19001});
  CHECK(file.read<double>("run", Idx{1}, Idx{2}) == std::vector<double>{1.5, 2.5});
  CHECK(file.variable_attribute("time", "units") == std::optional<AttrValue>(std::string("days since 1970-01-01")));
  CHECK(file.variable_attribute("f", "units") == std::optional<AttrValue>(std::string("USD")));
  CHECK(file.variable_attribute("f", "scale") == std::optional<AttrValue>(2.5));
  CHECK(file.variable_attribute("f", "count") == std::optional<AttrValue>(std::int64_t{7}));
  CHECK(file.variable_attribute("f", "empty") == std::optional<AttrValue>(std::string()));

  const auto f = file.read<double>("f", Idx{0, 0}, Idx{3, 4});
  REQUIRE(f.size() == 12);
  CHECK(std::vector<double>(f.begin(), f.begin() + 4) == std::vector<double>{1, 2, 3, 4});
  CHECK(std::isnan(f[4]));  // unwritten: fill value NaN
  CHECK(f[5] == -0.5);
  CHECK(f[6] == 1e300);
  for (std::size_t i = 8; i < 12; ++i) CHECK(std::isnan(f[i]));
  const auto fill = file.variable_attribute("f", "_FillValue");
  REQUIRE(fill.has_value());
  CHECK(std::isnan(std::get<double>(*fill)));

  CHECK(file.read<std::int64_t>("l", Idx{0, 0}, Idx{3, 4}) ==
        std::vector<std::int64_t>{0, INT64_MIN, 1, 0, 0, 2, 3, 0, 0, 4, INT64_MAX, 0});
  CHECK_FALSE(file.variable_attribute("l", "_FillValue").has_value());  // keeps xarray from making it float
  // i32 and i8 read as std::int64_t (lossless widening).
  CHECK(file.read<std::int64_t>("m", Idx{0, 3}, Idx{2, 2}) == std::vector<std::int64_t>{0, 0, -4, INT32_MAX});
  CHECK(file.read<std::int8_t>("b", Idx{1}, Idx{3}) == std::vector<std::int8_t>{0, 1, 127});
  CHECK(file.read<std::int64_t>("b", Idx{0}, Idx{1}) == std::vector<std::int64_t>{-128});
  CHECK(file.read_str("s") == std::vector<std::string>{"", "héllo", ""});
  CHECK(file.read<double>("total", Idx{}, Idx{}) == std::vector<double>{42.0});
  CHECK(file.read<double>("f", Idx{2, 0}, Idx{0, 4}).empty());
}

TEST_CASE("NcFile hyperslab and name errors are InputError", "[nc_file]") {
  TempDir dir;
  NcFile file = NcFile::create(dir / "e.h5");
  file.define_dimension("run", 2);
  file.define_dimension("country", 3);
  file.define_variable(var("v", DType::f64, {"run", "country"}));

  const std::vector<double> three = {1, 2, 3};
  CHECK_THROWS_AS(file.write("nope", Idx{0, 0}, Idx{1, 3}, three), InputError);
  CHECK_THROWS_AS(file.write("v", Idx{0}, Idx{3}, three), InputError);        // rank
  CHECK_THROWS_AS(file.write("v", Idx{0, 0}, Idx{1, 2}, three), InputError);  // size
  CHECK_THROWS_AS(file.write("v", Idx{1, 1}, Idx{1, 3}, three), InputError);  // extent
  CHECK_THROWS_AS(file.write("v", Idx{0, 0}, Idx{1, 3}, std::vector<std::int64_t>{1, 2, 3}),
                  InputError);  // dtype
  CHECK_THROWS_AS(file.read<std::int8_t>("v", Idx{0, 0}, Idx{1, 1}), InputError);
  CHECK_THROWS_AS(file.define_variable(var("w", DType::f64, {"missing"})), InputError);
  VarSpec bad_chunks = var("w", DType::f64, {"run"});
  bad_chunks.chunks = {5};
  CHECK_THROWS_AS(file.define_variable(bad_chunks), InputError);
  CHECK_THROWS_AS(file.define_variable(var("v", DType::i8, {"run"})), InputError);
  CHECK_NOTHROW(file.define_variable(var("v", DType::f64, {"run", "country"})));
  CHECK_THROWS_AS(file.define_dimension("run", 4), InputError);
  CHECK_THROWS_AS(file.define_dimension("a/b", 4), InputError);
  CHECK_THROWS_AS(file.write_coordinate("country", std::vector<std::int64_t>{1, 2}), InputError);
  CHECK_THROWS_AS(file.write_coordinate("undefined", std::vector<std::int64_t>{1}), InputError);
  // `run` became a dimension-only scale when `v` was defined over it.
  CHECK_THROWS_AS(file.write_coordinate("run", std::vector<std::int64_t>{1, 2}), InputError);
  CHECK_THROWS_AS(file.dimensions_of("nope"), InputError);
  CHECK_THROWS_WITH(file.shape_of("nope"), Catch::Contains("e.h5") && Catch::Contains("nope"));
}

TEST_CASE("NcFile writes to .partial and publishes on commit", "[nc_file]") {
  TempDir dir;
  const fs::path path = dir / "run.h5";
  {
    NcFile file = NcFile::create(path);
    file.define_dimension("x", 2);
    CHECK(fs::exists(partial_of(path)));
    CHECK_FALSE(fs::exists(path));
  }  // never committed
  CHECK_FALSE(fs::exists(partial_of(path)));
  CHECK_FALSE(fs::exists(path));

  {
    NcFile file = NcFile::create(path);
    file.define_dimension("x", 2);
    file.commit();
    CHECK(fs::exists(path));
    CHECK_FALSE(fs::exists(partial_of(path)));
    CHECK_THROWS_AS(file.flush(), tiersim::RuntimeFailure);  // closed by commit
  }
  CHECK(fs::exists(path));  // the destructor of a committed file leaves it alone
  CHECK(NcFile::open_read(path).dimension_size("x") == std::optional<std::size_t>(2));
}

TEST_CASE("NcFile refuses to overwrite unless asked", "[nc_file]") {
  TempDir dir;
  const fs::path path = dir / "out.h5";
  write_small(path, 1.0, "a");
  const std::string before = content_digest(path);
  CHECK_THROWS_AS(NcFile::create(path), InputError);
  CHECK_THROWS_AS(NcFile::create(dir / "no-such-dir" / "out.h5"), InputError);
  CHECK_THROWS_AS(NcFile::create(dir / "", true), InputError);
  {
    NcFile file = NcFile::create(path, /*overwrite=*/true);
    CHECK(content_digest(path) == before);  // untouched until commit
  }
  CHECK(content_digest(path) == before);  // abandoned overwrite leaves the old file
  {
    NcFile file = NcFile::create(path, true);
    file.commit();
  }
  CHECK(NcFile::open_read(path).variable_names().empty());
}

TEST_CASE("NcFile rejects files that are not tiersim output", "[nc_file]") {
  TempDir dir;
  CHECK_THROWS_AS(NcFile::open_update(dir / "missing.h5"), InputError);
  CHECK_THROWS_AS(NcFile::open_read(dir / "missing.h5"), InputError);
  CHECK_THROWS_AS(content_digest(dir / "missing.h5"), InputError);

  const fs::path text = dir / "text.h5";
  std::ofstream(text) << "not an HDF5 file\n";
  CHECK_THROWS_AS(NcFile::open_update(text), InputError);
  CHECK_THROWS_WITH(NcFile::open_read(text), Catch::Contains("not an HDF5 file"));

  const fs::path foreign = dir / "foreign.h5";
  REQUIRE(tiersim::test::write_foreign_hdf5(foreign));
  CHECK_THROWS_AS(NcFile::open_update(foreign), InputError);
  CHECK_THROWS_WITH(NcFile::open_read(foreign), Catch::Contains("tiersim_format"));
}

TEST_CASE("NcFile open_update modifies in place and marks completion", "[nc_file]") {
  TempDir dir;
  const fs::path path = dir / "resume.h5";
  {
    NcFile file = NcFile::create(path);
    file.define_dimension("run", 3);
    file.define_variable(var("v", DType::i64, {"run"}));
    file.write("v", Idx{0}, Idx{1}, std::vector<std::int64_t>{10});
    file.set_attribute("complete", std::int64_t{0});
    file.flush();
    // Simulate an interrupted run whose file was kept: commit, then clear the marker.
    file.commit();
  }
  {
    NcFile file = NcFile::open_update(path);
    file.set_attribute("complete", std::int64_t{0});
  }  // closing without commit keeps the file, marked incomplete
  {
    NcFile file = NcFile::open_update(path);
    CHECK(file.attribute("complete") == std::optional<AttrValue>(std::int64_t{0}));
    file.define_dimension("run", 3);  // identical re-definition is accepted
    file.define_variable(var("v", DType::i64, {"run"}));
    file.write("v", Idx{1}, Idx{2}, std::vector<std::int64_t>{11, 12});
    file.commit();
  }
  CHECK_FALSE(fs::exists(partial_of(path)));
  const NcFile file = NcFile::open_read(path);
  CHECK(file.attribute("complete") == std::optional<AttrValue>(std::int64_t{1}));
  CHECK(file.read<std::int64_t>("v", Idx{0}, Idx{3}) == std::vector<std::int64_t>{10, 11, 12});
}

TEST_CASE("content_digest ignores root attributes and sees every value", "[nc_file]") {
  TempDir dir;
  write_small(dir / "a.h5", 1.0, "host-a");
  write_small(dir / "b.h5", 1.0, "host-b");
  write_small(dir / "c.h5", 1.5, "host-a");
  const std::string a = content_digest(dir / "a.h5");
  CHECK(a.size() == 64);
  CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(content_digest(dir / "b.h5") == a);
  CHECK(content_digest(dir / "c.h5") != a);

  {  // provenance updated in place on resume is still not content
    NcFile file = NcFile::open_update(dir / "b.h5");
    file.set_attribute("host", std::string("elsewhere"));
    file.commit();
  }
  CHECK(content_digest(dir / "b.h5") == a);
}

TEST_CASE("NcFile move semantics", "[nc_file]") {
  TempDir dir;
  const fs::path first = dir / "first.h5";
  const fs::path second = dir / "second.h5";
  {
    NcFile file = NcFile::create(first);
    NcFile moved(std::move(file));
    moved.define_dimension("x", 1);
    NcFile other = NcFile::create(second);
    other = std::move(moved);  // abandons `second`, takes over `first`
    CHECK_FALSE(fs::exists(partial_of(second)));
    CHECK(other.path() == first);
    CHECK_THROWS_AS(moved.flush(), tiersim::RuntimeFailure);
    other.commit();
  }  // moved-from destructors do nothing
  CHECK(fs::exists(first));
  CHECK_FALSE(fs::exists(second));
}

TEST_CASE("NcFile can be used from several threads", "[nc_file]") {
  TempDir dir;
  NcFile shared = NcFile::create(dir / "shared.h5");
  shared.define_dimension("run", 8);
  shared.define_dimension("x", 16);
  shared.define_variable(var("v", DType::f64, {"run", "x"}));
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t run = t; run < 8; run += 4) {
        shared.write("v", Idx{run, 0}, Idx{1, 16}, std::vector<double>(16, static_cast<double>(run)));
      }
      write_small(dir / ("own" + std::to_string(t) + ".h5"), 1.0, "h");
    });
  }
  for (auto& thread : threads) thread.join();
  const auto values = shared.read<double>("v", Idx{0, 0}, Idx{8, 16});
  for (std::size_t i = 0; i < values.size(); ++i) CHECK(values[i] == static_cast<double>(i / 16));
  shared.commit();
  CHECK(content_digest(dir / "own0.h5") == content_digest(dir / "own3.h5"));
}
