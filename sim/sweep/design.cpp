#include "sim/sweep/design.hpp"

#include <cmath>
#include <numeric>
#include <stdexcept>

#include "sim/rng/stream.hpp"

namespace tiersim::sweep {
namespace {

// One purpose per design, so that changing e.g. the LHS code never shifts a Sobol sample.
constexpr std::uint32_t kLhsPurpose = rng::purpose_id("sweep.lhs");
constexpr std::uint32_t kSaltelliPurpose = rng::purpose_id("sweep.saltelli");
constexpr std::uint32_t kMorrisPurpose = rng::purpose_id("sweep.morris");

/// A uniformly random permutation of 0..n-1 (Fisher-Yates), drawn from `cursor`.
std::vector<std::size_t> permutation(std::size_t n, rng::Stream::Cursor& cursor) {
  std::vector<std::size_t> p(n);
  std::iota(p.begin(), p.end(), std::size_t{0});
  for (std::size_t i = n; i > 1; --i) {
    const auto j = static_cast<std::size_t>(cursor.below(i));
    std::swap(p[i - 1], p[j]);
  }
  return p;
}

}  // namespace

std::vector<std::vector<std::size_t>> grid_indices(std::span<const std::size_t> sizes) {
  std::size_t total = 1;
  for (const std::size_t s : sizes) total *= s;
  std::vector<std::vector<std::size_t>> out;
  out.reserve(total);
  std::vector<std::size_t> index(sizes.size(), 0);
  for (std::size_t n = 0; n < total; ++n) {
    out.push_back(index);
    // Odometer: the last parameter turns fastest.
    for (std::size_t j = sizes.size(); j-- > 0;) {
      if (++index[j] < sizes[j]) break;
      index[j] = 0;
    }
  }
  return out;
}

UnitPoints latin_hypercube(std::size_t n, std::size_t k, std::uint64_t seed) {
  const rng::Stream stream(seed, 0, kLhsPurpose);
  UnitPoints x(n, std::vector<double>(k, 0.0));
  const double width = 1.0 / static_cast<double>(n);
  for (std::size_t j = 0; j < k; ++j) {
    // Column j: entity j, step 0 for the permutation, step 1 for the jitter.
    auto perm_cursor = stream.cursor(j, 0);
    const auto strata = permutation(n, perm_cursor);
    auto jitter = stream.cursor(j, 1);
    for (std::size_t i = 0; i < n; ++i) {
      x[i][j] = (static_cast<double>(strata[i]) + jitter.uniform()) * width;
      // (s + u)/n can round up to (s+1)/n for u close to 1; keep the point in its stratum.
      if (x[i][j] >= static_cast<double>(strata[i] + 1) * width) {
        x[i][j] = std::nextafter(static_cast<double>(strata[i] + 1) * width, 0.0);
      }
    }
  }
  return x;
}

UnitPoints saltelli(std::size_t n, std::size_t k, std::uint64_t seed) {
  const rng::Stream stream(seed, 0, kSaltelliPurpose);
  UnitPoints out;
  out.reserve(n * (k + 2));
  for (std::size_t j = 0; j < n; ++j) {
    // Sample j: entity j; step 0 draws A_j, step 1 draws B_j.
    auto a_cursor = stream.cursor(j, 0);
    auto b_cursor = stream.cursor(j, 1);
    std::vector<double> a(k), b(k);
    for (std::size_t i = 0; i < k; ++i) a[i] = a_cursor.uniform();
    for (std::size_t i = 0; i < k; ++i) b[i] = b_cursor.uniform();
    out.push_back(a);
    for (std::size_t i = 0; i < k; ++i) {
      std::vector<double> ab = a;
      ab[i] = b[i];
      out.push_back(std::move(ab));
    }
    out.push_back(b);
  }
  return out;
}

int saltelli_block(std::size_t row, std::size_t k) {
  const std::size_t r = row % (k + 2);
  if (r == 0) return -1;
  return static_cast<int>(r == k + 1 ? k : r - 1);
}

double morris_delta(int levels) { return static_cast<double>(levels) / (2.0 * static_cast<double>(levels - 1)); }

MorrisDesign morris(std::size_t r, std::size_t k, int levels, std::uint64_t seed) {
  if (levels < 2 || levels % 2 != 0) throw std::invalid_argument("morris: levels must be even and >= 2");
  const rng::Stream stream(seed, 0, kMorrisPurpose);
  const auto p = static_cast<std::uint64_t>(levels);
  const double step = 1.0 / static_cast<double>(levels - 1);
  // delta = p/(2(p-1)) is p/2 grid steps: a coordinate moves between level b and b + p/2,
  // so the base level b is drawn from the lower half {0, ..., p/2 - 1}.
  const std::uint64_t half = p / 2;
  MorrisDesign d;
  d.points.reserve(r * (k + 1));
  for (std::size_t t = 0; t < r; ++t) {
    auto cursor = stream.cursor(t, 0);
    std::vector<double> low(k), high(k), x(k);
    std::vector<bool> up(k);
    for (std::size_t i = 0; i < k; ++i) {
      const std::uint64_t base = cursor.below(half);
      low[i] = static_cast<double>(base) * step;
      high[i] = static_cast<double>(base + half) * step;
      up[i] = cursor.below(2) == 0;
      x[i] = up[i] ? low[i] : high[i];
    }
    const auto order = permutation(k, cursor);
    d.points.push_back(x);
    d.trajectory.push_back(t);
    for (const std::size_t i : order) {
      x[i] = up[i] ? high[i] : low[i];
      d.points.push_back(x);
      d.trajectory.push_back(t);
    }
  }
  return d;
}

}  // namespace tiersim::sweep
