#include "models/diffusion/country_table.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "sim/core/error.hpp"
#include "sim/engine/model.hpp"

namespace tiersim::models::diffusion {
namespace {

const std::vector<std::string> kColumns = {"iso3",
                                           "name",
                                           "region",
                                           "gdp_usd",
                                           "gdp_year",
                                           "population",
                                           "tier_2025",
                                           "us_ally",
                                           "huawei_5g",
                                           "cn_cloud_region",
                                           "notable_ai_demand_h100e"};

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
    throw InputError(path.string() + ":" + std::to_string(line) + ": column '" + column + "': " + what + " (got '" +
                     text + "')");
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

/// The table's columns by name, from its header line; every required column present once.
std::map<std::string, std::size_t> parse_header(const std::filesystem::path& path,
                                                const std::vector<std::string>& header) {
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
  return col;
}

FiveG parse_5g(const Cell& cell) {
  if (cell.text.empty()) return FiveG::unknown;
  if (cell.text == "EX") return FiveG::excluded;
  if (cell.text == "RS") return FiveG::restricted;
  if (cell.text == "AD") return FiveG::adopted;
  cell.fail("expected EX, RS, AD or empty");
}

bool is_iso3(const std::string& s) {
  return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

/// One row, every cell checked; `seen` maps the codes read so far to their lines.
CountryRow parse_row(const std::filesystem::path& path, int line_no, const std::vector<std::string>& cells,
                     const std::map<std::string, std::size_t>& col, std::map<std::string, int>& seen) {
  auto cell = [&](const std::string& name) { return Cell{path, line_no, name, cells[col.at(name)]}; };
  CountryRow r;
  r.iso3 = cells[col.at("iso3")];
  if (!is_iso3(r.iso3)) cell("iso3").fail("expected a three-letter upper-case ISO3 code");
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
  r.huawei_5g = parse_5g(cell("huawei_5g"));
  r.cn_cloud_region = cell("cn_cloud_region").flag();
  if (!cells[col.at("notable_ai_demand_h100e")].empty()) {
    const double d = cell("notable_ai_demand_h100e").number();
    if (d < 0) cell("notable_ai_demand_h100e").fail("demand cannot be negative");
    r.notable_ai_demand = d;
  }
  return r;
}

}  // namespace

int CountryTable::index_of(const std::string& iso3) const {
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].iso3 == iso3) return static_cast<int>(i);
  }
  return -1;
}

/// The header line without a UTF-8 byte-order mark; UTF-16 text (with or without its mark:
/// then every other byte of ASCII text is 0) is refused.
std::string header_text(const std::filesystem::path& path, std::string line) {
  const bool utf16_mark = line.rfind("\xff\xfe", 0) == 0 || line.rfind("\xfe\xff", 0) == 0;
  if (utf16_mark || line.find('\0') != std::string::npos) {
    throw InputError(path.string() + ":1: the country table is UTF-16 text; save it as UTF-8 (CSV UTF-8)");
  }
  if (line.rfind("\xef\xbb\xbf", 0) == 0) line.erase(0, 3);
  if (line.empty() || line == "\r") throw InputError(path.string() + ":1: country table is empty");
  return line;
}

CountryTable load_country_table(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string() + ": country table not found or not readable");
  CountryTable table;
  table.path = path;
  std::string line;
  if (!std::getline(in, line) || line.empty()) throw InputError(path.string() + ":1: country table is empty");
  const auto header = split_csv_line(header_text(path, line));
  const auto col = parse_header(path, header);
  int line_no = 1;
  std::map<std::string, int> seen;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r") continue;
    const auto cells = split_csv_line(line);
    if (cells.size() != header.size()) {
      throw InputError(path.string() + ":" + std::to_string(line_no) + ": expected " + std::to_string(header.size()) +
                       " columns, got " + std::to_string(cells.size()));
    }
    table.rows.push_back(parse_row(path, line_no, cells, col, seen));
  }
  if (table.rows.empty()) throw InputError(path.string() + ": country table has no rows");
  return table;
}

std::size_t need_country(const engine::ModelContext& ctx, const CountryTable& table, const std::string& iso,
                         const std::string& key) {
  const int i = table.index_of(iso);
  if (i >= 0) return static_cast<std::size_t>(i);
  if (!key.empty() && ctx.written(key)) {
    throw InputError(ctx.where(key) + ": '" + iso + "' is not a country of " + table.path.string());
  }
  // Not the user's word: the table is what lacks something.
  const std::string why = key.empty() ? "" : " (params." + key.substr(0, key.find('[')) + " names it by default)";
  throw InputError(table.path.string() + ": the country table has no row for " + iso + ", which the model needs" + why +
                   "; add the row (from " + ctx.where("data.countries") + ")");
}

}  // namespace tiersim::models::diffusion
