// Docking the engine to Brock & Durlauf (2001): the simulated mean choice settles at the
// self-consistent equilibrium m* = tanh(beta h + beta J m*), with two stable equilibria
// iff beta J > 1 (h = 0). Every criterion below was fixed, with its derivation, before the
// first run. `test_models_brock_durlauf -s` prints the measured numbers (docs/validation.md).
//
// Common criterion: |m_sim - m*| < 4 sd, sd = sqrt((1 - m*^2) / N), the sd of the mean of
// N independent +-1 variables with mean m*. At equilibrium the simulated m is an AR(1)
// around m* with coefficient lambda = 1 - rho (1 - kappa), kappa = beta J (1 - m*^2) the
// slope of the mean-field map, rho = revise_share; its stationary sd is larger by
// sqrt((2 - rho) / ((1 - kappa)(2 - rho + rho kappa))): 1.05-1.19 for the cases below
// (computed before running), so 4 nominal sd are >= 3.36 true sd (two-sided false-alarm
// probability <= 8e-4 per check). 80 months: the deterministic mean-field iteration is
// within 1e-6 of m* for every case (REQUIREd below), far inside the tolerance.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/brock_durlauf/brock_durlauf_model.hpp"
#include "sim/config/yaml_loader.hpp"
#include "sim/core/error.hpp"
#include "sim/engine/simulation.hpp"

using namespace tiersim;
using namespace tiersim::models::brock_durlauf;
using Catch::Matchers::Contains;

namespace {

constexpr int kAgents = 100000;
constexpr int kMonths = 80;

engine::ResolvedConfig resolve(const std::string& yaml) {
  static const auto cat = [] {
    engine::ModelCatalog c;
    c.add(model_type());
    return c;
  }();
  return engine::resolve_config(config::parse_yaml(yaml, "bd.yaml"), cat, ".");
}

struct Case {
  double beta, h, J, m0, rho;
};

std::string yaml_of(const Case& c, int agents = kAgents, int months = kMonths, long seed = 2001) {
  return "model: brock_durlauf\nseed: " + std::to_string(seed) + "\ncalendar: {months: " + std::to_string(months) +
         "}\nparams: {agents: " + std::to_string(agents) + ", beta: " + std::to_string(c.beta) +
         ", h: " + std::to_string(c.h) + ", J: " + std::to_string(c.J) + ", m0: " + std::to_string(c.m0) +
         ", revise_share: " + std::to_string(c.rho) + "}\nrecord: [{variable: m}, {variable: share_plus}]\n";
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
};

Result run(const std::string& yaml, int threads = 2) {
  const auto cfg = resolve(yaml);
  const engine::Executor ex(threads);
  engine::Simulation sim(cfg, 0, ex);
  auto data = sim.run();
  return {sim.layout(), std::move(data)};
}

/// All roots of f(m) = tanh(beta h + beta J m) - m on [-1, 1], ascending: sign changes on
/// a grid of 20000 cells, each refined by bisection to the last bit. (Tangential double
/// roots at a critical point would be missed; no case here is critical.)
std::vector<double> fixed_points(double beta, double h, double J) {
  auto f = [&](double m) { return std::tanh(beta * h + beta * J * m) - m; };
  std::vector<double> roots;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    double lo = -1.0 + 2.0 * i / n, hi = -1.0 + 2.0 * (i + 1) / n;
    const double flo = f(lo), fhi = f(hi);
    if (flo == 0.0) {
      roots.push_back(lo);
      continue;
    }
    if (flo * fhi >= 0.0) continue;
    for (int it = 0; it < 200 && hi - lo > 0.0; ++it) {
      const double mid = 0.5 * (lo + hi);
      if (mid <= lo || mid >= hi) break;
      if ((f(mid) > 0.0) == (flo > 0.0))
        lo = mid;
      else
        hi = mid;
    }
    roots.push_back(0.5 * (lo + hi));
  }
  return roots;
}

