// Sweep files: every validation error names the sweep file's line:column and key; the run
// plan's order and seeds (sim/sweep/sweep_config.hpp, sim/sweep/sweep.hpp).
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <variant>

#include "models/register.hpp"
#include "sim/core/error.hpp"
#include "sim/sweep/sweep.hpp"
#include "sim/sweep/sweep_config.hpp"
#include "tests/support/temp_dir.hpp"

using namespace tiersim;
using Catch::Matchers::Contains;
using tiersim::test::TempDir;

namespace {

const char* kBase =
    "model: bass\n"
    "seed: 3\n"
    "calendar: {start: 2025-01, months: 6}\n"
    "params: {markets: 2, agents_per_market: 50}\n"
    "record: [{variable: adoption_share, level: world}]\n";

struct Fixture {
  TempDir dir;
  engine::ModelCatalog catalog = models::catalog();
  Fixture() { dir.write("base.yaml", kBase); }

  sweep::Sweep build(const std::string& yaml) const {
    return sweep::Sweep::build(sweep::load_sweep_config(dir.write("sweep.yaml", yaml)), catalog);
  }
  /// The InputError message of building `yaml` ("" if it builds).
  std::string error_of(const std::string& yaml) const {
    try {
      build(yaml);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }
  std::string at(int line, int col) const {
    return (dir / "sweep.yaml").string() + ":" + std::to_string(line) + ":" + std::to_string(col) + ": ";
  }
};

}  // namespace

TEST_CASE("sweep config errors name the sweep file location and key", "[sweep][config]") {
  const Fixture f;
  struct Case {
    const char* what;
    std::string yaml;
    int line, col;
    const char* key;
    const char* hint;
  };
  const std::vector<Case> cases = {
      {"typo in a top-level key", "config: base.yaml\nreplicate: 2\n", 2, 1, "replicate", "did you mean 'replicates'"},
      {"wrong type", "config: base.yaml\nreplicates: many\n", 2, 13, "replicates", "expected an integer"},
      {"unknown design kind", "config: base.yaml\ndesign: {kind: sobl, samples: 2}\n", 2, 16, "design.kind",
       "did you mean 'sobol'"},
      {"parameter path that does not exist", "config: base.yaml\nparameters:\n  params.qq: {values: [1]}\n", 3, 3,
       "parameters.params.qq", "did you mean 'params.q'"},
      {"grid given min/max", "config: base.yaml\nparameters:\n  params.q: {values: [1], min: 0}\n", 3, 27,
       "parameters.params.q.min", "give 'values"},
      {"lhs given values",
       "config: base.yaml\ndesign: {kind: lhs, samples: 4}\nparameters:\n  params.q: {values: [0.1, 0.2]}\n", 4, 14,
       "parameters.params.q.values", "give 'min' and 'max'"},
      {"zip lists of unequal length",
       "config: base.yaml\ndesign: {kind: zip}\nparameters:\n  params.q: {values: [0.1, 0.2]}\n"
       "  params.p: {values: [0.01]}\n",
       5, 3, "parameters.params.p.values", "same length"},
      {"sobol without parameters", "config: base.yaml\ndesign: {kind: sobol, samples: 4}\nparameters: {}\n", 3, 13,
       "parameters", "at least one parameter"},
      {"log scale with min <= 0",
       "config: base.yaml\ndesign: {kind: lhs, samples: 4}\nparameters:\n"
       "  params.p: {min: 0, max: 0.1, scale: log}\n",
       4, 19, "parameters.params.p.min", "min > 0"},
      {"min >= max",
       "config: base.yaml\ndesign: {kind: morris, samples: 2}\nparameters:\n  params.p: {min: 0.2, max: 0.1}\n", 4, 29,
       "parameters.params.p.max", "greater than min"},
      {"odd Morris levels",
       "config: base.yaml\ndesign: {kind: morris, samples: 2, levels: 5}\nparameters:\n"
       "  params.p: {min: 0.01, max: 0.1}\n",
       2, 44, "design.levels", "even"},
      {"levels on a non-Morris design", "config: base.yaml\ndesign: {kind: grid, levels: 4}\n", 2, 22, "design.levels",
       "morris designs only"},
      {"samples missing", "config: base.yaml\ndesign: {kind: lhs}\nparameters:\n  params.p: {min: 0.01, max: 0.1}\n", 2,
       16, "design.samples", "needs 'samples'"},
      {"missing config file", "config: nope.yaml\n", 1, 9, "config", "file not found"},
      {"missing scenario config file", "config: base.yaml\npair_with:\n  - {name: a, config: gone.yaml}\n", 3, 23,
       "pair_with[0].config", "file not found"},
      {"duplicate scenario names", "config: base.yaml\npair_with:\n  - {name: a}\n  - {name: a}\n", 4, 12,
       "pair_with[1].name", "used twice"},
      {"no config at all", "seed: 2\n", 1, 1, "config", "missing"},
      {"range above the parameter's bound",
       "config: base.yaml\ndesign: {kind: lhs, samples: 4}\nparameters:\n  params.q: {min: 0.1, max: 20}\n", 4, 29,
       "parameters.params.q.max", "out of range"},
      {"sweeping the seed", "config: base.yaml\nparameters:\n  seed: {values: [1, 2]}\n", 3, 3, "parameters.seed",
       "cannot be a parameter"},
      {"a set override with a typo", "config: base.yaml\nset: {params.qq: 0.4}\n", 1, 9, "config",
       "did you mean 'params.q'"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    const std::string msg = f.error_of(c.yaml);
    INFO(msg);
    CHECK_THAT(msg, Contains(f.at(c.line, c.col)));
    CHECK_THAT(msg, Contains(std::string("key '") + c.key + "'"));
    CHECK_THAT(msg, Contains(c.hint));
  }
}

TEST_CASE("a grid value outside the parameter's bounds is reported at the value", "[sweep][config]") {
  const Fixture f;
  const std::string msg = f.error_of("config: base.yaml\nparameters:\n  params.q: {values: [0.3, 20]}\n");
  CHECK_THAT(msg, Contains(f.at(3, 28)));
  CHECK_THAT(msg, Contains("key 'params.q'"));
  CHECK_THAT(msg, Contains("out of range"));
  CHECK_THAT(msg, Contains("run 1 (point 1, replicate 0)"));
}

TEST_CASE("the run plan is point-major, then replicate, then scenario", "[sweep][plan]") {
  const Fixture f;
  f.dir.write("other.yaml", std::string(kBase) + "base: base.yaml\n");
  const auto s = f.build(
      "config: base.yaml\n"
      "seed: 7\n"
      "parameters:\n"
      "  params.q: {values: [0.3, 0.4, 0.5]}\n"
      "  params.initial_share: {values: [0, 0.1]}\n"
      "replicates: 2\n"
      "pair_with:\n"
      "  - {name: low, set: {params.p: 0.01}}\n"
      "  - {name: high, config: other.yaml, set: {params.p: 0.05}}\n");
  REQUIRE(s.points() == 6);
  REQUIRE(s.runs().size() == 6 * 2 * 2);
  CHECK(s.scenario_names() == std::vector<std::string>{"low", "high"});
  for (std::size_t i = 0; i < s.runs().size(); ++i) {
    const auto& r = s.runs()[i];
    CHECK(i == (r.point * 2 + r.replicate) * 2 + r.scenario);
  }
  // Grid: first parameter slowest.
  CHECK(s.value(0, 0).text() == "0.3");
  CHECK(s.value(1, 0).text() == "0.3");
  CHECK(s.value(1, 1).text() == "0.1");
  CHECK(s.value(2, 0).text() == "0.4");

  std::set<std::uint64_t> seeds;
  for (std::size_t i = 0; i < s.runs().size(); i += 2) {
    // Common random numbers: both scenarios of a (point, replicate) share the seed.
    CHECK(s.runs()[i].seed == s.runs()[i + 1].seed);
    seeds.insert(s.runs()[i].seed);
  }
  CHECK(seeds.size() == 12);  // distinct across points and replicates
  CHECK(s.runs()[5].seed == sweep::derive_seed(7, 1, 0, sweep::SeedMode::per_point));

  // Each run's resolved config: scenario set < point values < plan seed.
  const auto rc = s.resolve_run(13);  // point 3, replicate 0, scenario high
  CHECK(s.runs()[13].point == 3);
  CHECK(s.runs()[13].scenario == 1);
  const std::string yaml = rc.to_yaml();
  CHECK_THAT(yaml, Contains("q: 0.4"));
  CHECK_THAT(yaml, Contains("initial_share: 0.1"));
  CHECK_THAT(yaml, Contains("p: 0.05"));
  CHECK(rc.run.seed == static_cast<std::int64_t>(s.runs()[13].seed));

  // The plan's file columns and hash.
  const auto d = s.describe("");
  REQUIRE(d.columns.size() == 2);
  CHECK(d.columns[0].name == "params.q");
  CHECK(d.columns[0].numeric);
  CHECK(d.columns[0].numbers[13] == 0.4);
  CHECK(d.design_kind == "grid");
  CHECK(d.design_samples == 6);
  CHECK(s.hash().size() == 64);
}

TEST_CASE("common seeds are shared across design points, not replicates", "[sweep][plan]") {
  const Fixture f;
  const auto s =
      f.build("config: base.yaml\nseeds: common\nreplicates: 3\nparameters:\n  params.q: {values: [0.3, 0.4]}\n");
  REQUIRE(s.runs().size() == 6);
  for (std::size_t rep = 0; rep < 3; ++rep) CHECK(s.runs()[rep].seed == s.runs()[3 + rep].seed);
  CHECK(s.runs()[0].seed != s.runs()[1].seed);
}

TEST_CASE("the sweep hash changes with the plan and nothing else", "[sweep][plan]") {
  const Fixture f;
  const std::string yaml = "config: base.yaml\nparameters:\n  params.q: {values: [0.3, 0.4]}\n";
  const std::string h1 = f.build(yaml).hash();
  CHECK(f.build("# a comment changes nothing\n" + yaml).hash() == h1);
  CHECK(f.build(yaml + "seed: 2\n").hash() != h1);
  CHECK(f.build("config: base.yaml\nparameters:\n  params.q: {values: [0.3, 0.41]}\n").hash() != h1);
  CHECK(f.build(yaml + "set: {params.p: 0.02}\n").hash() != h1);
}

TEST_CASE("sampled designs map onto ranges and integer settings are rounded", "[sweep][plan]") {
  const Fixture f;
  const auto s = f.build(
      "config: base.yaml\n"
      "design: {kind: morris, samples: 3, levels: 4}\n"
      "parameters:\n"
      "  params.p: {min: 0.001, max: 0.1, scale: log}\n"
      "  params.agents_per_market: {min: 10, max: 40}\n");
  REQUIRE(s.points() == 3 * 3);
  for (std::size_t i = 0; i < s.points(); ++i) {
    CHECK(s.trajectory(i) == static_cast<std::int64_t>(i / 3));
    // params.p is declared a double, params.agents_per_market an int: the plan keeps them so.
    REQUIRE(std::holds_alternative<double>(s.value(i, 0).value()));
    const double p = std::get<double>(s.value(i, 0).value());
    CHECK(p >= 0.001 * (1 - 1e-12));
    CHECK(p <= 0.1 * (1 + 1e-12));
    CHECK(std::stod(s.value(i, 0).text()) == p);  // the text reads back exactly
    REQUIRE(std::holds_alternative<std::int64_t>(s.value(i, 1).value()));
    const std::int64_t n = std::get<std::int64_t>(s.value(i, 1).value());
    CHECK((n == 10 || n == 20 || n == 30 || n == 40));  // the 4-level grid over [10, 40]
    CHECK(s.value(i, 1).text() == std::to_string(n));
    CHECK(s.value(i, 1).node().origin().line == 5);  // at the parameter's key in the sweep file
  }
  const auto d = s.describe("1/2");
  REQUIRE(d.columns.size() == 2);
  CHECK(d.columns[1].numbers[0] == static_cast<double>(std::get<std::int64_t>(s.value(0, 1).value())));
  CHECK(d.morris);
  CHECK(d.morris_levels == 4);
  CHECK(d.shard == "1/2");
  CHECK(d.design_parameters == std::vector<std::string>{"params.p", "params.agents_per_market"});
}

TEST_CASE("integer-ness of a sampled parameter comes from its declared type", "[sweep][plan]") {
  const Fixture f;
  // params.q is a double even where its range has integer ends; calendar.months (an engine
  // setting) and params.markets are integers.
  const auto s = f.build(
      "config: base.yaml\n"
      "design: {kind: lhs, samples: 5}\n"
      "parameters:\n"
      "  params.q: {min: 1, max: 3}\n"
      "  calendar.months: {min: 2, max: 9}\n"
      "  params.markets: {min: 1, max: 4}\n");
  for (std::size_t i = 0; i < s.points(); ++i) {
    CHECK(std::holds_alternative<double>(s.value(i, 0).value()));
    CHECK(std::holds_alternative<std::int64_t>(s.value(i, 1).value()));
    CHECK(std::holds_alternative<std::int64_t>(s.value(i, 2).value()));
  }
  const auto rc = s.resolve_run(2);
  CHECK(rc.run.calendar.months == std::get<std::int64_t>(s.value(2, 1).value()));
  const auto d = s.describe("");
  CHECK(d.columns[1].attrs.size() == 4);

  // Grid values stay as written, with their place in the sweep file, for the run config to decode.
  const auto g = f.build("config: base.yaml\nparameters:\n  params.markets: {values: [1e0, 2]}\n");
  REQUIRE(std::holds_alternative<config::Node>(g.value(0, 0).value()));
  CHECK(g.value(0, 0).text() == "1e0");
  CHECK(g.value(0, 0).node().origin().line == 3);
  CHECK(g.resolve_run(0).to_yaml().find("markets: 1\n") != std::string::npos);
}
