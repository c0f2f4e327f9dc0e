#pragma once
// Per-country sums over buyers in parallel, with totals that do not depend on the thread
// count: buyers are sorted by country, each block of the executor sums runs of one
// country's buyers, and the blocks' partial sums are combined in block order.
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "models/diffusion/buyers.hpp"
#include "sim/engine/executor.hpp"

namespace tiersim::models::diffusion {

/// Adds b into a, field by field. Tallies are either arrays of doubles or structs with
/// operator+= that adds every field (so each field's sum has the same order of additions).
template <class T>
void add_into(T& a, const T& b) {
  a += b;
}
template <std::size_t N>
void add_into(std::array<double, N>& a, const std::array<double, N>& b) {
  for (std::size_t f = 0; f < N; ++f) a[f] += b[f];
}

/// out[c] = sum over buyers i of country c of the tally fn(i, c, acc) adds into acc.
template <class T, class Fn>
std::vector<T> per_country_sums(const engine::Executor& ex, const BuyerIndex& index, Fn&& fn) {
  const std::size_t n = index.buyers();
  const std::size_t block = engine::kBlockSize;
  const std::size_t blocks = (n + block - 1) / block;
  std::vector<std::vector<std::pair<std::size_t, T>>> parts(blocks);
  ex.for_blocks(n, [&](std::size_t lo, std::size_t hi) {
    // One loop that notes where the country changes: the compiler inlines its body (a
    // nested callback per run of one country kept the passes' bodies out of line, 4% slower).
    auto& part = parts[lo / block];
    std::size_t c = index.country_of(lo);
    std::size_t end = index.begin[c + 1];
    T acc{};
    for (std::size_t i = lo; i < hi; ++i) {
      if (i == end) {
        part.emplace_back(c, acc);
        acc = T{};
        ++c;
        while (index.begin[c + 1] == i) ++c;  // countries without buyers
        end = index.begin[c + 1];
      }
      fn(i, c, acc);
    }
    part.emplace_back(c, acc);
  });
  std::vector<T> out(index.begin.size() - 1);
  for (const auto& part : parts) {
    for (const auto& [c, acc] : part) add_into(out[c], acc);
  }
  return out;
}

}  // namespace tiersim::models::diffusion
