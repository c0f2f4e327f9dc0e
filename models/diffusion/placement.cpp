#include "models/diffusion/placement.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace tiersim::models::diffusion {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Relative tolerance for "a constraint holds" on sums of doubles.
constexpr double kTol = 1e-9;

double objective(const std::vector<double>& w, const std::vector<double>& k, const std::vector<double>& x) {
  double s = 0;
  for (std::size_t c = 0; c < w.size(); ++c) {
    if (w[c] > 0) s += w[c] * std::log(1.0 + k[c] + x[c]);
  }
  return s;
}

}  // namespace

bool water_fill(const std::vector<int>& members, const std::vector<double>& weight,
                const std::vector<double>& existing, const std::vector<double>& lo, const std::vector<double>& hi,
                double budget, std::vector<double>& x) {
  double lo_sum = 0, hi_sum = 0;
  for (int c : members) {
    lo_sum += lo[static_cast<std::size_t>(c)];
    hi_sum += hi[static_cast<std::size_t>(c)];
  }
  if (budget < lo_sum * (1 - kTol) || budget > hi_sum * (1 + kTol) + kTol) return false;
  // A tiny weight floor lets members without a demand signal absorb a budget the others
  // cannot take (their bounds are full); it does not change the split otherwise.
  double wmax = 0;
  for (int c : members) wmax = std::max(wmax, weight[static_cast<std::size_t>(c)]);
  const double floor_w = wmax > 0 ? wmax * 1e-12 : 1.0;
  auto w_of = [&](std::size_t u) { return weight[u] + floor_w; };
  auto fill = [&](double nu) {
    double s = 0;
    for (int c : members) {
      const auto u = static_cast<std::size_t>(c);
      x[u] = std::clamp(w_of(u) / nu - (1.0 + existing[u]), lo[u], hi[u]);
      s += x[u];
    }
    return s;
  };
  // The filled amount decreases in nu; bracket nu on a log scale and bisect.
  double a = 1e-300, b = 1.0;
  while (fill(b) > budget) b *= 2.0;
  for (int it = 0; it < 200; ++it) {
    const double m = std::sqrt(a * b);
    if (m <= a || m >= b) break;
    (fill(m) > budget ? a : b) = m;
  }
  fill(b);
  // Spread the last rounding residual over members strictly inside their bounds so the
  // budget is met exactly (to rounding).
  double residual = budget;
  for (int c : members) residual -= x[static_cast<std::size_t>(c)];
  for (int pass = 0; pass < 4 && std::fabs(residual) > 0; ++pass) {
    double free_w = 0;
    for (int c : members) {
      const auto u = static_cast<std::size_t>(c);
      if ((residual > 0 && x[u] < hi[u]) || (residual < 0 && x[u] > lo[u])) free_w += w_of(u);
    }
    if (free_w <= 0) break;
    double moved = 0;
    for (int c : members) {
      const auto u = static_cast<std::size_t>(c);
      if ((residual > 0 && x[u] < hi[u]) || (residual < 0 && x[u] > lo[u])) {
        const double nx = std::clamp(x[u] + residual * w_of(u) / free_w, lo[u], hi[u]);
        moved += nx - x[u];
        x[u] = nx;
      }
    }
    residual -= moved;
  }
  return true;
}

