#include <catch2/catch.hpp>

#include "models/diffusion/country_table.hpp"
#include "sim/core/error.hpp"
#include "tests/support/temp_dir.hpp"

using namespace tiersim;
using namespace tiersim::models::diffusion;
using Catch::Matchers::Contains;

namespace {
const std::string kHeader =
    "iso3,name,region,gdp_usd,gdp_year,population,tier_2025,us_ally,huawei_5g,cn_cloud_region,notable_ai_demand_"
    "h100e\n";
const std::string kGood = "USA,United States,North America,2.7e13,2023,334914895,1,1,EX,1,\n";
}  // namespace

TEST_CASE("the shipped country table loads with the documented tier counts", "[diffusion][data]") {
  const auto t = load_country_table(std::string(TIERSIM_SOURCE_DIR) + "/configs/data/countries.csv");
  CHECK(t.rows.size() == 216);
  int tiers[4] = {0, 0, 0, 0};
  for (const auto& r : t.rows) ++tiers[r.tier_2025];
  CHECK(tiers[1] == 19);
  CHECK(tiers[2] == 172);
  CHECK(tiers[3] == 25);
  const auto& are = t.rows[static_cast<std::size_t>(t.index_of("ARE"))];
  CHECK(*are.notable_ai_demand == 1100000.0);
  CHECK(are.cn_cloud_region);
  CHECK(t.index_of("XXX") == -1);
}

TEST_CASE("malformed country tables fail with file, line and column", "[diffusion][data]") {
  test::TempDir dir;
  auto load = [&](const std::string& text) { return load_country_table(dir.write("c.csv", text)); };
  CHECK_THROWS_WITH(load("iso3,name\nUSA,x\n"), Contains("c.csv:1") && Contains("missing column 'region'"));
  CHECK_THROWS_WITH(load(kHeader + kGood + kGood), Contains("c.csv:3") && Contains("duplicate country code"));
  CHECK_THROWS_WITH(load(kHeader + "usa,x,North America,1,2023,1,1,1,,0,\n"), Contains("'iso3'"));
  CHECK_THROWS_WITH(load(kHeader + "USA,x,North America,1,2023,1,4,1,,0,\n"),
                    Contains("c.csv:2") && Contains("'tier_2025'") && Contains("1, 2 or 3"));
  CHECK_THROWS_WITH(load(kHeader + "USA,x,North America,-5,2023,1,1,1,,0,\n"), Contains("'gdp_usd'"));
  CHECK_THROWS_WITH(load(kHeader + "USA,x,North America,abc,2023,1,1,1,,0,\n"), Contains("expected a number"));
  CHECK_THROWS_WITH(load(kHeader + "USA,x,North America,1,2023,1,1,2,,0,\n"),
                    Contains("'us_ally'") && Contains("0 or 1"));
  CHECK_THROWS_WITH(load(kHeader + "USA,x,North America,1,2023,1,1,1,XX,0,\n"), Contains("'huawei_5g'"));
  CHECK_THROWS_WITH(load(kHeader + "USA,x,North America,1,2023,1,1,1,,0,-3\n"), Contains("cannot be negative"));
  CHECK_THROWS_WITH(load(kHeader + "USA,x,North America,1,2023,1,1,1\n"), Contains("expected 11 columns"));
  CHECK_THROWS_WITH(load(kHeader), Contains("no rows"));
  CHECK_THROWS_WITH(load_country_table(dir / "missing.csv"), Contains("not found"));
}
