#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <cstring>
#include <vector>

#include "sim/engine/executor.hpp"

using namespace tiersim::engine;

TEST_CASE("for_blocks visits every index exactly once", "[engine][parallel]") {
  const Executor ex(2);
  std::vector<std::atomic<int>> hits(100003);
  ex.for_blocks(hits.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) hits[i]++;
  });
  for (const auto& h : hits) REQUIRE(h.load() == 1);
}

TEST_CASE("sums are bit-identical for any thread count", "[engine][parallel]") {
  // Terms of very different magnitude make floating-point sums order-dependent, so an
  // equal bit pattern shows the reduction order is fixed.
  const std::size_t n = 1'000'003;
  auto term = [](std::size_t i) {
    return std::sin(static_cast<double>(i)) * std::pow(10.0, static_cast<double>(i % 17));
  };
  const double s1 = Executor(1).sum(n, term);
  const double s2 = Executor(2).sum(n, term);
  const double s4 = Executor(4).sum(n, term);
  CHECK(std::memcmp(&s1, &s2, sizeof s1) == 0);
  CHECK(std::memcmp(&s1, &s4, sizeof s1) == 0);
  // And it is the blocked order, not the naive one, which would differ here.
  double naive = 0;
  for (std::size_t i = 0; i < n; ++i) naive += term(i);
  CHECK(std::fabs(naive - s1) <= 1e-9 * std::fabs(naive));
}

TEST_CASE("reduce combines partials in block order", "[engine][parallel]") {
  const Executor ex(2);
  auto firsts = ex.reduce<std::vector<std::size_t>>(
      10000, [](std::size_t b, std::size_t) { return std::vector<std::size_t>{b}; },
      [](std::vector<std::size_t>& acc, const std::vector<std::size_t>& p) {
        acc.insert(acc.end(), p.begin(), p.end());
      },
      1000);
  REQUIRE(firsts.size() == 10);
  for (std::size_t k = 0; k < firsts.size(); ++k) CHECK(firsts[k] == k * 1000);
}

TEST_CASE("thread count 0 means all cores", "[engine]") { CHECK(Executor(0).threads() >= 1); }
