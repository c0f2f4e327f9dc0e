#pragma once
// Counter-based random streams (Random123 Philox4x64-10).
//
// A stream is keyed by (master seed, run index, purpose); each draw is addressed by a
// counter (entity, step, draw index). A draw is a pure function of those six numbers, so
// results do not depend on which thread computes what, in which order, or how a sweep is
// split across processes. There is no generator state to share or to advance.
//
// Philox4x64 is used rather than 4x32 because its 128-bit key holds a full 64-bit seed
// plus 32-bit run and purpose ids, and its 256-bit counter leaves room for 64-bit entity
// ids (docs/developer-guide.md, "Randomness").
#include <Random123/philox.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <string_view>

namespace tiersim::rng {

__extension__ using uint128 = unsigned __int128;  // GCC/Clang extension, for below()

/// A stable 32-bit id for a named purpose ("choice", "init.size", ...), computed at
/// compile time (FNV-1a). Purposes separate streams used for different things, so adding
/// a new use of randomness never shifts the numbers an existing use sees.
constexpr std::uint32_t purpose_id(std::string_view name) {
  std::uint32_t h = 2166136261u;
  for (char c : name) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 16777619u;
  }
  return h;
}

/// Convert 64 random bits to a double uniform on [0, 1) with 53 bits of precision.
constexpr double to_unit(std::uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

class Stream {
 public:
  using Generator = r123::Philox4x64;
  using Block = std::array<std::uint64_t, 4>;

  Stream(std::uint64_t seed, std::uint32_t run, std::uint32_t purpose)
      : key_{{seed, (static_cast<std::uint64_t>(run) << 32) | purpose}} {}

  /// Four 64-bit words for counter (entity, step, block).
  Block block(std::uint64_t entity, std::uint64_t step, std::uint64_t block_index) const {
    const Generator::ctr_type ctr{{entity, step, block_index, 0}};
    const auto r = Generator{}(ctr, key_);
    return {r.v[0], r.v[1], r.v[2], r.v[3]};
  }

  /// Uniform on [0, 1): draw number `draw` of (entity, step).
  double uniform(std::uint64_t entity, std::uint64_t step, std::uint64_t draw = 0) const {
    return to_unit(block(entity, step, draw / 4)[draw % 4]);
  }

  /// Uniform on (0, 1] (safe for log and negative powers): draw `draw` of (entity, step).
  double uniform_pos_at(std::uint64_t entity, std::uint64_t step = 0, std::uint64_t draw = 0) const {
    return 1.0 - uniform(entity, step, draw);
  }

  /// Sequential draws for one (entity, step): cheap when an entity needs several numbers.
  class Cursor {
   public:
    Cursor(const Stream& s, std::uint64_t entity, std::uint64_t step) : stream_(s), entity_(entity), step_(step) {}
    std::uint64_t next_bits() {
      if (used_ == 4) {
        buf_ = stream_.block(entity_, step_, block_++);
        used_ = 0;
      }
      return buf_[used_++];
    }
    /// Uniform on [0, 1).
    double uniform() { return to_unit(next_bits()); }
    /// Uniform on (0, 1], safe for log().
    double uniform_pos() { return 1.0 - uniform(); }
    /// Standard normal (Box-Muller; uses two uniforms, no cached second value so the
    /// sequence stays a pure function of the counter).
    double normal() {
      const double u1 = uniform_pos();
      const double u2 = uniform();
      return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }
    /// Exponential with rate 1.
    double exponential() { return -std::log(uniform_pos()); }
    /// Integer uniform in [0, n) (n > 0), by Lemire's multiply-shift without rejection:
    /// bias below 2^-64 * n, negligible for the n this project uses.
    std::uint64_t below(std::uint64_t n) {
      const uint128 m = static_cast<uint128>(next_bits()) * n;
      return static_cast<std::uint64_t>(m >> 64);
    }

   private:
    const Stream& stream_;
    std::uint64_t entity_;
    std::uint64_t step_;
    std::uint64_t block_ = 0;
    Block buf_{};
    std::size_t used_ = 4;
  };

  Cursor cursor(std::uint64_t entity, std::uint64_t step) const { return Cursor(*this, entity, step); }

 private:
  Generator::key_type key_;
};

}  // namespace tiersim::rng
