#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "models/bass/bass_model.hpp"
#include "sim/config/yaml_loader.hpp"
#include "sim/core/error.hpp"
#include "sim/engine/simulation.hpp"

using namespace tiersim;
using Catch::Matchers::Contains;

namespace {

engine::ModelCatalog catalog() {
  engine::ModelCatalog c;
  c.add(models::bass::model_type());
  return c;
}

engine::ResolvedConfig resolve(const std::string& yaml) {
  static const auto cat = catalog();
  return engine::resolve_config(config::parse_yaml(yaml, "bass.yaml"), cat, ".");
}

// Continuous-time Bass curve.
double bass_F(double p, double q, double t_years) {
  const double e = std::exp(-(p + q) * t_years);
  return (1.0 - e) / (1.0 + (q / p) * e);
}

// The mean-field recursion of the monthly process the ABM implements:
// F <- F + (1 - F)(1 - exp(-(p + q F) dt)).
std::vector<double> bass_recursion(double p, double q, double dt, int steps) {
  std::vector<double> out;
  double F = 0;
  for (int t = 0; t < steps; ++t) {
    F += (1 - F) * (1 - std::exp(-(p + q * F) * dt));
    out.push_back(F);
  }
  return out;
}

double max_error_vs_analytic(double p, double q, double dt, int steps) {
  const auto rec = bass_recursion(p, q, dt, steps);
  double worst = 0;
  for (int t = 0; t < steps; ++t)
    worst = std::max(worst, std::fabs(rec[static_cast<std::size_t>(t)] - bass_F(p, q, (t + 1) * dt)));
  return worst;
}

}  // namespace

TEST_CASE("Bass ABM follows its mean-field recursion and the analytic curve", "[models][bass]") {
  // 4 x 50,000 agents, 10 years. Criterion fixed in advance: sampling noise of the world
  // share has sd <= 0.5/sqrt(N) = 0.0011 (feedback through qF inflates it modestly), so
  // allow 5 sd = 0.0056 against the recursion; against the analytic curve add the
  // recursion's own discretisation error (checked for first-order convergence below).
  const auto cfg = resolve(
      "model: bass\nseed: 11\ncalendar: {start: 2025-01, months: 120}\n"
      "params: {markets: 4, agents_per_market: 50000, p: 0.03, q: 0.38}\n"
      "record: [{variable: adoption_share, level: world}]\n");
  const engine::Executor ex(2);
  engine::Simulation sim(cfg, 0, ex);
  const auto data = sim.run();
  const auto& share = data.vars[0];
  REQUIRE(share.size() == 120);
  const double sampling_tol = 5 * 0.5 / std::sqrt(200000.0);
  const auto rec = bass_recursion(0.03, 0.38, 1.0 / 12, 120);
  const double disc = max_error_vs_analytic(0.03, 0.38, 1.0 / 12, 120);
  double worst_rec = 0, worst_analytic = 0;
  for (std::size_t t = 0; t < share.size(); ++t) {
    worst_rec = std::max(worst_rec, std::fabs(share[t] - rec[t]));
    worst_analytic =
        std::max(worst_analytic, std::fabs(share[t] - bass_F(0.03, 0.38, static_cast<double>(t + 1) / 12.0)));
  }
  CHECK(worst_rec < sampling_tol);
  CHECK(worst_analytic < sampling_tol + disc);
  // Months to half adoption: analytic ln((2p+q)/p)/(p+q) years = 65.2 months; the
  // monthly scheme and sampling shift it by at most a couple of months.
  const double t_half = 12.0 * std::log((2 * 0.03 + 0.38) / 0.03) / (0.03 + 0.38);
  CHECK(std::fabs(data.summaries[1] - t_half) <= 2.0);
}

TEST_CASE("the monthly scheme converges to the analytic curve at first order", "[models][bass]") {
  const double e1 = max_error_vs_analytic(0.03, 0.38, 1.0 / 12, 120);
  const double e2 = max_error_vs_analytic(0.03, 0.38, 1.0 / 24, 240);
  const double e3 = max_error_vs_analytic(0.03, 0.38, 1.0 / 1200, 12000);
  CHECK(e1 < 0.012);
  CHECK(e2 / e1 == Approx(0.5).margin(0.05));
  CHECK(e3 < 1.2e-4);
}

TEST_CASE("q = 0 gives pure innovation: F = 1 - exp(-p t)", "[models][bass]") {
  const auto cfg = resolve(
      "model: bass\ncalendar: {months: 24}\nparams: {markets: 2, agents_per_market: 100000, p: 0.5, q: 0}\n"
      "record: [{variable: adoption_share, level: world}]\n");
  const engine::Executor ex(1);
  engine::Simulation sim(cfg, 0, ex);
  const auto data = sim.run();
  // 4 sd of a binomial share with N = 2e5 is at most 0.0045.
  CHECK(std::fabs(data.vars[0][23] - (1 - std::exp(-0.5 * 2.0))) < 0.0045);
}

TEST_CASE("Bass parameters are validated", "[models][bass]") {
  CHECK_THROWS_WITH(resolve("model: bass\nparams: {p: -0.1}\n"), Contains("params.p") && Contains("out of range"));
  CHECK_THROWS_WITH(resolve("model: bass\nparams: {p: 0, initial_share: 0}\n"), Contains("nobody ever adopts"));
  CHECK_THROWS_WITH(resolve("model: bas\n"), Contains("bass.yaml:1:8") && Contains("did you mean 'bass'"));
  CHECK_THROWS_WITH(resolve("seed: 1\n"), Contains("'model' is missing"));
}

TEST_CASE("same seed at 1 and 2 threads gives identical numbers, another seed different ones",
          "[models][bass][parallel]") {
  const std::string yaml =
      "model: bass\nseed: 5\ncalendar: {months: 36}\nparams: {markets: 3, agents_per_market: 30000}\n";
  auto run = [&](int threads, const std::string& extra) {
    const auto cfg = resolve(yaml + extra);
    const engine::Executor ex(threads);
    engine::Simulation sim(cfg, 0, ex);
    return sim.run();
  };
  const auto a = run(1, "");
  const auto b = run(2, "");
  REQUIRE(a.vars.size() == b.vars.size());
  for (std::size_t k = 0; k < a.vars.size(); ++k) CHECK(a.vars[k] == b.vars[k]);
  auto other =
      resolve("model: bass\nseed: 6\ncalendar: {months: 36}\nparams: {markets: 3, agents_per_market: 30000}\n");
  const engine::Executor ex(2);
  engine::Simulation s2(other, 0, ex);
  CHECK(s2.run().vars[0] != a.vars[0]);
}