Placement place_capacity(const PlacementProblem& p) {
  const std::size_t n = p.weight.size();
  std::vector<double> w = p.weight;
  if (p.home >= 0) w[static_cast<std::size_t>(p.home)] *= 1.0 + p.home_bias;
  const double k_total = std::accumulate(p.existing.begin(), p.existing.end(), 0.0);
  const double total_after = k_total + p.budget;
  std::vector<double> lo(n, 0.0), hi(n, kInf);
  std::vector<int> all, t1, t1_no_home, rest;
  for (std::size_t c = 0; c < n; ++c) {
    const int ci = static_cast<int>(c);
    if (p.tier[c] == 3) {
      hi[c] = 0.0;  // no capacity in embargoed countries, rule or not
      continue;
    }
    if (p.uveu && p.tier[c] == 2) hi[c] = std::max(0.0, p.max_tier2 * total_after - p.existing[c]);
    all.push_back(ci);
    if (p.tier[c] == 1) {
      t1.push_back(ci);
      if (ci != p.home) t1_no_home.push_back(ci);
    } else {
      rest.push_back(ci);
    }
  }
  Placement out;
  out.x.assign(n, 0.0);
  if (p.budget <= 0) return out;

  double k_t1 = 0;
  for (int c : t1) k_t1 += p.existing[static_cast<std::size_t>(c)];
  const double need_t1 = p.uveu ? p.min_tier1 * total_after - k_t1 : -kInf;
  const double need_home = (p.uveu && p.home >= 0)
                               ? p.min_home * total_after - p.existing[static_cast<std::size_t>(p.home)]
                               : -kInf;

  auto satisfied = [&](const std::vector<double>& x) {
    double s1 = 0, s = 0;
    for (std::size_t c = 0; c < n; ++c) {
      if (x[c] < lo[c] - kTol * total_after || x[c] > hi[c] + kTol * total_after) return false;
      s += x[c];
      if (p.tier[c] == 1) s1 += x[c];
    }
    if (std::fabs(s - p.budget) > kTol * std::max(1.0, p.budget)) return false;
    if (s1 < need_t1 - kTol * total_after) return false;
    if (p.home >= 0 && x[static_cast<std::size_t>(p.home)] < need_home - kTol * total_after) return false;
    return true;
  };

  std::vector<std::vector<double>> candidates;
  auto try_candidate = [&](auto&& build) {
    std::vector<double> x(n, 0.0);
    if (build(x) && satisfied(x)) candidates.push_back(std::move(x));
  };
  // (a) no group constraint binding
  try_candidate([&](std::vector<double>& x) { return water_fill(all, w, p.existing, lo, hi, p.budget, x); });
  if (p.uveu) {
    const double xh = std::max(0.0, need_home);
    const double b1 = std::clamp(need_t1, 0.0, p.budget);
    if (p.home >= 0) {
      // (b) home binding
      try_candidate([&](std::vector<double>& x) {
        std::vector<int> others;
        for (int c : all) {
          if (c != p.home) others.push_back(c);
        }
        x[static_cast<std::size_t>(p.home)] = xh;
        return xh <= p.budget && water_fill(others, w, p.existing, lo, hi, p.budget - xh, x);
      });
      // (d) both binding
      try_candidate([&](std::vector<double>& x) {
        x[static_cast<std::size_t>(p.home)] = xh;
        return xh <= b1 && water_fill(t1_no_home, w, p.existing, lo, hi, b1 - xh, x) &&
               water_fill(rest, w, p.existing, lo, hi, p.budget - b1, x);
      });
    }
    // (c) Tier 1 binding
    try_candidate([&](std::vector<double>& x) {
      return water_fill(t1, w, p.existing, lo, hi, b1, x) && water_fill(rest, w, p.existing, lo, hi, p.budget - b1, x);
    });
  }
  if (candidates.empty()) {
    // The limits cannot all be met (e.g. the rule came into force after free placement):
    // put everything at home, the placement that moves every share toward compliance.
    out.feasible = false;
    const int target = p.home >= 0 ? p.home : (t1.empty() ? (all.empty() ? -1 : all.front()) : t1.front());
    if (target >= 0) out.x[static_cast<std::size_t>(target)] = p.budget;
    return out;
  }
  std::size_t best = 0;
  double best_obj = -kInf;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const double o = objective(w, p.existing, candidates[i]);
    if (o > best_obj) {
      best_obj = o;
      best = i;
    }
  }
  out.x = std::move(candidates[best]);
  return out;
}

}  // namespace tiersim::models::diffusion
