// Each design's defining property (sim/sweep/design.hpp).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>
#include <vector>

#include "sim/sweep/design.hpp"

using namespace tiersim::sweep;

TEST_CASE("grid is the full factorial, first parameter slowest", "[sweep][design]") {
  const std::vector<std::size_t> sizes{2, 3};
  const auto g = grid_indices(sizes);
  REQUIRE(g.size() == 6);
  CHECK(g.front() == std::vector<std::size_t>{0, 0});
  CHECK(g[1] == std::vector<std::size_t>{0, 1});
  CHECK(g[3] == std::vector<std::size_t>{1, 0});
  CHECK(g.back() == std::vector<std::size_t>{1, 2});
  CHECK(std::set<std::vector<std::size_t>>(g.begin(), g.end()).size() == 6);
  CHECK(grid_indices(std::vector<std::size_t>{}).size() == 1);  // no parameters: one point
  CHECK(grid_indices(std::vector<std::size_t>{3, 0}).empty());
}

TEST_CASE("Latin hypercube puts exactly one point in every stratum of every column", "[sweep][design]") {
  const std::size_t n = 37, k = 4;
  const auto x = latin_hypercube(n, k, 11);
  REQUIRE(x.size() == n);
  for (std::size_t j = 0; j < k; ++j) {
    std::vector<int> hits(n, 0);
    for (const auto& row : x) {
      REQUIRE(row.size() == k);
      REQUIRE(row[j] >= 0.0);
      REQUIRE(row[j] < 1.0);
      ++hits[static_cast<std::size_t>(row[j] * static_cast<double>(n))];
    }
    CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
  }
  // The columns are permuted independently (not all on the diagonal).
  std::size_t same_stratum = 0;
  for (const auto& row : x) same_stratum += std::floor(row[0] * n) == std::floor(row[1] * n);
  CHECK(same_stratum < n / 2);
  CHECK(latin_hypercube(n, k, 11) == x);  // a pure function of the seed
  CHECK(latin_hypercube(n, k, 12) != x);
}

TEST_CASE("Saltelli rows are A, AB_1..AB_k, B per sample (SALib order)", "[sweep][design]") {
  const std::size_t n = 8, k = 3;
  const auto x = saltelli(n, k, 5);
  REQUIRE(x.size() == n * (k + 2));
  for (std::size_t j = 0; j < n; ++j) {
    const auto& a = x[j * (k + 2)];
    const auto& b = x[j * (k + 2) + k + 1];
    CHECK(saltelli_block(j * (k + 2), k) == -1);
    CHECK(saltelli_block(j * (k + 2) + k + 1, k) == static_cast<int>(k));
    for (std::size_t i = 0; i < k; ++i) {
      CHECK(a[i] != b[i]);
      const auto& ab = x[j * (k + 2) + 1 + i];
      CHECK(saltelli_block(j * (k + 2) + 1 + i, k) == static_cast<int>(i));
      for (std::size_t c = 0; c < k; ++c) CHECK(ab[c] == (c == i ? b[c] : a[c]));
    }
  }
  for (const auto& row : x) {
    for (const double v : row) CHECK((v >= 0.0 && v < 1.0));
  }
  // A and B differ between samples.
  CHECK(x[0] != x[k + 2]);
  CHECK(saltelli(n, k, 5) == x);
}

TEST_CASE("Morris trajectories move one coordinate by +-delta per step on the p-level grid", "[sweep][design]") {
  const std::size_t r = 6, k = 5;
  const int p = 4;
  const double delta = morris_delta(p);
  CHECK(delta == Approx(2.0 / 3.0));
  const auto d = morris(r, k, p, 3);
  REQUIRE(d.points.size() == r * (k + 1));
  REQUIRE(d.trajectory.size() == d.points.size());
  std::set<double> directions;
  for (std::size_t t = 0; t < r; ++t) {
    std::vector<int> moved(k, 0);
    for (std::size_t s = 0; s <= k; ++s) {
      const auto& x = d.points[t * (k + 1) + s];
      CHECK(d.trajectory[t * (k + 1) + s] == t);
      for (const double v : x) {
        // On the grid {0, 1/(p-1), ..., 1}.
        CHECK(v >= 0.0);
        CHECK(v <= 1.0);
        CHECK(std::fabs(v * (p - 1) - std::round(v * (p - 1))) < 1e-12);
      }
      if (s == 0) continue;
      const auto& prev = d.points[t * (k + 1) + s - 1];
      std::size_t changed = 0;
      for (std::size_t i = 0; i < k; ++i) {
        if (x[i] == prev[i]) continue;
        ++changed;
        ++moved[i];
        CHECK(std::fabs(std::fabs(x[i] - prev[i]) - delta) < 1e-12);
        directions.insert(x[i] > prev[i] ? 1.0 : -1.0);
      }
      CHECK(changed == 1);
    }
    // Each parameter moves exactly once per trajectory.
    CHECK(std::all_of(moved.begin(), moved.end(), [](int m) { return m == 1; }));
  }
  CHECK(directions.size() == 2);  // both orientations occur
  CHECK(morris(r, k, p, 3).points == d.points);
  CHECK_THROWS_AS(morris(r, k, 5, 3), std::invalid_argument);
}