/// The equilibrium the mean-field dynamics reaches from m0: the map m -> tanh(beta h +
/// beta J m) is increasing, so it moves monotonically to the nearest root in the direction
/// of f(m0).
double equilibrium_from(double beta, double h, double J, double m0) {
  const auto roots = fixed_points(beta, h, J);
  const double f0 = std::tanh(beta * h + beta * J * m0) - m0;
  if (f0 > 0) return *std::upper_bound(roots.begin(), roots.end(), m0);
  if (f0 < 0) return *(std::lower_bound(roots.begin(), roots.end(), m0) - 1);
  return m0;
}

/// Deterministic mean-field path m <- (1 - rho) m + rho tanh(beta h + beta J m).
double mean_field_after(const Case& c, int months) {
  double m = c.m0;
  for (int t = 0; t < months; ++t) m = (1 - c.rho) * m + c.rho * std::tanh(c.beta * c.h + c.beta * c.J * m);
  return m;
}

double sd_of_mean(double m_star, int n) { return std::sqrt((1 - m_star * m_star) / n); }

}  // namespace

TEST_CASE("logit probability and the fixed points of m = tanh(beta h + beta J m)", "[models][brock_durlauf]") {
  BrockDurlaufParams p;
  p.beta = 1.3;
  p.h = 0.2;
  p.J = 0.7;
  for (double m : {-0.8, 0.0, 0.45})
    CHECK(2 * prob_plus(p, m) - 1 == Approx(std::tanh(1.3 * (0.2 + 0.7 * m))).epsilon(1e-14));
  // h = 0: three roots iff beta J > 1, the nonzero ones symmetric.
  const auto bistable = fixed_points(1.0, 0.0, 1.5);
  REQUIRE(bistable.size() == 3);
  CHECK(bistable[1] == 0.0);
  CHECK(bistable[2] == Approx(-bistable[0]).epsilon(1e-12));
  CHECK(bistable[2] == Approx(std::tanh(1.5 * bistable[2])).epsilon(1e-14));
  CHECK(fixed_points(1.0, 0.0, 0.5).size() == 1);
  CHECK(fixed_points(2.0, 0.0, 0.45).size() == 1);
}

namespace {

void check_equilibrium(const Case& c) {
  const double m_star = equilibrium_from(c.beta, c.h, c.J, c.m0);
  REQUIRE(std::fabs(mean_field_after(c, kMonths) - m_star) < 1e-6);
  const auto r = run(yaml_of(c));
  const double m_sim = r.var("m").back();
  const double sd = sd_of_mean(m_star, kAgents);
  INFO("beta " << c.beta << " h " << c.h << " J " << c.J << " m0 " << c.m0 << " revise " << c.rho << ": m* = " << m_star
               << ", m_sim = " << m_sim << ", sd = " << sd << ", deviation in sd = " << (m_sim - m_star) / sd);
  CHECK(std::fabs(m_sim - m_star) < 4 * sd);
  CHECK(r.var("share_plus").back() == Approx((1 + m_sim) / 2).epsilon(1e-12));
}

}  // namespace

// Cases (beta, h, J, m0, revise_share): fields of both signs, synchronous and asynchronous
// (revise_share 0.25) updating, and the metastable equilibrium against the field
// (beta J = 1.5, h = 0.1 < h_c = 0.208, started at m0 = -0.9). One simulation per test
// case keeps each under a few seconds in a Debug build.
TEST_CASE("mean-field equilibrium with a positive field (beta 1 h 0.3 J 0.5)", "[models][brock_durlauf]") {
  check_equilibrium({1.0, 0.3, 0.5, 0.0, 1.0});
}

TEST_CASE("mean-field equilibrium with a negative field (beta 2 h -0.1 J 0.25 from m0 0.5)",
          "[models][brock_durlauf]") {
  check_equilibrium({2.0, -0.1, 0.25, 0.5, 1.0});
}

TEST_CASE("mean-field equilibrium under asynchronous updating (revise_share 0.25)", "[models][brock_durlauf]") {
  check_equilibrium({1.0, 0.5, 1.0, 0.0, 0.25});
}

TEST_CASE("metastable mean-field equilibrium against the field (beta J 1.5 h 0.1 from m0 -0.9)",
          "[models][brock_durlauf]") {
  // The equilibrium reached really is against the field: h > 0 but m* < 0.
  CHECK(equilibrium_from(1.0, 0.1, 1.5, -0.9) < -0.8);
  check_equilibrium({1.0, 0.1, 1.5, -0.9, 1.0});
}

