#include "models/diffusion/buyers.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace tiersim::models::diffusion {
namespace {

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

std::vector<double> demand_shares(std::size_t n, std::size_t projects, double project_share, double alpha) {
  // Stratified Pareto sizes: the k-th of m ordinary buyers holds the mean of the k-th of m
  // equal-probability strata of Pareto(alpha), so the size distribution of the consignees
  // it stands for does not depend on the number of buyers (the strata means add up to m
  // times the mean, alpha/(alpha - 1)).
  std::vector<double> shares(n, project_share);
  const std::size_t m = n - projects;
  double total = 0;
  for (std::size_t k = 0; k < m; ++k) {
    shares[projects + k] = pareto_stratum_mean(k, m, alpha);
    total += shares[projects + k];
  }
  for (std::size_t k = 0; k < m; ++k) shares[projects + k] = (1.0 - project_share) * shares[projects + k] / total;
  return shares;
}

double pareto_stratum_mean(std::size_t j, std::size_t m, double alpha) {
  // E[X | F(X) in [a, b)] for Pareto(alpha, x_min = 1), F^-1(u) = (1 - u)^(-1/alpha):
  // ((1 - a)^beta - (1 - b)^beta) / (beta (b - a)), beta = 1 - 1/alpha, written with
  // expm1/log1p so that thin strata (large m) keep full precision.
  const double beta = 1.0 - 1.0 / alpha;
  const double md = static_cast<double>(m);
  const double a = static_cast<double>(j) / md;
  const double width = 1.0 / md;
  if (j + 1 == m) return std::pow(1.0 - a, beta) / (beta * width);  // (1 - b)^beta = 0
  const double diff = -std::pow(1.0 - a, beta) * std::expm1(beta * std::log1p(-width / (1.0 - a)));
  return diff / (beta * width);
}

double pareto_stratum_capped_mean(std::size_t j, std::size_t m, double alpha, double t, double limit) {
  if (limit <= 0 || t <= 0) return 0.0;
  const double beta = 1.0 - 1.0 / alpha;
  const double md = static_cast<double>(m);
  const double a = static_cast<double>(j) / md;
  const double b = static_cast<double>(j + 1) / md;
  // t X >= limit from u* = 1 - (t / limit)^alpha on; (1 - u*)^beta = (t / limit)^(alpha - 1).
  const double ratio = t / limit;
  if (ratio >= 1.0) return limit;              // every X >= 1 is above the limit
  const double tail = std::pow(ratio, alpha);  // 1 - u*
  const double u_star = 1.0 - tail;
  if (u_star <= a) return limit;
  if (u_star >= b) return t * pareto_stratum_mean(j, m, alpha);
  const double below = t * (std::pow(1.0 - a, beta) - std::pow(ratio, alpha - 1.0)) / beta;
  return (below + limit * (b - u_star)) * md;
}

void ConsigneeSizes::finish() {
  request_scale.assign(end.empty() ? 0 : end.back(), 0.0);
  for (std::size_t c = 0; c < first.size(); ++c) {
    const std::size_t m = end[c] - first[c];
    for (std::size_t b = first[c]; b < end[c]; ++b) {
      request_scale[b] = 1.0 / (per_buyer[c] * pareto_stratum_mean(b - first[c], m, alpha));
    }
  }
}

double ConsigneeSizes::lpp_exempt(std::size_t b, std::size_t c, double before, double r, double limit) const {
  if (b < first[c]) return std::clamp(limit - before, 0.0, r);  // a national project: one consignee
  const double w = per_buyer[c];
  const std::size_t j = b - first[c], m = end[c] - first[c];
  // A consignee of size X asks for X / (w * mean) of the buyer's requests: t per unit of X.
  // Counting requests, not imports: a request rationed and made again counts twice, but
  // only licensed parts are rationed, of consignees whose exemption is used up.
  const double scale = request_scale[b];
  const double done = w * pareto_stratum_capped_mean(j, m, alpha, before * scale, limit);
  const double after = w * pareto_stratum_capped_mean(j, m, alpha, (before + r) * scale, limit);
  return std::clamp(after - done, 0.0, r);
}

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

std::vector<double> consignees_per_buyer(const std::vector<double>& demand, int total, int min_per_country,
                                         const BuyerIndex& index, const std::vector<bool>& has_project) {
  const auto consignees = buyers_per_country(demand, total, min_per_country);
  std::vector<double> per_buyer(demand.size());
  for (std::size_t c = 0; c < demand.size(); ++c) {
    const std::size_t project = has_project[c] ? 1 : 0;
    // min_per_country >= 2 and a project only where a country has two buyers or more: both
    // differences are at least 1.
    per_buyer[c] = static_cast<double>(consignees[c] - project) / static_cast<double>(index.count(c) - project);
  }
  return per_buyer;
}

std::vector<float> training_shares(const DiffusionParams& p, std::size_t n, std::uint64_t seed, std::uint32_t run,
                                   const engine::Executor& executor) {
  std::vector<float> training(n);
  const rng::Stream training_stream(seed, run, kTrainingPurpose);
  executor.for_blocks(n, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t i = lo; i < hi; ++i) {
      auto cur = training_stream.cursor(i, 0);
      training[i] = static_cast<float>(beta_draw(cur, p.demand.training_beta_a, p.demand.training_beta_b));
    }
  });
  return training;
}

