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

/// Fill members to the water level set by nu: x_c = clamp(w_c / nu - (1 + K_c), lo_c, hi_c).
/// Returns the amount filled, which decreases in nu.
struct Filler {
  const std::vector<int>& members;
  const std::vector<double>& weight;
  const std::vector<double>& existing;
  const std::vector<double>& lo;
  const std::vector<double>& hi;
  double floor_w;
  std::vector<double>& x;

  double w_of(std::size_t u) const { return weight[u] + floor_w; }
  double fill(double nu) const {
    double s = 0;
    for (int c : members) {
      const auto u = static_cast<std::size_t>(c);
      x[u] = std::clamp(w_of(u) / nu - (1.0 + existing[u]), lo[u], hi[u]);
      s += x[u];
    }
    return s;
  }
  bool movable(std::size_t u, double residual) const {
    return (residual > 0 && x[u] < hi[u]) || (residual < 0 && x[u] > lo[u]);
  }
  /// Spread the last rounding residual over members strictly inside their bounds so the
  /// budget is met exactly (to rounding).
  void spread_residual(double budget) const {
    double residual = budget;
    for (int c : members) residual -= x[static_cast<std::size_t>(c)];
    for (int pass = 0; pass < 4 && std::fabs(residual) > 0; ++pass) {
      double free_w = 0;
      for (int c : members) {
        const auto u = static_cast<std::size_t>(c);
        if (movable(u, residual)) free_w += w_of(u);
      }
      if (free_w <= 0) break;
      double moved = 0;
      for (int c : members) {
        const auto u = static_cast<std::size_t>(c);
        if (!movable(u, residual)) continue;
        const double nx = std::clamp(x[u] + residual * w_of(u) / free_w, lo[u], hi[u]);
        moved += nx - x[u];
        x[u] = nx;
      }
      residual -= moved;
    }
  }
};

}  // namespace

bool water_fill(const std::vector<int>& members, const std::vector<double>& weight, const std::vector<double>& existing,
                const std::vector<double>& lo, const std::vector<double>& hi, double budget, std::vector<double>& x) {
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
  const Filler f{members, weight, existing, lo, hi, wmax > 0 ? wmax * 1e-12 : 1.0, x};
  // The filled amount decreases in nu; bracket nu on a log scale and bisect.
  double a = 1e-300, b = 1.0;
  while (f.fill(b) > budget) b *= 2.0;
  for (int it = 0; it < 200; ++it) {
    const double m = std::sqrt(a * b);
    if (m <= a || m >= b) break;
    (f.fill(m) > budget ? a : b) = m;
  }
  f.fill(b);
  f.spread_residual(budget);
  return true;
}

