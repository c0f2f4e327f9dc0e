#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/engine/recorder.hpp"

using namespace tiersim;
using Catch::Matchers::Contains;

namespace {

// Three countries in two tiers, two alternatives; values depend on the step.
struct Fixture {
  engine::Registry reg;
  int step = 0;
  Fixture() {
    reg.add_dimension({"country", {"USA", "IND", "ARE"}, "country"});
    reg.add_dimension({"alt", {"US", "CN"}, "alternative"});
    reg.add_grouping({"country", "tier", {"1", "2"}, {0, 1, 1}, "tier"});
    reg.add_observable(
        {"demand", "H100e", "demand", {"country", "alt"}, engine::Reduce::sum, "", "", [this](std::span<double> out) {
           for (std::size_t i = 0; i < out.size(); ++i)
             out[i] = static_cast<double>(10 * step) + static_cast<double>(i);
         }});
    reg.add_observable(
        {"total", "H100e", "total", {"country", "alt"}, engine::Reduce::sum, "", "", [](std::span<double> out) {
           std::fill(out.begin(), out.end(), 10.0);
         }});
    reg.add_observable({"share", "1", "share", {"country", "alt"}, engine::Reduce::ratio, "demand", "total", {}});
    reg.add_observable({"stance", "1", "stance", {"country"}, engine::Reduce::mean, "", "", [](std::span<double> out) {
                          out[0] = 1;
                          out[1] = 2;
                          out[2] = 4;
                        }});
  }
  std::string where(std::size_t i) { return "cfg.yaml:" + std::to_string(i + 10) + ":3"; }
};

engine::RecordSpec spec(std::string v, std::string level = "native", int every = 1) {
  return engine::RecordSpec{std::move(v), std::move(level), every, ""};
}

}  // namespace

TEST_CASE("native, tier and world levels aggregate correctly", "[output]") {
  Fixture f;
  const time::Calendar cal({2025, 1}, 3);
  engine::Recorders rec(
      f.reg,
      {spec("demand"), spec("demand", "tier"), spec("demand", "world"), spec("share", "tier"), spec("stance", "tier")},
      cal, [&](std::size_t i) { return f.where(i); });
  for (f.step = 0; f.step < 3; ++f.step) rec.record(f.step);
  const auto data = rec.finish();
  const auto& L = rec.layout();
  REQUIRE(L.vars.size() == 5);
  CHECK(L.vars[0].dims == std::vector<std::string>{"time", "country", "alt"});
  CHECK(L.vars[1].name == "demand_tier");
  CHECK(L.vars[1].dims == std::vector<std::string>{"time", "tier", "alt"});
  CHECK(L.vars[2].dims == std::vector<std::string>{"time", "alt"});
  // step 2 (third slot): native values 20..25 laid out (country, alt).
  const auto& native = data.vars[0];
  CHECK(native[2 * 6 + 5] == 25.0);
  // tier 2 = IND + ARE: alt US = 22 + 24, alt CN = 23 + 25.
  const auto& tier = data.vars[1];
  CHECK(tier[2 * 4 + 2] == 46.0);
  CHECK(tier[2 * 4 + 3] == 48.0);
  CHECK(tier[2 * 4 + 0] == 20.0);
  const auto& world = data.vars[2];
  CHECK(world[2 * 2 + 0] == 20.0 + 22.0 + 24.0);
  // Ratio of sums, not sum of ratios: tier 2 US share at step 0 = (2 + 4) / 20.
  CHECK(data.vars[3][0 * 4 + 2] == Approx(6.0 / 20.0));
  // Mean over members: tier 2 stance = (2 + 4) / 2.
  CHECK(data.vars[4][1] == 3.0);
}

TEST_CASE("every N records at the end of each period", "[output]") {
  Fixture f;
  const time::Calendar cal({2025, 1}, 7);
  engine::Recorders rec(f.reg, {spec("stance", "native", 3)}, cal, [&](std::size_t i) { return f.where(i); });
  CHECK(rec.layout().dim("time_3m").steps == std::vector<int>{2, 5});
}

TEST_CASE("unknown variables and levels name the config location", "[output]") {
  Fixture f;
  const time::Calendar cal({2025, 1}, 3);
  auto where = [&](std::size_t i) { return f.where(i); };
  CHECK_THROWS_WITH(engine::Recorders(f.reg, {spec("demand"), spec("demnd")}, cal, where),
                    Contains("cfg.yaml:11:3") && Contains("record[1].variable") && Contains("did you mean 'demand'"));
  CHECK_THROWS_WITH(engine::Recorders(f.reg, {spec("demand", "region")}, cal, where),
                    Contains("record[0].level") && Contains("native, world, tier"));
  CHECK_THROWS_WITH(engine::Recorders(f.reg, {spec("demand"), spec("demand")}, cal, where), Contains("recorded twice"));
  CHECK_THROWS_WITH(engine::Recorders(f.reg, {spec("demand", "native", 4)}, cal, where),
                    Contains("longer than the run"));
}

TEST_CASE("no record specs means every observable, native, monthly", "[output]") {
  Fixture f;
  const time::Calendar cal({2025, 1}, 2);
  engine::Recorders rec(f.reg, {}, cal, [&](std::size_t i) { return f.where(i); });
  CHECK(rec.layout().vars.size() == f.reg.observables().size());
}

TEST_CASE("a recorded value that is not finite ends the run, naming the variable, the entry and the month",
          "[output]") {
  Fixture f;
  double bad = std::numeric_limits<double>::infinity();
  f.reg.add_observable(
      {"stock", "H100e", "stock", {"country", "alt"}, engine::Reduce::sum, "", "", [&](std::span<double> out) {
         std::fill(out.begin(), out.end(), 1.0);
         if (f.step == 2) out[3] = bad;  // IND, CN
       }});
  const time::Calendar cal({2025, 1}, 3);
  for (const char* level : {"native", "tier", "world"}) {
    engine::Recorders rec(f.reg, {spec("stock", level), spec("share")}, cal, [&](std::size_t i) { return f.where(i); });
    for (f.step = 0; f.step < 2; ++f.step) rec.record(f.step);
    CHECK_THROWS_AS(rec.record(2), RuntimeFailure);
    CHECK_THROWS_WITH(rec.record(2),
                      "month 2025-03: 'stock' is infinite for country IND, alt CN: the model's state is "
                      "no longer finite (inputs at the edge of their ranges?)");
  }
  bad = std::nan("");
  engine::Recorders rec(f.reg, {spec("stock")}, cal, [&](std::size_t i) { return f.where(i); });
  f.step = 2;
  CHECK_THROWS_WITH(rec.record(2), Contains("'stock' is NaN for country IND, alt CN"));
}
