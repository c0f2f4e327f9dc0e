// Countries' expected fill rates of the Chinese alternatives and of compliant chips
// (models/diffusion/learning.cpp, docs/ODD.md s.7.6): a country that asked learns its own
// fill rate; one that did not learns the fill rate of the pool it would have drawn on, so
// how often a country learns does not depend on how many buyer agents stand for it.
#include <catch2/catch.hpp>

#include <array>
#include <vector>

#include "tests/models/diffusion/harness.hpp"

using namespace tiersim;
using namespace tiersim::models::diffusion;
using tiersim::testing::Harness;

namespace {

/// Served / requested of one alternative over the countries of one pool (China's group or
/// the rest), both rounds; -1 without requests.
double pool_rate(const State& s, int alt, bool china) {
  double req = 0, served = 0;
  for (std::size_t c = 0; c < s.world.countries; ++c) {
    if (s.world.china[c] != china) continue;
    const auto& m = s.month.country[c];
    const auto a = static_cast<std::size_t>(alt);
    if (china) {  // China's domestic pool serves both alternatives
      req += m.demand[kCnChip] + m.demand2[kCnChip] + m.demand[kCnCloud] + m.demand2[kCnCloud];
      served += m.served[kCnChip] + m.served[kCnCloud];
    } else {
      req += m.demand[a] + m.demand2[a];
      served += m.served[a];
    }
  }
  return req > 0 ? std::min(1.0, served / req) : -1.0;
}

}  // namespace

TEST_CASE("Expectations: a country that did not ask for Chinese compute learns its pool's fill rate",
          "[diffusion][expectations]") {
  // Scarce Chinese chips (limits /10) so that fill rates are well below 1 and differ by pool.
  Harness h("diffusion_rule", {"params.china.chips.limit_scale=0.1"}, 1);
  const auto& s = h.model->state();
  const double eta = h.params.expectations.eta;
  int learned_from_pool = 0, learned_own = 0, below_one = 0;
  for (int t = 0; t < 18; ++t) {
    const auto before = s.countries.a_cn;
    h.step(t);
    for (const int alt : {kCnChip, kCnCloud}) {
      const auto k = static_cast<std::size_t>(alt - kCnChip);
      for (std::size_t c = 0; c < s.world.countries; ++c) {
        const auto& m = s.month.country[c];
        const double req = m.demand[static_cast<std::size_t>(alt)] + m.demand2[static_cast<std::size_t>(alt)];
        const double own = req > 0 ? std::min(1.0, m.served[static_cast<std::size_t>(alt)] / req) : -1.0;
        const double pool = pool_rate(s, alt, s.world.china[c]);
        const double fill = own >= 0 ? own : pool;
        INFO("country " << s.world.table.rows[c].iso3 << ", alternative " << alt << ", month " << t);
        if (fill < 0) {
          CHECK(s.countries.a_cn[k][c] == before[k][c]);
          continue;
        }
        CHECK(s.countries.a_cn[k][c] == Approx((1 - eta) * before[k][c] + eta * fill).epsilon(1e-12));
        (own >= 0 ? learned_own : learned_from_pool) += 1;
        below_one += fill < 0.99;
      }
    }
  }
  // The checks above are not vacuous: both kinds of update happened, on fills below 1.
  CHECK(learned_own > 20);
  CHECK(learned_from_pool > 100);
  CHECK(below_one > 100);
}

TEST_CASE("Expectations: a country that asked for no compliant chips learns all countries' compliant fill rate",
          "[diffusion][expectations]") {
  // Compliant chips are open to capped Tier 2 buyers from the start (the default).
  Harness h("diffusion_rule", {}, 1);
  const auto& s = h.model->state();
  const double eta = h.params.expectations.eta;
  int own = 0, pooled = 0;
  for (int t = 0; t < 18; ++t) {
    const auto before = s.countries.a_compliant;
    h.step(t);
    double req = 0, served = 0;
    for (const auto& m : s.month.country) {
      req += m.compliant_requested;
      served += m.compliant_served;
    }
    const double pool = req > 0 ? std::min(1.0, served / req) : -1.0;
    for (std::size_t c = 0; c < s.world.countries; ++c) {
      const auto& m = s.month.country[c];
      const double fill = m.compliant_requested > 0 ? std::min(1.0, m.compliant_served / m.compliant_requested) : pool;
      INFO("country " << s.world.table.rows[c].iso3 << ", month " << t);
      if (fill < 0) {
        CHECK(s.countries.a_compliant[c] == before[c]);
        continue;
      }
      CHECK(s.countries.a_compliant[c] == Approx((1 - eta) * before[c] + eta * fill).epsilon(1e-12));
      (m.compliant_requested > 0 ? own : pooled) += 1;
    }
  }
  CHECK(own > 0);     // some countries asked for compliant chips
  CHECK(pooled > 0);  // and the others learned from them
}