namespace {

/// The problem's bounds and country groups.
struct Groups {
  std::vector<double> w, lo, hi;
  std::vector<int> all, t1, t1_no_home, rest;
  double total_after = 0;  ///< K + X
  double need_t1 = 0;      ///< new Tier 1 capacity the UVEU Tier 1 share needs (-inf: none)
  double need_home = 0;    ///< new home capacity the UVEU home share needs (-inf: none)
};

Groups make_groups(const PlacementProblem& p) {
  const std::size_t n = p.weight.size();
  Groups g;
  g.w = p.weight;
  if (p.home >= 0) g.w[static_cast<std::size_t>(p.home)] *= 1.0 + p.home_bias;
  const double k_total = std::accumulate(p.existing.begin(), p.existing.end(), 0.0);
  g.total_after = k_total + p.budget;
  g.lo.assign(n, 0.0);
  g.hi.assign(n, kInf);
  for (std::size_t c = 0; c < n; ++c) {
    const int ci = static_cast<int>(c);
    if (p.tier[c] == 3) {
      g.hi[c] = 0.0;  // no capacity in embargoed countries, rule or not
      continue;
    }
    if (p.uveu && p.tier[c] == 2) g.hi[c] = std::max(0.0, p.max_tier2 * g.total_after - p.existing[c]);
    g.all.push_back(ci);
    if (p.tier[c] == 1) {
      g.t1.push_back(ci);
      if (ci != p.home) g.t1_no_home.push_back(ci);
    } else {
      g.rest.push_back(ci);
    }
  }
  double k_t1 = 0;
  for (int c : g.t1) k_t1 += p.existing[static_cast<std::size_t>(c)];
  g.need_t1 = p.uveu ? p.min_tier1 * g.total_after - k_t1 : -kInf;
  g.need_home =
      (p.uveu && p.home >= 0) ? p.min_home * g.total_after - p.existing[static_cast<std::size_t>(p.home)] : -kInf;
  return g;
}

bool satisfied(const PlacementProblem& p, const Groups& g, const std::vector<double>& x) {
  double s1 = 0, s = 0;
  for (std::size_t c = 0; c < x.size(); ++c) {
    if (x[c] < g.lo[c] - kTol * g.total_after || x[c] > g.hi[c] + kTol * g.total_after) return false;
    s += x[c];
    if (p.tier[c] == 1) s1 += x[c];
  }
  if (std::fabs(s - p.budget) > kTol * std::max(1.0, p.budget)) return false;
  if (s1 < g.need_t1 - kTol * g.total_after) return false;
  return !(p.home >= 0 && x[static_cast<std::size_t>(p.home)] < g.need_home - kTol * g.total_after);
}

/// The water-filling solution of each combination of binding group constraints that is
/// feasible: (a) none, (b) home, (c) Tier 1, (d) both.
std::vector<std::vector<double>> candidates(const PlacementProblem& p, const Groups& g) {
  const std::size_t n = p.weight.size();
  std::vector<std::vector<double>> out;
  auto try_candidate = [&](auto&& build) {
    std::vector<double> x(n, 0.0);
    if (build(x) && satisfied(p, g, x)) out.push_back(std::move(x));
  };
  try_candidate([&](std::vector<double>& x) { return water_fill(g.all, g.w, p.existing, g.lo, g.hi, p.budget, x); });
  if (!p.uveu) return out;
  const double xh = std::max(0.0, g.need_home);
  const double b1 = std::clamp(g.need_t1, 0.0, p.budget);
  if (p.home >= 0) {
    try_candidate([&](std::vector<double>& x) {
      std::vector<int> others;
      for (int c : g.all) {
        if (c != p.home) others.push_back(c);
      }
      x[static_cast<std::size_t>(p.home)] = xh;
      return xh <= p.budget && water_fill(others, g.w, p.existing, g.lo, g.hi, p.budget - xh, x);
    });
    try_candidate([&](std::vector<double>& x) {
      x[static_cast<std::size_t>(p.home)] = xh;
      return xh <= b1 && water_fill(g.t1_no_home, g.w, p.existing, g.lo, g.hi, b1 - xh, x) &&
             water_fill(g.rest, g.w, p.existing, g.lo, g.hi, p.budget - b1, x);
    });
  }
  try_candidate([&](std::vector<double>& x) {
    return water_fill(g.t1, g.w, p.existing, g.lo, g.hi, b1, x) &&
           water_fill(g.rest, g.w, p.existing, g.lo, g.hi, p.budget - b1, x);
  });
  return out;
}

}  // namespace

Placement place_capacity(const PlacementProblem& p) {
  const std::size_t n = p.weight.size();
  const Groups g = make_groups(p);
  Placement out;
  out.x.assign(n, 0.0);
  if (p.budget <= 0) return out;
  auto found = candidates(p, g);
  if (found.empty()) {
    // The limits cannot all be met (e.g. the rule came into force after free placement):
    // put everything at home, the placement that moves every share toward compliance.
    out.feasible = false;
    const int target = p.home >= 0 ? p.home : (g.t1.empty() ? (g.all.empty() ? -1 : g.all.front()) : g.t1.front());
    if (target >= 0) out.x[static_cast<std::size_t>(target)] = p.budget;
    return out;
  }
  std::size_t best = 0;
  double best_obj = -kInf;
  for (std::size_t i = 0; i < found.size(); ++i) {
    const double o = objective(g.w, p.existing, found[i]);
    if (o > best_obj) {
      best_obj = o;
      best = i;
    }
  }
  out.x = std::move(found[best]);
  return out;
}

}  // namespace tiersim::models::diffusion
