#include <catch2/catch.hpp>

#include <cmath>

#include "sim/config/schema.hpp"
#include "sim/config/yaml_loader.hpp"
#include "sim/core/error.hpp"

using namespace tiersim;
using Catch::Matchers::Contains;

namespace {

enum class Mode { discrete, expected };

struct Inner {
  double rate = 0.5;
  template <class V>
  void visit(V& v) {
    v.field("rate", rate, {.unit = "1/year", .doc = "a rate", .source = "assumption", .min = 0.0, .max = 1.0});
  }
};

struct Item {
  std::string name;
  int weight = 1;
  template <class V>
  void visit(V& v) {
    v.field("name", name);
    v.field("weight", weight, {.min = 0.0});
  }
};

struct Cfg {
  int count = 10;
  bool flag = false;
  std::string label = "x";
  time::YearMonth start{2025, 1};
  time::Date event{2025, 5, 13};
  std::vector<double> xs{1.0, 2.0};
  Mode mode = Mode::discrete;
  Inner inner;
  std::map<std::string, double> shares;
  std::vector<Item> items;
  template <class V>
  void visit(V& v) {
    v.field("count", count, {.unit = "agents", .min = 1.0});
    v.field("flag", flag);
    v.field("label", label);
    v.field("start", start);
    v.field("event", event);
    v.field("xs", xs, {.min = 0.0});
    v.choice("mode", mode, {{"discrete", Mode::discrete}, {"expected", Mode::expected}});
    v.section("inner", inner);
    v.table("shares", shares, "shares by country", {.unit = "1", .min = 0.0, .max = 1.0});
    v.list("items", items);
  }
};

Cfg decode_text(const std::string& text) {
  Cfg c;
  config::decode(config::parse_yaml(text, "t.yaml"), c);
  return c;
}

}  // namespace

TEST_CASE("absent keys keep defaults, present keys decode to their types", "[config]") {
  const Cfg d = decode_text("{}");
  CHECK(d.count == 10);
  const Cfg c = decode_text(
      "count: 1e5\nflag: true\nlabel: hi\nstart: 2026-03\nevent: 2025-05-13\nxs: [3, 4.5]\n"
      "mode: expected\ninner: {rate: 0.25}\nshares: {IND: 0.5}\nitems:\n  - {name: a, weight: 3}\n");
  CHECK(c.count == 100000);
  CHECK(c.flag);
  CHECK(c.label == "hi");
  CHECK(c.start == time::YearMonth{2026, 3});
  CHECK(c.event == time::Date{2025, 5, 13});
  CHECK(c.xs == std::vector<double>{3.0, 4.5});
  CHECK(c.mode == Mode::expected);
  CHECK(c.inner.rate == 0.25);
  CHECK(c.shares.at("IND") == 0.5);
  REQUIRE(c.items.size() == 1);
  CHECK(c.items[0].weight == 3);
}

TEST_CASE("a typo in a key is rejected with location and a suggestion", "[config]") {
  CHECK_THROWS_WITH(decode_text("cuont: 5\n"),
                    Contains("t.yaml:1:1") && Contains("unknown key 'cuont'") && Contains("did you mean 'count'"));
  CHECK_THROWS_WITH(decode_text("inner:\n  rat: 0.1\n"),
                    Contains("t.yaml:2:3") && Contains("'inner.rat'") && Contains("'inner.rate'"));
  CHECK_THROWS_WITH(decode_text("items:\n  - {name: a, wieght: 1}\n"), Contains("items[0].wieght"));
}

TEST_CASE("wrong types are rejected with the key and what was found", "[config]") {
  CHECK_THROWS_WITH(decode_text("count: many\n"), Contains("t.yaml:1:8") && Contains("'count'") &&
                                                      Contains("expected an integer") && Contains("'many'"));
  CHECK_THROWS_WITH(decode_text("inner: {rate: fast}\n"), Contains("expected a number"));
  CHECK_THROWS_WITH(decode_text("count: \"5\"\n"), Contains("the string \"5\""));
  CHECK_THROWS_WITH(decode_text("count: 2.5\n"), Contains("expected an integer"));
  CHECK_THROWS_WITH(decode_text("flag: maybe\n"), Contains("true or false"));
  CHECK_THROWS_WITH(decode_text("start: 2025-13\n"), Contains("YYYY-MM"));
  CHECK_THROWS_WITH(decode_text("event: 2025-02-30\n"), Contains("YYYY-MM-DD"));
  CHECK_THROWS_WITH(decode_text("inner: 3\n"), Contains("expected a mapping"));
  CHECK_THROWS_WITH(decode_text("mode: discreet\n"), Contains("did you mean 'discrete'"));
}

