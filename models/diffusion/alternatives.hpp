#pragma once
// The five alternatives a buyer can choose (MODEL s.2) and their nests.
#include <array>
#include <cstdint>
#include <string>

namespace tiersim::models::diffusion {

enum Alt : int { kUsDirect = 0, kUsCloud = 1, kCnChip = 2, kCnCloud = 3, kDefer = 4 };
inline constexpr int kNumAlts = 5;
inline constexpr std::array<const char*, kNumAlts> kAltNames = {"US_direct", "US_cloud", "CN_chip", "CN_cloud",
                                                                "Defer"};

enum Nest : int { kNestUs = 0, kNestCn = 1, kNestDefer = 2 };
inline constexpr int kNumNests = 3;
inline constexpr std::array<int, kNumAlts> kNestOf = {kNestUs, kNestUs, kNestCn, kNestCn, kNestDefer};

enum Stack : int { kStackUs = 0, kStackCn = 1 };
inline constexpr int kNumStacks = 2;
inline constexpr std::array<const char*, kNumStacks> kStackNames = {"US", "CN"};

/// Stack of an alternative; Defer has none (-1).
constexpr int stack_of(int alt) { return alt == kDefer ? -1 : (alt <= kUsCloud ? kStackUs : kStackCn); }

/// Bit mask of available alternatives.
using AltMask = std::uint8_t;
constexpr AltMask bit(int alt) { return static_cast<AltMask>(1u << alt); }
inline constexpr AltMask kAllAlts = 0x1F;

}  // namespace tiersim::models::diffusion
