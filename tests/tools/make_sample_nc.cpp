// Writes a small sample output file with NcFile, for tests/python/test_nc_xarray.py, which
// checks that xarray (netCDF4 engine) reads it. Usage: make_sample_nc OUTPUT_PATH
#include <cstdint>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "sim/output/nc_file.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_sample_nc OUTPUT_PATH\n";
    return 2;
  }
  using namespace tiersim::output;
  try {
    NcFile file = NcFile::create(argv[1], /*overwrite=*/true);
    file.set_attribute("title", std::string("tiersim sample"));
    file.set_attribute("seed", std::int64_t{42});

    file.define_dimension("time", 3);
    file.define_dimension("country", 4);
    // 2024-01-01, 2024-01-02, 2024-03-01
    const std::vector<std::int64_t> days = {19723, 19724, 19783};
    file.write_coordinate(
        "time", days,
        {{"units", std::string("days since 1970-01-01")}, {"calendar", std::string("proleptic_gregorian")}});
    const std::vector<std::string> countries = {"USA", "CHN", "IND", "ARE"};
    file.write_coordinate("country", countries, {{"long_name", std::string("ISO3 code")}});

    VarSpec demand;
    demand.name = "demand";
    demand.dtype = DType::f64;
    demand.dims = {"time", "country"};
    demand.attrs = {{"units", std::string("chips")}, {"long_name", std::string("AI-chip demand")}, {"scale", 0.5}};
    file.define_variable(demand);
    VarSpec tier;
    tier.name = "tier";
    tier.dtype = DType::i8;
    tier.dims = {"country"};
    tier.attrs = {{"long_name", std::string("export-control tier")}};
    file.define_variable(tier);

    for (std::size_t t = 0; t < 3; ++t) {  // one time step per write, as a run does
      std::vector<double> row;
      for (std::size_t c = 0; c < 4; ++c) row.push_back(static_cast<double>(10 * t + c) + 0.25);
      const std::vector<std::size_t> start = {t, 0};
      const std::vector<std::size_t> count = {1, 4};
      file.write("demand", start, count, row);
    }
    const std::vector<std::int8_t> tiers = {1, 3, 2, 2};
    const std::vector<std::size_t> start = {0};
    const std::vector<std::size_t> count = {4};
    file.write("tier", start, count, tiers);
    file.commit();
  } catch (const std::exception& e) {
    std::cerr << "make_sample_nc: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
