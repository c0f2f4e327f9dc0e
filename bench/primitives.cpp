// Costs of the kernel's primitives, for the decision on vectorising them (docs/performance.md,
// "Deterministic SIMD"): a Philox4x64-10 block (what the model draws, one per buyer-month),
// a Philox4x32-10 block one at a time and eight at a time (the layout a vector unit would
// use), and exp(delta ln a) (the buyer's availability weight, one per buyer-month) through
// libm. Prints ns per item, the best of several repetitions; run on demand:
//   cmake --build --preset release --target bench_primitives && build/release/bench/bench_primitives
#include <Random123/philox.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace {

constexpr std::size_t kItems = 1 << 22;  // per repetition
constexpr int kRepeats = 7;

/// Best-of-kRepeats nanoseconds per item of `body(items)`, which returns a checksum that is
/// printed so that the compiler cannot drop the work.
template <class Body>
void measure(const char* name, Body&& body) {
  double best = 1e30;
  double sink = 0;
  for (int r = 0; r < kRepeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    sink += body(kItems);
    const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
    best = std::min(best, ns / static_cast<double>(kItems));
  }
  std::printf("%-44s %7.2f ns per item   (checksum %.6g)\n", name, best, sink);
}

}  // namespace

int main() {
  measure("Philox4x64-10 block (the model's)", [](std::size_t n) {
    const r123::Philox4x64 g;
    const r123::Philox4x64::key_type key{{0x1234567890abcdefULL, 42}};
    std::uint64_t x = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const r123::Philox4x64::ctr_type ctr{{i, 7, 0, 0}};
      const auto out = g(ctr, key);
      x ^= out[0] ^ out[1];
    }
    return static_cast<double>(x & 0xffff);
  });
  measure("Philox4x32-10 block, one at a time", [](std::size_t n) {
    const r123::Philox4x32 g;
    const r123::Philox4x32::key_type key{{0x90abcdefU, 0x12345678U}};
    std::uint32_t x = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const r123::Philox4x32::ctr_type ctr{{static_cast<std::uint32_t>(i), 7, 0, 0}};
      const auto out = g(ctr, key);
      x ^= out[0] ^ out[1];
    }
    return static_cast<double>(x & 0xffff);
  });
  measure("Philox4x32-10 block, 8 lanes (vectorisable)", [](std::size_t n) {
    // Structure of arrays over 8 counters: the rounds are 32x32->64 multiplies and xors
    // across lanes, which the compiler may map to vector instructions.
    constexpr std::size_t kLanes = 8;
    constexpr std::uint32_t kM0 = 0xD2511F53U, kM1 = 0xCD9E8D57U, kW0 = 0x9E3779B9U, kW1 = 0xBB67AE85U;
    std::uint32_t x = 0;
    for (std::size_t i = 0; i < n; i += kLanes) {
      std::array<std::uint32_t, kLanes> c0{}, c1{}, c2{}, c3{};
      for (std::size_t l = 0; l < kLanes; ++l) {
        c0[l] = static_cast<std::uint32_t>(i + l);
        c1[l] = 7;
      }
      std::uint32_t k0 = 0x90abcdefU, k1 = 0x12345678U;
      for (int round = 0; round < 10; ++round) {
        for (std::size_t l = 0; l < kLanes; ++l) {
          const std::uint64_t p0 = static_cast<std::uint64_t>(kM0) * c0[l];
          const std::uint64_t p1 = static_cast<std::uint64_t>(kM1) * c2[l];
          const auto hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
          const auto hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
          const std::uint32_t n0 = hi1 ^ c1[l] ^ k0, n2 = hi0 ^ c3[l] ^ k1;
          c0[l] = n0;
          c1[l] = lo1;
          c2[l] = n2;
          c3[l] = lo0;
        }
        k0 += kW0;
        k1 += kW1;
      }
      for (std::size_t l = 0; l < kLanes; ++l) x ^= c0[l] ^ c1[l];
    }
    return static_cast<double>(x & 0xffff);
  });
  std::vector<float> a(kItems);
  for (std::size_t i = 0; i < kItems; ++i) a[i] = 0.05f + 0.9f * static_cast<float>(i % 1000) / 1000.0f;
  measure("exp(delta ln a), libm, scalar", [&](std::size_t n) {
    double s = 0;
    for (std::size_t i = 0; i < n; ++i) s += std::exp(1.7 * std::log(static_cast<double>(a[i])));
    return s;
  });
  return 0;
}
