// Every input the fuzz targets found (tests/robustness/fuzz_regressions/) and their seed
// corpus (fuzz/corpus/) through the same checks as the fuzzers (fuzz/harness.hpp), in the
// normal build: no clang or libFuzzer needed. A failure here is a regression of a fixed bug.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/harness.hpp"

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().filename() != "README.md") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string bytes_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void check_all(const std::string& target, void (*check)(std::string_view)) {
  const fs::path src(TIERSIM_SOURCE_DIR);
  std::size_t n = 0;
  for (const auto& dir : {src / "tests/robustness/fuzz_regressions" / target, src / "fuzz/corpus" / target}) {
    for (const auto& file : files_in(dir)) {
      INFO(file.string());
      const std::string bytes = bytes_of(file);
      CHECK_NOTHROW(check(bytes));
      ++n;
    }
  }
  CHECK(n > 0);
}

}  // namespace

TEST_CASE("fuzz regressions and seed corpus: configs throw only InputError", "[robustness][fuzz]") {
  check_all("config", tiersim::fuzz::check_config);
}

TEST_CASE("fuzz regressions and seed corpus: country tables throw only InputError", "[robustness][fuzz]") {
  check_all("country_table", tiersim::fuzz::check_country_table);
}