TEST_CASE("an explicit null is refused at its location, not read as the default", "[config]") {
  CHECK_THROWS_WITH(decode_text("count: ~\n"), Contains("t.yaml:1:1") && Contains("key 'count'") &&
                                                   Contains("null is not a value; delete the key to use the default"));
  CHECK_THROWS_WITH(decode_text("flag: true\ninner:\n  rate:\n"),
                    Contains("t.yaml:3:3") && Contains("'inner.rate'") && Contains("null is not a value"));
  CHECK_THROWS_WITH(decode_text("inner: null\n"), Contains("'inner'") && Contains("null is not a value"));
  CHECK_THROWS_WITH(decode_text("items:\n  - {name: a, weight: ~}\n"),
                    Contains("t.yaml:2:15") && Contains("'items[0].weight'") && Contains("null is not a value"));
}

TEST_CASE("out-of-range, NaN, infinite and huge values are rejected", "[config]") {
  CHECK_THROWS_WITH(decode_text("count: -3\n"), Contains("out of range") && Contains(">= 1"));
  CHECK_THROWS_WITH(decode_text("inner: {rate: 1.5}\n"), Contains("'inner.rate'") && Contains("[0.0, 1.0]"));
  CHECK_THROWS_WITH(decode_text("inner: {rate: .nan}\n"), Contains("finite"));
  CHECK_THROWS_WITH(decode_text("inner: {rate: .inf}\n"), Contains("finite"));
  CHECK_THROWS_WITH(decode_text("inner: {rate: 1e400}\n"), Contains("too large"));
  CHECK_THROWS_WITH(decode_text("count: 99999999999999999999\n"), Contains("too large"));
  CHECK_THROWS_WITH(decode_text("xs: [1, -1]\n"), Contains("out of range"));
  CHECK_THROWS_WITH(decode_text("shares: {IND: 1.2}\n"), Contains("'shares.IND'"));
}

TEST_CASE("encode then decode reproduces the struct exactly", "[config]") {
  Cfg c = decode_text("inner: {rate: 0.1}\nxs: [0.1, 0.30000000000000004]\nshares: {A: 0.3}\n");
  const std::string yaml = config::to_yaml(config::encode(c));
  Cfg back;
  config::decode(config::parse_yaml(yaml, "resolved.yaml"), back);
  CHECK(back.inner.rate == c.inner.rate);
  CHECK(back.xs == c.xs);
  CHECK(back.shares == c.shares);
  CHECK(config::to_yaml(config::encode(back)) == yaml);
}

TEST_CASE("the documenter lists every field with unit, range and source", "[config]") {
  const auto rows = config::document(Cfg{});
  auto find = [&](const std::string& p) {
    for (const auto& r : rows) {
      if (r.path == p) return r;
    }
    FAIL("no row " << p);
    return config::ParamRow{};
  };
  const auto rate = find("inner.rate");
  CHECK(rate.unit == "1/year");
  CHECK(rate.range == "[0.0, 1.0]");
  CHECK(rate.source == "assumption");
  CHECK(find("mode").type == "one of discrete | expected");
  CHECK(config::params_markdown(rows).find("| `inner.rate` |") != std::string::npos);
}

namespace {

struct WithGroups {
  std::map<std::string, Inner> groups;
  template <class V>
  void visit(V& v) {
    v.table("groups", groups, "groups by name");
  }
};

}  // namespace

TEST_CASE("every row carries the kind of its declared type", "[config]") {
  const auto rows = config::document(Cfg{}, "params");
  auto kind = [&](std::string_view path) {
    const config::ParamRow* row = config::find_row(rows, path);
    REQUIRE(row != nullptr);
    return row->kind;
  };
  CHECK(kind("params.count") == config::ValueKind::integer);
  CHECK(kind("params.flag") == config::ValueKind::boolean);
  CHECK(kind("params.label") == config::ValueKind::text);
  CHECK(kind("params.start") == config::ValueKind::month);
  CHECK(kind("params.event") == config::ValueKind::date);
  CHECK(kind("params.xs") == config::ValueKind::number_list);
  CHECK(kind("params.mode") == config::ValueKind::choice);
  CHECK(kind("params.inner.rate") == config::ValueKind::number);
  CHECK(kind("params.items[]") == config::ValueKind::list);
  // A table's entries share one row, whatever their names.
  CHECK(kind("params.shares.USA") == config::ValueKind::number);
  CHECK(config::find_row(rows, "params.shares.USA") == config::find_row(rows, "params.shares.<name>"));
  CHECK(config::find_row(rows, "params.inner") == nullptr);  // a section has no row of its own
  CHECK(config::find_row(rows, "params.nope") == nullptr);
  CHECK(config::find_row(rows, "params.count.x") == nullptr);

  const auto grouped = config::document(WithGroups{});
  REQUIRE(config::find_row(grouped, "groups.a") != nullptr);
  CHECK(config::find_row(grouped, "groups.a")->kind == config::ValueKind::section);
  CHECK(config::find_row(grouped, "groups.a.rate") == nullptr);
}
