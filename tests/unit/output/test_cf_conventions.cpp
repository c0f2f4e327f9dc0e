// CF names and units (sim/output/cf_conventions.hpp) and their use in the result file:
// parameter variables, typed flag_values kept by compaction, name clashes refused.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "sim/core/error.hpp"
#include "sim/output/cf_conventions.hpp"
#include "sim/output/nc_file.hpp"
#include "sim/output/result_file.hpp"
#include "tests/support/result_fixtures.hpp"
#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace tiersim;
namespace cf = tiersim::output::cf;

TEST_CASE("config paths become CF variable names", "[cf]") {
  CHECK(cf::variable_name("params.china.export_share") == "params_china_export_share");
  CHECK(cf::variable_name("params.q") == "params_q");
  CHECK(cf::variable_name("calendar.months") == "calendar_months");
  CHECK(cf::variable_name("2x") == "v2x");
}

TEST_CASE("model units become UDUNITS units, counted things dimensionless", "[cf]") {
  CHECK(cf::units("") == "");
  CHECK(cf::units("1") == "1");
  CHECK(cf::units("H100e") == "1");
  CHECK(cf::units("H100e/month") == "month-1");
  CHECK(cf::units("USD/H100e") == "1");
  CHECK(cf::units("USD/year") == "year-1");
  CHECK(cf::units("H100e/(buyer year)") == "year-1");
  CHECK(cf::units("1/quarter") == "(3 month)-1");
  CHECK(cf::units("month") == "month");
  CHECK(cf::units("utils per log(USD/H100e)") == "1");
  CHECK(cf::units("utils per risk unit") == "1");
  CHECK(cf::units("risk units") == "1");
  CHECK(cf::units("month/year") == "month year-1");
  // Words it does not know are passed on, for UDUNITS (and the CF test) to judge.
  CHECK(cf::units("kg/month") == "kg month-1");
}

TEST_CASE("labels that are all integers make a numeric coordinate", "[cf]") {
  CHECK(cf::integer_labels({"1", "2", "3"}) == std::vector<std::int64_t>{1, 2, 3});
  CHECK(cf::integer_labels({"-4", "10"}) == std::vector<std::int64_t>{-4, 10});
  CHECK_FALSE(cf::integer_labels({"1", "2a"}).has_value());
  CHECK_FALSE(cf::integer_labels({"01"}).has_value());
  CHECK_FALSE(cf::integer_labels({"+1"}).has_value());
  CHECK_FALSE(cf::integer_labels({}).has_value());
}

TEST_CASE("a sweep file keeps int8 flag_values through compaction and names parameters CF-safe", "[cf]") {
  test::TempDir dir;
  const fs::path incomplete = dir / "s.h5.incomplete";
  const output::Provenance prov{"bass", "model: bass\n", 1, 1, 1, "test"};
  auto description = test::description(2);
  description.columns[0].units = "1/year";
  {
    auto file = output::ResultFile::create_incomplete(incomplete, test::small_layout(), test::plan_of(2), prov,
                                                      description, false);
    for (std::size_t run : {0u, 1u}) file.write_run(run, test::data_for(run));
    file.close();
  }
  output::ResultFile::compact(incomplete, dir / "s.h5", false);
  const auto f = output::NcFile::open_read(dir / "s.h5");
  CHECK(f.has_variable("params_q"));
  CHECK_FALSE(f.has_variable("params.q"));
  CHECK(f.variable_attribute("params_q", "config_path") == std::optional<output::AttrValue>(std::string("params.q")));
  CHECK(f.variable_attribute("params_q", "units") == std::optional<output::AttrValue>(std::string("year-1")));
  CHECK(f.variable_attribute("params_q", "tiersim_units") == std::optional<output::AttrValue>(std::string("1/year")));
  CHECK(f.variable_attribute("share", "coordinates") ==
        std::optional<output::AttrValue>(std::string("seed point replicate scenario params_q")));
  // An array is no single AttrValue; the CF test (tests/python) reads its values and type.
  CHECK_FALSE(f.variable_attribute("run_status", "flag_values").has_value());
}

TEST_CASE("two parameters that would share a variable name are refused", "[cf]") {
  test::TempDir dir;
  const output::Provenance prov{"bass", "model: bass\n", 1, 1, 1, "test"};
  auto description = test::description(2);
  description.columns.push_back(description.columns[0]);
  description.columns[0].name = "params.a_b";
  description.columns[1].name = "params.a.b";
  CHECK_THROWS_WITH(output::ResultFile::create_incomplete(dir / "s.h5.incomplete", test::small_layout(),
                                                          test::plan_of(2), prov, description, false),
                    Catch::Contains("swept parameter 'params.a_b' and swept parameter 'params.a.b' would both be "
                                    "the variable 'params_a_b'"));
  CHECK_FALSE(fs::exists(dir / "s.h5.incomplete"));
}
