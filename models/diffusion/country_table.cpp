#include "models/diffusion/country_table.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "sim/core/error.hpp"

namespace tiersim::models::diffusion {
namespace {

const std::vector<std::string> kColumns = {"iso3",     "name",     "region",    "gdp_usd",
                                           "gdp_year", "population", "tier_2025", "us_ally",
                                           "huawei_5g", "cn_cloud_region", "notable_ai_demand_h100e"};

std::vector<std::string> split_csv_line(const std::string& line) {
  // The table's cells contain no quotes or commas (countries.SOURCES.md); quoted cells are
  // still handled so that an edited table fails clearly rather than silently.
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

struct Cell {
  const std::filesystem::path& path;
  int line;
  const std::string& column;
  const std::string& text;

  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(path.string() + ":" + std::to_string(line) + ": column '" + column + "': " + what +
                     " (got '" + text + "')");
  }
  double number() const {
    double v = 0;
    const char* b = text.data();
    const char* e = b + text.size();
    auto [p, ec] = std::from_chars(b, e, v);
    if (text.empty() || ec != std::errc{} || p != e || !std::isfinite(v)) fail("expected a number");
    return v;
  }
  int integer() const {
    int v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || p != text.data() + text.size()) fail("expected an integer");
    return v;
  }
  bool flag() const {
    if (text == "0") return false;
    if (text == "1") return true;
    fail("expected 0 or 1");
  }
};

}  // namespace

int CountryTable::index_of(const std::string& iso3) const {
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].iso3 == iso3) return static_cast<int>(i);
  }
  return -1;
}

CountryTable load_country_table(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path.string() + ": country table not found or not readable");
  CountryTable table;
  table.path = path;
  std::string line;
  if (!std::getline(in, line) || line.empty()) throw InputError(path.string() + ":1: country table is empty");
  const auto header = split_csv_line(line);
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (col.count(header[i]) != 0) {
      throw InputError(path.string() + ":1: column '" + header[i] + "' appears twice in the header");
    }
    col[header[i]] = i;
  }
  for (const auto& c : kColumns) {
    if (col.count(c) == 0) throw InputError(path.string() + ":1: missing column '" + c + "'");
  }
  int line_no = 1;
  std::map<std::string, int> seen;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r") continue;
    const auto cells = split_csv_line(line);
    if (cells.size() != header.size()) {
      throw InputError(path.string() + ":" + std::to_string(line_no) + ": expected " +
                       std::to_string(header.size()) + " columns, got " + std::to_string(cells.size()));
    }
    auto cell = [&](const std::string& name) { return Cell{path, line_no, name, cells[col.at(name)]}; };
    CountryRow r;
    r.iso3 = cells[col.at("iso3")];
    const bool iso_ok = r.iso3.size() == 3 && std::all_of(r.iso3.begin(), r.iso3.end(), [](char c) {
                          return c >= 'A' && c <= 'Z';
                        });
    if (!iso_ok) cell("iso3").fail("expected a three-letter upper-case ISO3 code");
    if (auto it = seen.find(r.iso3); it != seen.end()) {
      cell("iso3").fail("duplicate country code, first on line " + std::to_string(it->second));
    }
    seen[r.iso3] = line_no;
    r.name = cells[col.at("name")];
    r.region = cells[col.at("region")];
    if (r.region.empty()) cell("region").fail("region is empty");
    r.gdp_usd = cell("gdp_usd").number();
    if (r.gdp_usd <= 0) cell("gdp_usd").fail("GDP must be positive");
    r.gdp_year = cell("gdp_year").integer();
    r.population = cell("population").number();
    if (r.population <= 0) cell("population").fail("population must be positive");
    r.tier_2025 = cell("tier_2025").integer();
    if (r.tier_2025 < 1 || r.tier_2025 > 3) cell("tier_2025").fail("tier must be 1, 2 or 3");
    r.us_ally = cell("us_ally").flag();
    const std::string& g = cells[col.at("huawei_5g")];
    if (g.empty()) {
      r.huawei_5g = FiveG::unknown;
    } else if (g == "EX") {
      r.huawei_5g = FiveG::excluded;
    } else if (g == "RS") {
      r.huawei_5g = FiveG::restricted;
    } else if (g == "AD") {
      r.huawei_5g = FiveG::adopted;
    } else {
      cell("huawei_5g").fail("expected EX, RS, AD or empty");
    }
    r.cn_cloud_region = cell("cn_cloud_region").flag();
    if (!cells[col.at("notable_ai_demand_h100e")].empty()) {
      const double d = cell("notable_ai_demand_h100e").number();
      if (d < 0) cell("notable_ai_demand_h100e").fail("demand cannot be negative");
      r.notable_ai_demand = d;
    }
    table.rows.push_back(std::move(r));
  }
  if (table.rows.empty()) throw InputError(path.string() + ": country table has no rows");
  return table;
}

}  // namespace tiersim::models::diffusion
