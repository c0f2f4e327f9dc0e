#pragma once
// Calendar time. A simulation step is one calendar month; dated events (a rule effective
// on 2025-05-13) fall into the month that contains their date.
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace tiersim::time {

/// Calendar fact, not a model parameter: converts yearly rates to monthly steps.
inline constexpr double kMonthsPerYear = 12.0;

/// A civil date (proleptic Gregorian).
struct Date {
  int year = 1970;
  int month = 1;  ///< 1..12
  int day = 1;    ///< 1..days_in_month

  auto operator<=>(const Date&) const = default;
  /// Days since 1970-01-01 (negative before). Used for CF "days since" time coordinates.
  std::int64_t days_since_epoch() const;
  std::string to_string() const;  ///< "YYYY-MM-DD"
};

/// A calendar month.
struct YearMonth {
  int year = 1970;
  int month = 1;  ///< 1..12

  auto operator<=>(const YearMonth&) const = default;
  /// Months since 0000-01, a linear index so differences are month counts.
  std::int64_t linear() const { return static_cast<std::int64_t>(year) * 12 + (month - 1); }
  static YearMonth from_linear(std::int64_t index);
  YearMonth plus_months(std::int64_t n) const { return from_linear(linear() + n); }
  Date first_day() const { return Date{year, month, 1}; }
  std::string to_string() const;  ///< "YYYY-MM"
};

bool is_leap_year(int year);
int days_in_month(int year, int month);

/// Parse "YYYY-MM-DD". Returns false (and leaves `out` alone) on malformed or impossible
/// dates (2025-02-30).
bool parse_date(std::string_view text, Date& out);
/// Parse "YYYY-MM".
bool parse_year_month(std::string_view text, YearMonth& out);

inline YearMonth month_of(const Date& d) { return YearMonth{d.year, d.month}; }

/// The simulated period: `months` monthly steps starting at `start`.
class Calendar {
 public:
  Calendar(YearMonth start, int months);
  int steps() const { return months_; }
  YearMonth start() const { return start_; }
  YearMonth end() const { return start_.plus_months(months_ - 1); }  ///< last simulated month
  YearMonth month_at(int step) const { return start_.plus_months(step); }
  /// Step index of the month containing `d`; -1 if before the start, steps() if after the end.
  int step_of(const Date& d) const;
  int step_of(const YearMonth& ym) const;
  bool contains(const YearMonth& ym) const;

 private:
  YearMonth start_;
  int months_;
};

}  // namespace tiersim::time
