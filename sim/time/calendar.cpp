#include "sim/time/calendar.hpp"

#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace tiersim::time {
namespace {

bool parse_int(std::string_view s, int& out) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

// Day count from 1970-01-01, after H. Hinnant's days_from_civil algorithm (public domain
// description of the proleptic Gregorian calendar in 400-year eras).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

}  // namespace

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year)) return 29;
  return kDays[month - 1];
}

std::int64_t Date::days_since_epoch() const {
  return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

std::string Date::to_string() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

YearMonth YearMonth::from_linear(std::int64_t index) {
  const std::int64_t y = index >= 0 ? index / 12 : (index - 11) / 12;
  return YearMonth{static_cast<int>(y), static_cast<int>(index - y * 12) + 1};
}

std::string YearMonth::to_string() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  return buf;
}

bool parse_date(std::string_view text, Date& out) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  Date d;
  if (!parse_int(text.substr(0, 4), d.year) || !parse_int(text.substr(5, 2), d.month) ||
      !parse_int(text.substr(8, 2), d.day)) {
    return false;
  }
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > days_in_month(d.year, d.month)) {
    return false;
  }
  out = d;
  return true;
}

bool parse_year_month(std::string_view text, YearMonth& out) {
  if (text.size() != 7 || text[4] != '-') return false;
  YearMonth ym;
  if (!parse_int(text.substr(0, 4), ym.year) || !parse_int(text.substr(5, 2), ym.month)) {
    return false;
  }
  if (ym.month < 1 || ym.month > 12) return false;
  out = ym;
  return true;
}

Calendar::Calendar(YearMonth start, int months) : start_(start), months_(months) {
  if (months < 1) throw std::invalid_argument("Calendar needs at least one month");
}

int Calendar::step_of(const YearMonth& ym) const {
  const std::int64_t diff = ym.linear() - start_.linear();
  if (diff < 0) return -1;
  if (diff >= months_) return months_;
  return static_cast<int>(diff);
}

int Calendar::step_of(const Date& d) const { return step_of(month_of(d)); }

bool Calendar::contains(const YearMonth& ym) const {
  const int s = step_of(ym);
  return s >= 0 && s < months_;
}

}  // namespace tiersim::time