namespace {
// beta J = 1.5, h = 0: roots -m*, 0, +m* with m* = 0.8586.
double bistable_root() { return fixed_points(1.0, 0.0, 1.5).back(); }
}  // namespace

TEST_CASE("bistability when beta J = 1.5: starts at +0.9 and -0.9 settle near +m and -m", "[models][brock_durlauf]") {
  // Criterion: within 4 sd of +m* and of -m* respectively.
  const double m_star = bistable_root();
  const double sd = sd_of_mean(m_star, kAgents);
  for (double m0 : {0.9, -0.9}) {
    const Case c{1.0, 0.0, 1.5, m0, 1.0};
    const double target = std::copysign(m_star, m0);
    REQUIRE(std::fabs(mean_field_after(c, kMonths) - target) < 1e-6);
    const double m_sim = run(yaml_of(c)).var("m").back();
    INFO("beta J = 1.5, m0 = " << m0 << ": m_sim = " << m_sim << ", target " << target
                               << ", deviation in sd = " << (m_sim - target) / sd);
    CHECK(std::fabs(m_sim - target) < 4 * sd);
  }
}

TEST_CASE("bistability when beta J = 1.5: from m0 = 0 sampling noise picks a side", "[models][brock_durlauf]") {
  // m = 0 is an unstable root (slope 1.5): noise alone moves the group to one of the two
  // stable roots. Criterion: |m| within 4 sd of m*.
  const double m_star = bistable_root();
  const double sd = sd_of_mean(m_star, kAgents);
  const double m_sim = run(yaml_of({1.0, 0.0, 1.5, 0.0, 1.0})).var("m").back();
  INFO("beta J = 1.5, m0 = 0: m_sim = " << m_sim << ", deviation of |m| in sd = " << (std::fabs(m_sim) - m_star) / sd);
  CHECK(std::fabs(std::fabs(m_sim) - m_star) < 4 * sd);
}

TEST_CASE("no bistability when beta J = 0.5: starts at +0.9 and -0.9 both settle near 0", "[models][brock_durlauf]") {
  // The only root is 0. Criterion: both runs within 4 sd of 0.
  const double sd = sd_of_mean(0.0, kAgents);
  for (double m0 : {0.9, -0.9}) {
    const Case c{1.0, 0.0, 0.5, m0, 1.0};
    REQUIRE(std::fabs(mean_field_after(c, kMonths)) < 1e-6);
    const double m_sim = run(yaml_of(c)).var("m").back();
    INFO("beta J = 0.5, m0 = " << m0 << ": m_sim = " << m_sim << ", deviation in sd = " << m_sim / sd);
    CHECK(std::fabs(m_sim) < 4 * sd);
  }
}

TEST_CASE("Brock-Durlauf: 1 vs 2 threads give identical outputs and another seed differs",
          "[models][brock_durlauf][parallel]") {
  const Case c{1.0, 0.1, 1.2, 0.2, 0.5};
  const auto a = run(yaml_of(c, 20000, 20, 9), 1);
  const auto b = run(yaml_of(c, 20000, 20, 9), 2);
  REQUIRE(a.data.vars.size() == b.data.vars.size());
  for (std::size_t k = 0; k < a.data.vars.size(); ++k) CHECK(a.data.vars[k] == b.data.vars[k]);
  CHECK(a.data.summaries == b.data.summaries);
  CHECK(run(yaml_of(c, 20000, 20, 10), 2).var("m") != a.var("m"));
}

TEST_CASE("Brock-Durlauf parameters are validated", "[models][brock_durlauf]") {
  CHECK_THROWS_WITH(resolve("model: brock_durlauf\nparams: {m0: 1.5}\n"),
                    Contains("params.m0") && Contains("out of range"));
  CHECK_THROWS_WITH(resolve("model: brock_durlauf\nparams: {revise_share: 0}\n"), Contains("params.revise_share"));
  CHECK_THROWS_WITH(resolve("model: brock_durlauf\nparams: {J: -1}\n"), Contains("params.J"));
  CHECK_THROWS_WITH(resolve("model: brock_durlauf\nparams: {bta: 1}\n"), Contains("did you mean 'params.beta'"));
}
