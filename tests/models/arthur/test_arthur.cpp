// Docking the engine to Arthur (1989): lock-in under increasing returns, convergence to
// the type mix under constant returns, coexistence under diminishing returns.
// Every statistical criterion below was fixed, with its derivation, before the first run.
// `test_models_arthur -s` prints the measured numbers (docs/validation.md).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/arthur/arthur_model.hpp"
#include "sim/config/yaml_loader.hpp"
#include "sim/core/error.hpp"
#include "sim/engine/simulation.hpp"

using namespace tiersim;
using namespace tiersim::models::arthur;
using Catch::Matchers::Contains;

namespace {

engine::ResolvedConfig resolve(const std::string& yaml) {
  static const auto cat = [] {
    engine::ModelCatalog c;
    c.add(model_type());
    return c;
  }();
  return engine::resolve_config(config::parse_yaml(yaml, "arthur.yaml"), cat, ".");
}

struct Result {
  engine::Layout layout;
  engine::RunData data;
  const std::vector<double>& var(const std::string& name) const {
    for (std::size_t k = 0; k < layout.vars.size(); ++k) {
      if (layout.vars[k].name == name) return data.vars[k];
    }
    throw std::runtime_error("no output variable " + name);
  }
  double summary(const std::string& name) const {
    for (std::size_t k = 0; k < layout.summaries.size(); ++k) {
      if (layout.summaries[k].name == name) return data.summaries[k];
    }
    throw std::runtime_error("no summary " + name);
  }
};

Result run(const std::string& yaml, int threads = 2) {
  const auto cfg = resolve(yaml);
  const engine::Executor ex(threads);
  engine::Simulation sim(cfg, 0, ex);
  auto data = sim.run();
  return {sim.layout(), std::move(data)};
}

ArthurParams defaults(Returns r) {
  ArthurParams p;
  p.returns = r;
  return p;
}

}  // namespace

TEST_CASE("Arthur choice rule: barriers at |n_A - n_B| = 10 with the replication's payoffs", "[models][arthur]") {
  // Exact checks of the payoff table (a_R = 2, b_R = 1, a_S = 1, b_S = 2, r = s = 0.1):
  // R prefers A iff 2 + 0.1 n_A >= 1 + 0.1 n_B iff d >= -10 (tie at -10: natural preference A);
  // S prefers A iff 1 + 0.1 n_A > 2 + 0.1 n_B iff d > 10 (tie at 10: natural preference B).
  const auto inc = defaults(Returns::increasing);
  CHECK(choose(inc, AdopterType::R, 0) == Tech::A);
  CHECK(choose(inc, AdopterType::R, -10) == Tech::A);
  CHECK(choose(inc, AdopterType::R, -11) == Tech::B);
  CHECK(choose(inc, AdopterType::S, 0) == Tech::B);
  CHECK(choose(inc, AdopterType::S, 10) == Tech::B);
  CHECK(choose(inc, AdopterType::S, 11) == Tech::A);
  CHECK(!locked_in(inc, 10));
  CHECK(!locked_in(inc, -10));
  CHECK(locked_in(inc, 11));
  CHECK(locked_in(inc, -11));
  CHECK(locked_in(inc, 1000000));
  // Unequal returns: barriers (b_R - a_R)/r = -1/0.3 and (b_S - a_S)/s = 1/0.05 = 20.
  auto uneq = inc;
  uneq.r = 0.3;
  uneq.s = 0.05;
  CHECK(choose(uneq, AdopterType::R, -3) == Tech::A);
  CHECK(choose(uneq, AdopterType::R, -4) == Tech::B);
  CHECK(choose(uneq, AdopterType::S, 20) == Tech::B);
  CHECK(choose(uneq, AdopterType::S, 21) == Tech::A);
  // Constant returns: natural preferences always.
  const auto con = defaults(Returns::constant);
  for (std::int64_t d : {-1000000, -11, 0, 11, 1000000}) {
    CHECK(choose(con, AdopterType::R, d) == Tech::A);
    CHECK(choose(con, AdopterType::S, d) == Tech::B);
    CHECK(!locked_in(con, d));
  }
  // Diminishing returns (payoff a - r n): R prefers A iff d <= 10, S prefers A iff d < -10.
  const auto dim = defaults(Returns::diminishing);
  CHECK(choose(dim, AdopterType::R, 10) == Tech::A);
  CHECK(choose(dim, AdopterType::R, 11) == Tech::B);
  CHECK(choose(dim, AdopterType::S, -10) == Tech::B);
  CHECK(choose(dim, AdopterType::S, -11) == Tech::A);
  CHECK(!locked_in(dim, 11));
  CHECK(!locked_in(dim, -11));
}

