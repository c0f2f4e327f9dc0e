#pragma once
// The country table (configs/data/countries.csv): one row per country with GDP, tier under
// the January 2025 rule, US alliance, Huawei 5G record, Chinese cloud presence and notable
// AI demand. Loading validates every cell; errors name the file, row (line) and column.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tiersim::engine {
struct ModelContext;
}

namespace tiersim::models::diffusion {

enum class FiveG { unknown, excluded, restricted, adopted };

struct CountryRow {
  std::string iso3;
  std::string name;
  std::string region;
  double gdp_usd = 0.0;
  int gdp_year = 0;
  double population = 0.0;
  int tier_2025 = 2;
  bool us_ally = false;
  FiveG huawei_5g = FiveG::unknown;
  bool cn_cloud_region = false;
  std::optional<double> notable_ai_demand;  ///< H100e/year, where the table has a figure
};

struct CountryTable {
  std::filesystem::path path;
  std::vector<CountryRow> rows;
  /// Index of an ISO3 code, or -1.
  int index_of(const std::string& iso3) const;
};

/// Load and validate. InputError on: missing file, missing/duplicate columns, wrong cell
/// types, duplicate or malformed ISO3 codes, tiers outside 1..3, negative or zero GDP,
/// flags outside {0,1}, unknown 5G codes, negative demand, UTF-16 text. A UTF-8 byte-order
/// mark (as spreadsheet programs write) is skipped.
CountryTable load_country_table(const std::filesystem::path& path);

/// The row of country `iso` that parameter `key` names (dotted below `params:`, list items
/// as `demand.china_group[0]`; empty for a country the model itself needs, such as USA).
/// If there is none: a key the user wrote is the error ("FILE:LINE:COL: key 'params.KEY':
/// 'XYZ' is not a country of TABLE"); otherwise (a default, or the model's own need) the
/// table lacks a row ("TABLE: the country table has no row for CHN, which the model needs
/// ... (from FILE:LINE:COL: key 'params.data.countries')").
std::size_t need_country(const engine::ModelContext& ctx, const CountryTable& table, const std::string& iso,
                         const std::string& key);

}  // namespace tiersim::models::diffusion
