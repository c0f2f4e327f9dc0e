#include "models/diffusion/buyers.hpp"

#include <cmath>
#include <numeric>

namespace tiersim::models::diffusion {
namespace {

constexpr std::uint32_t kSizePurpose = rng::purpose_id("diffusion.init.size");
constexpr std::uint32_t kTrainingPurpose = rng::purpose_id("diffusion.init.training");
constexpr std::uint32_t kStackPurpose = rng::purpose_id("diffusion.init.stack");

// Gamma(shape, 1) by Marsaglia & Tsang (2000); shape < 1 via the boost u^(1/shape).
double gamma_draw(rng::Stream::Cursor& c, double shape) {
  if (shape < 1.0) return gamma_draw(c, shape + 1.0) * std::pow(c.uniform_pos(), 1.0 / shape);
  const double d = shape - 1.0 / 3.0;
  const double k = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double z = 0, v = 0;
    do {
      z = c.normal();
      v = 1.0 + k * z;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = c.uniform_pos();
    if (std::log(u) < 0.5 * z * z + d - d * v + d * std::log(v)) return d * v;
  }
}

}  // namespace

double beta_draw(rng::Stream::Cursor& c, double a, double b) {
  const double x = gamma_draw(c, a);
  const double y = gamma_draw(c, b);
  return x / (x + y);
}

std::vector<std::size_t> buyers_per_country(const std::vector<double>& demand, int total, int min_per_country) {
  const double sum = std::accumulate(demand.begin(), demand.end(), 0.0);
  std::vector<std::size_t> n(demand.size());
  for (std::size_t c = 0; c < demand.size(); ++c) {
    const double share = sum > 0 ? demand[c] / sum : 0.0;
    n[c] = static_cast<std::size_t>(std::max<double>(min_per_country, std::round(total * share)));
  }
  return n;
}

Buyers make_buyers(const DiffusionParams& p, const BuyerInit& init, const BuyerIndex& index, std::uint64_t seed,
                   std::uint32_t run, const engine::Executor& executor) {
  const std::size_t countries = init.monthly_demand_2025.size();
  const std::size_t n = index.begin[countries];
  Buyers b;
  b.country.resize(n);
  b.base_demand.resize(n);
  b.training.resize(n);
  b.nveu.assign(n, 0);
  b.backlog.assign(n, 0.0);
  b.a_us.assign(n, static_cast<float>(p.initial.us_availability));
  b.lpp_used.assign(n, 0.0);
  b.nveu_used.assign(n, 0.0);
  b.ib_us.assign(n, 0.0);
  b.ib_cn.assign(n, 0.0);
  b.alt1.assign(n, 0);
  b.alt2.assign(n, 0);

  const rng::Stream size_stream(seed, run, kSizePurpose);
  const rng::Stream training_stream(seed, run, kTrainingPurpose);
  const rng::Stream stack_stream(seed, run, kStackPurpose);
  // Raw Pareto sizes (x_min = 1), training shares, stacks: per buyer, independent of threads.
  std::vector<double> raw(n);
  executor.for_blocks(n, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t i = lo; i < hi; ++i) {
      raw[i] = std::pow(size_stream.uniform_pos_at(i), -1.0 / p.demand.pareto_alpha);
      auto cur = training_stream.cursor(i, 0);
      b.training[i] = static_cast<float>(beta_draw(cur, p.demand.training_beta_a, p.demand.training_beta_b));
    }
  });
  for (std::size_t c = 0; c < countries; ++c) {
    const std::size_t lo = index.begin[c], hi = index.begin[c + 1];
    // The first buyer of a notable-demand country is its national project; the others
    // share the rest in proportion to their Pareto sizes.
    const double project = hi - lo > 1 ? init.project_share[c] : 0.0;
    const std::size_t first_pareto = project > 0 ? lo + 1 : lo;
    double total = 0;
    for (std::size_t i = first_pareto; i < hi; ++i) total += raw[i];
    for (std::size_t i = lo; i < hi; ++i) {
      b.country[i] = static_cast<std::uint32_t>(c);
      const double share = i < first_pareto ? project : (1.0 - project) * raw[i] / total;
      b.base_demand[i] = init.monthly_demand_2025[c] * share;
      const bool cn = stack_stream.uniform(i, 0) < init.cn_stack_share[c];
      (cn ? b.ib_cn : b.ib_us)[i] = init.installed[c] * share;
      if (p.policy.rule.nveu && init.nveu_eligible_country[c] &&
          b.base_demand[i] * time::kMonthsPerYear >= p.policy.rule.nveu_min_demand) {
        b.nveu[i] = 1;
      }
    }
  }
  return b;
}

}  // namespace tiersim::models::diffusion