TEST_CASE("increasing returns: every market locks in, and never unlocks", "[models][arthur]") {
  // 1000 markets, one adopter per month, T = 2000 adoptions, p_r = 0.5.
  // While |d| <= 10 each type follows its natural preference, so d is a simple symmetric
  // random walk on -10..10 absorbed at +-11. Gambler's ruin: E[absorption time] from 0 is
  // 11^2 = 121 ~ barrier^2; the survival probability decays like (4/pi) cos(pi/22)^t, which
  // at T = 2000 (20 x barrier^2) is 1.6e-9 per market. Criterion (fixed in advance): share
  // of markets locked >= 0.99. Exact checks: after the first step beyond the barrier every
  // adopter chooses the leader (d moves by exactly sign(d) each month, never back), while
  // |d| = 10 is not absorbing (a step back from +-10 happens in some market). By symmetry
  // half the markets lock to A: criterion |share - 0.5| < 4 sd, sd = sqrt(0.25/1000).
  const int markets = 1000, months = 2000;
  const auto r = run("model: arthur\nseed: 1989\ncalendar: {months: " + std::to_string(months) +
                     "}\nparams: {markets: " + std::to_string(markets) +
                     ", arrivals_per_step: 1, p_r: 0.5, returns: increasing}\n"
                     "record: [{variable: d}]\n");
  const auto& d = r.var("d");
  REQUIRE(d.size() == static_cast<std::size_t>(markets * months));
  const double locked = r.summary("locked_share");
  CHECK(locked >= 0.99);
  std::size_t violations = 0, steps_after_lock = 0, returns_from_10 = 0;
  auto at = [&](int t, int m) { return d[static_cast<std::size_t>(t * markets + m)]; };
  for (int m = 0; m < markets; ++m) {
    int t_lock = -1;
    double prev = 0;
    for (int t = 0; t < months; ++t) {
      const double x = at(t, m);
      if (std::fabs(x - prev) != 1.0) ++violations;  // one adoption per month
      if (t_lock < 0) {
        if (std::fabs(prev) == 10.0 && std::fabs(x) == 9.0) ++returns_from_10;
        if (std::fabs(x) > 10.0) {
          t_lock = t;
          if (std::fabs(x) != 11.0) ++violations;
        }
      } else {
        ++steps_after_lock;
        if (x != prev + (prev > 0 ? 1.0 : -1.0)) ++violations;
      }
      prev = x;
    }
  }
  INFO("adoptions checked after lock-in: " << steps_after_lock);
  CHECK(violations == 0);
  CHECK(steps_after_lock > 0);
  CHECK(returns_from_10 > 0);
  const double to_a = r.summary("locked_to_A_share");
  INFO("locked share " << locked << ", locked to A " << to_a);
  CHECK(std::fabs(to_a - 0.5) < 4 * std::sqrt(0.25 / markets));
  // Mean |d| after T adoptions: a market absorbed at time tau has |d| = 11 + (T - tau), so
  // mean |d| = T + 11 - mean(tau). Exit time of a simple symmetric walk from (-11, 11):
  // E = 11^2 = 121, Var = (2/3) 11^2 (11^2 - 1) = 9680. Criterion (fixed in advance):
  // |mean |d| - (T - 110)| < 4 sqrt(9680 / 1000). (Barriers at 10 or 12 would give
  // T - 90 or T - 132, both outside.)
  const double mean_abs_d = r.summary("mean_abs_d");
  INFO("mean |d| " << mean_abs_d << " (theory " << months - 110 << ")");
  CHECK(std::fabs(mean_abs_d - (months - 110)) < 4 * std::sqrt(9680.0 / markets));
}

TEST_CASE("increasing returns: which technology wins follows gambler's ruin", "[models][arthur]") {
  // p_r = 0.52: d steps +1 w.p. p = 0.52, -1 w.p. q = 0.48 inside the barriers, so a market
  // locks to A with probability 1 / (1 + (q/p)^11) = 0.7069 (gambler's ruin, absorbing at
  // +-11). Criterion (fixed in advance): |share locked to A - 0.7069| < 4 binomial sd over
  // 2000 markets (sd = 0.0102), after 2000 adoptions (drift only shortens absorption).
  const int markets = 2000;
  const auto r = run("model: arthur\nseed: 7\ncalendar: {months: 200}\nparams: {markets: " + std::to_string(markets) +
                     ", arrivals_per_step: 10, p_r: 0.52}\nrecord: [{variable: locked, level: world}]\n");
  const double ratio = 0.48 / 0.52;
  const double p_a = 1.0 / (1.0 + std::pow(ratio, 11));
  CHECK(r.summary("locked_share") >= 0.99);
  const double to_a = r.summary("locked_to_A_share");
  INFO("locked to A " << to_a << ", gambler's ruin " << p_a);
  CHECK(std::fabs(to_a - p_a) < 4 * std::sqrt(p_a * (1 - p_a) / markets));
  // The recorded share of locked markets never decreases (lock-in is absorbing).
  const auto& lk = r.var("locked_world");
  CHECK(std::is_sorted(lk.begin(), lk.end()));
}

