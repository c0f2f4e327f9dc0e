// The NcFile pieces sweeps are built on (sim/output/nc_file.hpp): in-place files, early
// allocation, whole-file copies and row copies, text-list attributes.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/output/content_digest.hpp"
#include "sim/output/nc_file.hpp"
#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace tiersim;
using namespace tiersim::output;
using tiersim::test::TempDir;
using Idx = std::vector<std::size_t>;

namespace {

VarSpec var(std::string name, DType dtype, std::vector<std::string> dims, std::vector<Attr> attrs = {}) {
  VarSpec spec;
  spec.name = std::move(name);
  spec.dtype = dtype;
  spec.dims = std::move(dims);
  spec.attrs = std::move(attrs);
  return spec;
}

/// run(3) x country(2), a dimension without coordinate, every dtype, a scalar.
void write_source(NcFile& f, double scale) {
  f.set_attribute("title", std::string("source"));
  const std::vector<std::string> names{"a", "b"};
  f.set_attribute("names", std::span<const std::string>(names));
  f.define_dimension("run", 3);
  f.define_dimension("country", 2);
  f.define_dimension("slot", 4);
  f.write_coordinate("run", std::vector<std::int64_t>{0, 1, 2});
  f.write_coordinate("country", std::vector<std::string>{"USA", "CHN"}, {{"long_name", std::string("ISO3")}});
  f.define_variable(var("demand", DType::f64, {"run", "country"}, {{"units", std::string("chips")}, {"k", 2.5}}));
  f.define_variable(var("slots", DType::i32, {"slot"}));
  f.define_variable(var("flag", DType::i8, {"run"}));
  f.define_variable(var("label", DType::str, {"run"}));
  f.define_variable(var("total", DType::f64, {}));
  f.write("demand", Idx{0, 0}, Idx{3, 2}, std::vector<double>{1 * scale, 2, 3, 4, 5, 6 * scale});
  f.write("slots", Idx{0}, Idx{4}, std::vector<std::int32_t>{7, 8, 9, 10});
  f.write("flag", Idx{0}, Idx{3}, std::vector<std::int8_t>{1, 0, 2});
  f.write("label", Idx{0}, Idx{2}, std::vector<std::string>{"x", "y"});  // run 2 left unwritten
  f.write("total", Idx{}, Idx{}, std::vector<double>{42});
}

}  // namespace

TEST_CASE("copy_from reproduces a file and copy_rows_from takes rows from another", "[sweep][nc_file]") {
  TempDir dir;
  {
    NcFile src = NcFile::create(dir / "src.h5");
    write_source(src, 1.0);
    src.commit();
    NcFile other = NcFile::create(dir / "other.h5");
    write_source(other, 10.0);
    other.commit();
  }
  const std::string digest = content_digest(dir / "src.h5");
  {
    const NcFile src = NcFile::open_read(dir / "src.h5");
    NcFile dst = NcFile::create_in_place(dir / "copy.h5");
    CopyOptions options;
    options.deflate_level = 0;
    options.allocate_early = true;
    options.skip_attributes = {"complete"};
    dst.copy_from(src, options);
    CHECK(dst.attribute_strings("names") == std::vector<std::string>{"a", "b"});
    CHECK(dst.attribute("title") == std::optional<AttrValue>(std::string("source")));
    CHECK_FALSE(dst.attribute("complete").has_value());
    CHECK(dst.dimension_size("slot") == std::optional<std::size_t>(4));
    CHECK_FALSE(dst.has_variable("slot"));
    CHECK(dst.variable_attribute("demand", "k") == std::optional<AttrValue>(2.5));
    // A non-empty file cannot be a copy target.
    CHECK_THROWS(dst.copy_from(src, options));
    dst.close();
  }
  CHECK(fs::exists(dir / "copy.h5"));  // in place: close() keeps it
  CHECK(content_digest(dir / "copy.h5") == digest);

  {
    NcFile dst = NcFile::open_update(dir / "copy.h5");
    const NcFile other = NcFile::open_read(dir / "other.h5");
    dst.copy_rows_from(other, "run", Idx{2});
    CHECK(dst.read<double>("demand", Idx{0, 0}, Idx{3, 2}) == std::vector<double>{1, 2, 3, 4, 5, 60});
    // Variables over other dimensions are untouched.
    CHECK(dst.read<std::int64_t>("slots", Idx{0}, Idx{4}) == std::vector<std::int64_t>{7, 8, 9, 10});
    CHECK_THROWS_AS(dst.copy_rows_from(other, "run", Idx{3}), InputError);
    dst.close();
  }
  CHECK(content_digest(dir / "copy.h5") != digest);
}

TEST_CASE("early allocation needs an uncompressed variable and in-place files are never replaced", "[sweep][nc_file]") {
  TempDir dir;
  NcFile f = NcFile::create_in_place(dir / "a.h5");
  f.define_dimension("run", 2);
  VarSpec v = var("x", DType::f64, {"run"});
  v.allocate_early = true;
  CHECK_THROWS_WITH(f.define_variable(v), Catch::Matchers::Contains("allocate_early needs deflate_level 0"));
  v.deflate_level = 0;
  f.define_variable(v);
  CHECK(std::isnan(f.read<double>("x", Idx{0}, Idx{2})[1]));  // allocated and filled at creation
  f.close();
  CHECK_THROWS_WITH(NcFile::create_in_place(dir / "a.h5"), Catch::Matchers::Contains("already exists"));
  // A create()d file closed without commit is abandoned like any uncommitted file.
  NcFile p = NcFile::create(dir / "b.h5");
  p.close();
  CHECK_FALSE(fs::exists(dir / "b.h5.partial"));
  CHECK_FALSE(fs::exists(dir / "b.h5"));
}
