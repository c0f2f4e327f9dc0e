// What the diffusion model reports about leakage (docs/ODD.md s.7.9 and "Outputs"): US
// compute leaving Tier 2 countries and reaching Tier 3 countries by month and channel,
// what the month's imports and free cloud could have carried, Tier 3's unserved requests,
// and per run the compute that reached China through Tier 2 by the end of 2027 and 2030.
#include <algorithm>
#include <limits>
#include <string>

#include "models/diffusion/outputs.hpp"

namespace tiersim::models::diffusion {
namespace {

using engine::Reduce;

/// An observable per country and leakage channel from a per-country LeakArray vector.
void per_country_channel(engine::Registry& reg, const State& s, const std::vector<LeakArray>& from, const char* name,
                         const char* doc) {
  reg.add_observable(
      {name, "H100e/month", doc, {"country", "leak_channel"}, Reduce::sum, "", "", [&s, &from](std::span<double> out) {
         for (std::size_t c = 0; c < s.world.countries; ++c) {
           for (std::size_t ch = 0; ch < kNumLeakChannels; ++ch) {
             out[c * kNumLeakChannels + ch] = from[c][ch];
           }
         }
       }});
}

}  // namespace

void declare_leakage(engine::Registry& reg, const State& s, const RunTally& tally) {
  reg.add_dimension({"leak_channel",
                     {"chips", "cloud"},
                     "how US compute reaches Tier 3 through Tier 2: chips re-exported, US cloud rented"});
  const auto& leak = s.leakage;
  per_country_channel(reg, s, leak.out, "leakage_out", "US compute leaving this Tier 2 country for Tier 3");
  per_country_channel(reg, s, leak.in, "leakage_in", "US compute reaching this Tier 3 country through Tier 2");
  reg.add_observable(
      {"leakage_potential",
       "H100e/month",
       "what the month's Tier 2 imports and free US cloud could have carried to Tier 3",
       {"leak_channel"},
       Reduce::sum,
       "",
       "",
       [&leak](std::span<double> out) { std::copy(leak.potential.begin(), leak.potential.end(), out.begin()); }});
  reg.add_observable({"tier3_unserved",
                      "H100e/month",
                      "Tier 3 requests not served this month (leakage's market)",
                      {},
                      Reduce::sum,
                      "",
                      "",
                      [&leak](std::span<double> out) { out[0] = leak.demand; }});
  for (int year : {2027, 2030}) {
    const std::string ys = std::to_string(year);
    auto at_dec = [&tally, year](std::size_t first, std::size_t last) {
      const int y = tally.year_index(year);
      if (y < 0) return std::numeric_limits<double>::quiet_NaN();
      const auto& x = tally.china_leak_at_dec()[static_cast<std::size_t>(y)];
      double total = 0;
      for (std::size_t ch = first; ch <= last; ++ch) total += x[ch];
      return total;
    };
    reg.add_summary({"cn_via_t2_" + ys, "H100e",
                     "US compute that reached China (CHN, HKG, MAC) through Tier 2 since the start, end of " + ys,
                     [at_dec] { return at_dec(kLeakChips, kLeakCloud); }});
    reg.add_summary({"cn_via_t2_chips_" + ys, "H100e",
                     "US chips re-exported from Tier 2 that reached China since the start, end of " + ys,
                     [at_dec] { return at_dec(kLeakChips, kLeakChips); }});
    reg.add_summary({"cn_via_t2_cloud_" + ys, "H100e",
                     "Tier 2 US cloud capacity rented by Chinese firms since the start, end of " + ys,
                     [at_dec] { return at_dec(kLeakCloud, kLeakCloud); }});
  }
}

void RunTally::record_leakage(const State& s, std::size_t year) {
  if (s.clock.now.month != 12) return;
  LeakArray china{};
  for (std::size_t c = 0; c < s.world.countries; ++c) {
    if (!s.world.china[c]) continue;
    for (std::size_t ch = 0; ch < kNumLeakChannels; ++ch) china[ch] += s.leakage.in_total[c][ch];
  }
  china_leak_at_dec_[year] = china;
}

}  // namespace tiersim::models::diffusion
