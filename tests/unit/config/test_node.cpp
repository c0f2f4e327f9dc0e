// Dotted-path access on the config tree (sim/config/node.hpp): lookups, where a value was
// written, and `--set` style assignment.
#include <catch2/catch.hpp>

#include "sim/config/node.hpp"
#include "sim/config/yaml_loader.hpp"
#include "sim/core/error.hpp"

using namespace tiersim;
using Catch::Matchers::Contains;

namespace {

config::Node tree() {
  return config::parse_yaml("params:\n  data:\n    countries: c.csv\n  q: 0.4\nseed: 3\n", "f.yaml");
}

const config::Origin kSet{"s.yaml", 9, 2};

}  // namespace

TEST_CASE("find_path walks maps by dotted keys", "[config][node]") {
  const auto n = tree();
  REQUIRE(n.find_path("params.data.countries") != nullptr);
  CHECK(n.find_path("params.data.countries")->text() == "c.csv");
  CHECK(n.find_path("params.data")->is_map());
  CHECK(n.find_path("seed")->text() == "3");
  CHECK(n.find_path("params.nope") == nullptr);
  CHECK(n.find_path("params.q.x") == nullptr);  // q is a number, not a map
  CHECK(n.find_path("params..q") == nullptr);
  CHECK(n.find_path("") == nullptr);
}

TEST_CASE("origin_of names the deepest key along the path that was written", "[config][node]") {
  const auto n = tree();
  CHECK(n.origin_of("params.data.countries").describe() == "f.yaml:3:16");
  CHECK(n.origin_of("params.data.other").describe() == "f.yaml:3:5");  // the `data` map
  CHECK(n.origin_of("params.q.x").describe() == "f.yaml:4:6");         // q itself
  CHECK(n.origin_of("nope.x").describe() == n.origin().describe());
}

TEST_CASE("paths reach list items by index, for reading", "[config][node]") {
  const auto n = config::parse_yaml(
      "g:\n  firms:\n    - {name: a, hq: USA}\n    - {name: b, hq: XYZ}\n"
      "  grid: [[1, 2], [3, 4]]\n  odd[1]: 5\n",
      "f.yaml");
  REQUIRE(n.find_path("g.firms[1].hq") != nullptr);
  CHECK(n.find_path("g.firms[1].hq")->text() == "XYZ");
  CHECK(n.origin_of("g.firms[1].hq").describe() == "f.yaml:4:21");
  CHECK(n.find_path("g.grid[1][0]")->text() == "3");
  CHECK(n.find_path("g.odd[1]")->text() == "5");  // a key with brackets is found as written
  // Out of range, not a list, malformed: not found; origin_of stops at the deepest part.
  CHECK(n.find_path("g.firms[2].hq") == nullptr);
  CHECK(n.origin_of("g.firms[2].hq").describe() == "f.yaml:3:5");  // the list
  CHECK(n.find_path("g.firms[x]") == nullptr);
  CHECK(n.find_path("g.firms[]") == nullptr);
  CHECK(n.find_path("g.firms[0") == nullptr);
  CHECK(n.find_path("g.firms[0].hq[0]") == nullptr);
  CHECK(n.trail("g.firms[1].nope").size() == 4);  // the root, g, firms, firms[1]
}

TEST_CASE("set_path creates maps, replaces values and merges maps", "[config][node]") {
  auto n = tree();
  n.set_path("params.q", config::Node::scalar("0.7", {}), kSet);
  CHECK(n.find_path("params.q")->text() == "0.7");
  CHECK(n.find("params")->entries()[1].key_origin.describe() == "s.yaml:9:2");

  const auto& created = n.set_path("a.b.c", config::Node::scalar("1", {}), kSet);
  CHECK(created.text() == "1");
  CHECK(n.find_path("a.b")->origin().describe() == "s.yaml:9:2");

  // A map merges: keys it does not name stay.
  n.set_path("params.data", config::parse_yaml("extra: 2\n", "g.yaml"), kSet);
  CHECK(n.find_path("params.data.countries")->text() == "c.csv");
  CHECK(n.find_path("params.data.extra")->text() == "2");

  config::Node empty;
  empty.set_path("x", config::Node::scalar("5", {}), kSet);
  CHECK(empty.is_map());
  CHECK(empty.origin().describe() == "s.yaml:9:2");
}

TEST_CASE("set_path refuses empty keys and descending into values", "[config][node]") {
  auto n = tree();
  const auto one = config::Node::scalar("1", {});
  CHECK_THROWS_WITH(n.set_path("", one, kSet), "s.yaml:9:2: empty key");
  CHECK_THROWS_WITH(n.set_path("params..q", one, kSet), "s.yaml:9:2: empty component in key 'params..q'");
  CHECK_THROWS_WITH(n.set_path("params.q.", one, kSet), "s.yaml:9:2: empty component in key 'params.q.'");
  try {
    n.set_path("params.q.x", one, kSet);
    FAIL("no exception");
  } catch (const config::PathBlocked& e) {
    CHECK(e.key() == "q");
    CHECK(e.holds() == "a single value");
    CHECK(e.holder_origin().describe() == "f.yaml:4:6");
    CHECK(std::string(e.what()) ==
          "s.yaml:9:2: key 'params.q.x': 'q' holds a single value (set at f.yaml:4:6), not a mapping");
  }
  CHECK(n.find_path("params.q")->text() == "0.4");  // unchanged
}