Buyers make_buyers(const DiffusionParams& p, const BuyerInit& init, const BuyerIndex& index, std::uint64_t seed,
                   std::uint32_t run) {
  const std::size_t countries = init.monthly_demand_2025.size();
  if (init.consignees_per_buyer.size() != countries || init.project_share.size() != countries) {
    throw std::logic_error("make_buyers: BuyerInit vectors must have one entry per country");
  }
  const std::size_t n = index.begin[countries];
  Buyers b;
  b.base_demand.resize(n);
  b.nveu.assign(n, 0);
  b.backlog.assign(n, 0.0F);
  b.a_us.assign(n, static_cast<float>(p.initial.us_availability));
  b.lpp_used.assign(n, 0.0);
  b.lpp_requested.assign(n, 0.0);
  b.nveu_used.assign(n, 0.0F);
  b.ib_us.assign(n, 0.0F);
  b.ib_cn.assign(n, 0.0F);
  b.alt1.assign(n, 0);
  b.alt2.assign(n, 0);

  // Stacks: per buyer, independent of threads.
  const rng::Stream stack_stream(seed, run, kStackPurpose);
  for (std::size_t c = 0; c < countries; ++c) {
    const std::size_t lo = index.begin[c], hi = index.begin[c + 1];
    // The first buyer of a notable-demand country is its national project; the others
    // share the rest in proportion to their Pareto sizes.
    const double project = hi - lo > 1 ? init.project_share[c] : 0.0;
    const std::size_t first_pareto = project > 0 ? lo + 1 : lo;
    const std::vector<double> shares = demand_shares(hi - lo, first_pareto - lo, project, p.demand.pareto_alpha);
    for (std::size_t i = lo; i < hi; ++i) {
      const double share = shares[i - lo];
      b.base_demand[i] = static_cast<Quantity>(init.monthly_demand_2025[c] * share);
      const bool cn = stack_stream.uniform(i, 0) < init.cn_stack_share[c];
      (cn ? b.ib_cn : b.ib_us)[i] = static_cast<Quantity>(init.installed[c] * share);
      // An NVEU by the yearly demand of one of the consignees the buyer stands for.
      const double consignees = i < first_pareto ? 1.0 : init.consignees_per_buyer[c];
      if (p.policy.rule.nveu && init.nveu_eligible_country[c] &&
          static_cast<double>(b.base_demand[i]) * time::kMonthsPerYear >= p.policy.rule.nveu_min_demand * consignees) {
        b.nveu[i] = 1;
      }
    }
  }
  return b;
}

}  // namespace tiersim::models::diffusion
