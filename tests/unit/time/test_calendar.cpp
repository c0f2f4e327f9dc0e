#include <catch2/catch.hpp>

#include "sim/time/calendar.hpp"

using namespace tiersim::time;

TEST_CASE("dates parse strictly", "[time]") {
  Date d;
  CHECK(parse_date("2025-05-13", d));
  CHECK(d == Date{2025, 5, 13});
  CHECK(parse_date("2024-02-29", d));
  CHECK_FALSE(parse_date("2025-02-29", d));
  CHECK_FALSE(parse_date("2025-5-13", d));
  CHECK_FALSE(parse_date("2025-05-13x", d));
  CHECK_FALSE(parse_date("2025-00-10", d));
  YearMonth ym;
  CHECK(parse_year_month("2030-12", ym));
  CHECK_FALSE(parse_year_month("2030-13", ym));
}

TEST_CASE("days since epoch match known values", "[time]") {
  CHECK(Date{1970, 1, 1}.days_since_epoch() == 0);
  CHECK(Date{2000, 3, 1}.days_since_epoch() == 11017);
  CHECK(Date{2025, 1, 1}.days_since_epoch() == 20089);
  CHECK(Date{1969, 12, 31}.days_since_epoch() == -1);
}

TEST_CASE("policy dates land in the month that contains them", "[time]") {
  const Calendar cal(YearMonth{2025, 1}, 72);
  CHECK(cal.end() == YearMonth{2030, 12});
  CHECK(cal.step_of(Date{2025, 1, 13}) == 0);
  CHECK(cal.step_of(Date{2025, 5, 13}) == 4);
  CHECK(cal.step_of(Date{2025, 5, 15}) == 4);
  CHECK(cal.step_of(Date{2026, 1, 15}) == 12);
  CHECK(cal.step_of(Date{2024, 12, 31}) == -1);
  CHECK(cal.step_of(Date{2031, 1, 1}) == 72);
  CHECK(cal.month_at(71) == YearMonth{2030, 12});
}

TEST_CASE("month arithmetic crosses years in both directions", "[time]") {
  CHECK(YearMonth{2025, 11}.plus_months(3) == YearMonth{2026, 2});
  CHECK(YearMonth{2025, 1}.plus_months(-1) == YearMonth{2024, 12});
  CHECK(YearMonth::from_linear(YearMonth{2027, 12}.linear()) == YearMonth{2027, 12});
  CHECK(YearMonth{2025, 3}.to_string() == "2025-03");
}