TEST_CASE("constant returns: the share of A converges to the type mix p_r", "[models][arthur]") {
  // With r = s = 0 every adopter follows its natural preference, so n_A over all markets is
  // Binomial(N, p_r), N = 200 markets x 5000 adoptions = 10^6. Criterion (fixed in
  // advance): |share_A - p_r| < 4 sqrt(p_r (1 - p_r) / N); no market is ever locked in.
  for (double p_r : {0.5, 0.7}) {
    const auto r =
        run("model: arthur\nseed: 3\ncalendar: {months: 100}\nparams: {markets: 200, arrivals_per_step: 50, "
            "p_r: " +
            std::to_string(p_r) +
            ", returns: constant}\n"
            "record: [{variable: share_A, level: world}]\n");
    const double share = r.var("share_A_world").back();
    const double tol = 4 * std::sqrt(p_r * (1 - p_r) / 1.0e6);
    INFO("p_r = " << p_r << ", share_A " << share << ", tolerance " << tol);
    CHECK(std::fabs(share - p_r) < tol);
    CHECK(r.summary("locked_share") == 0.0);
  }
}

TEST_CASE("diminishing returns: both technologies coexist", "[models][arthur]") {
  // Payoffs a - r n: R prefers A iff d <= 10, S prefers A iff d < -10. From |d| <= 10 one
  // adoption reaches at most |d| = 11, and at |d| = 11 both types choose the laggard, so
  // |d| <= 11 forever (exact), reached w.p. 1 (the walk is recurrent on -11..11). Hence
  // after n adoptions every market's share of A is within 11/(2n) of 1/2 whatever p_r
  // (criterion, exact); unlike constant returns it does not converge to p_r.
  for (double p_r : {0.5, 0.7}) {
    const int months = 1000;
    const auto r = run("model: arthur\nseed: 5\ncalendar: {months: " + std::to_string(months) +
                       "}\nparams: {markets: 200, arrivals_per_step: 1, p_r: " + std::to_string(p_r) +
                       ", returns: diminishing}\nrecord: [{variable: d}, {variable: share_A}]\n");
    const auto& d = r.var("d");
    double max_abs_d = 0;
    for (double x : d) max_abs_d = std::max(max_abs_d, std::fabs(x));
    CHECK(max_abs_d == 11.0);
    const auto& share = r.var("share_A");
    const std::vector<double> last(share.end() - 200, share.end());
    const double lo = *std::min_element(last.begin(), last.end());
    const double hi = *std::max_element(last.begin(), last.end());
    INFO("p_r = " << p_r << ", max |d| " << max_abs_d << ", market shares of A in [" << lo << ", " << hi << "]");
    CHECK(lo >= 0.5 - 11.0 / (2 * months));
    CHECK(hi <= 0.5 + 11.0 / (2 * months));
    CHECK(r.summary("locked_share") == 0.0);
  }
}

TEST_CASE("Arthur: 1 vs 2 threads give identical outputs and another seed differs", "[models][arthur][parallel]") {
  const std::string yaml = "calendar: {months: 60}\nparams: {markets: 300, arrivals_per_step: 7, p_r: 0.5}\n";
  const auto a = run("model: arthur\nseed: 42\n" + yaml, 1);
  const auto b = run("model: arthur\nseed: 42\n" + yaml, 2);
  REQUIRE(a.data.vars.size() == b.data.vars.size());
  REQUIRE(a.data.vars.size() >= 5);
  for (std::size_t k = 0; k < a.data.vars.size(); ++k) CHECK(a.data.vars[k] == b.data.vars[k]);
  CHECK(a.data.summaries == b.data.summaries);
  const auto c = run("model: arthur\nseed: 43\n" + yaml, 2);
  CHECK(c.var("d") != a.var("d"));
}

TEST_CASE("Arthur parameters are validated", "[models][arthur]") {
  CHECK_THROWS_WITH(resolve("model: arthur\nparams: {p_r: 1.5}\n"), Contains("params.p_r") && Contains("out of range"));
  CHECK_THROWS_WITH(resolve("model: arthur\nparams: {a_R: 0.5}\n"),
                    Contains("arthur.yaml:2:15") && Contains("params.a_R") && Contains("a_R > b_R"));
  CHECK_THROWS_WITH(resolve("model: arthur\nparams: {a_S: 3}\n"), Contains("params.b_S") && Contains("b_S > a_S"));
  CHECK_THROWS_WITH(resolve("model: arthur\nparams: {r: 0}\n"), Contains("params.r") && Contains("> 0"));
  CHECK_NOTHROW(resolve("model: arthur\nparams: {r: 0, s: 0, returns: constant}\n"));
  CHECK_THROWS_WITH(resolve("model: arthur\nparams: {returns: increasnig}\n"), Contains("increasing"));
  CHECK_THROWS_WITH(resolve("model: arthur\nparams: {markets: 0}\n"), Contains("params.markets"));
}
