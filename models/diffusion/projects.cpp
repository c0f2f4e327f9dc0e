// National projects' procurement (docs/ODD.md s.7.11), in the choice phase: a project
// (G42/Stargate UAE, Humain, IndiaAI: one buyer per country with notable demand) without a
// contract in force holds a tender. It weighs the offers open to it this month with the
// utilities any buyer of its country sees (with its own expected availability of US and
// its country's of Chinese compute) and awards the best, the alternative with the highest
// choice probability (the mode of a buyer's choice, not a draw: a tender is deliberate):
// its round-1 requests then go to that offer every month until the contract ends, as long
// as the offer stays open and delivers: when the project's expected fill rate of it (its
// expected availability of US compute for a US offer, its country's of the Chinese one)
// falls below `retender_fill`, the contract ends and the project tenders again.
// Political vetoes: an award to a Chinese offer while US pressure applies (GP10 guidance,
// or the country's stance is restrict) is withdrawn with probability `veto_probability`
// (the Malaysia retraction of May 2025); an award to a US offer while Chinese pressure
// applies (the Chinese stack holds at least `cn_leverage_share` of the country's installed
// compute) with probability `cn_veto_probability`. A withdrawn award goes to the best offer
// of the other kinds left. An award of Defer is no contract: the project tenders again
// next month.
#include "models/diffusion/choice.hpp"
#include "models/diffusion/phases.hpp"

namespace tiersim::models::diffusion {
namespace {

bool chinese(int k) { return k == kCnChip || k == kCnCloud; }
bool american(int k) { return k == kUsDirect || k == kUsCloud; }

/// The best offer: the alternative with the highest probability, the mode of a buyer's
/// choice (a tie goes to Defer, then to the earlier alternative), none of the Chinese ones
/// if `no_chinese`, none of the US ones if `no_us`.
int best_offer(const std::array<double, kNumAlts>& prob, bool no_chinese, bool no_us) {
  int best = kDefer;
  for (int k = 0; k < kNumAlts; ++k) {
    if ((no_chinese && chinese(k)) || (no_us && american(k))) continue;
    if (prob[static_cast<std::size_t>(k)] > prob[static_cast<std::size_t>(best)]) best = k;
  }
  return best;
}

/// Whether China holds leverage over country c: the Chinese stack's share of its installed
/// compute (the stances' dependence signal) is at least `cn_leverage_share`.
bool chinese_pressure(const State& s, const Env& env, std::size_t c) {
  return s.countries.cn_installed_share(c) >= env.p.projects.cn_leverage_share;
}

struct Award {
  int offer = kDefer;
  bool vetoed_us = false;  ///< a Chinese award withdrawn under US pressure
  bool vetoed_cn = false;  ///< a US award withdrawn under Chinese pressure
};

/// One tender of country c's project buyer b. Draws: tender_stream.uniform(c, step, 0) for
/// a Chinese award under US pressure, uniform(c, step, 1) for a US award under Chinese
/// pressure (only when such an award and pressure meet).
Award tender(const State& s, const Env& env, std::size_t c, std::size_t b) {
  const auto& pp = env.p.projects;
  const auto prob = buyer_probabilities(env.p.choice, s.buyers, s.choice, b, c);
  const auto step = static_cast<std::uint64_t>(s.clock.step);
  Award a;
  a.offer = best_offer(prob, false, false);
  const bool us_pressure = s.policy->guidance() || s.countries.stance[c] == Stance::restrict;
  if (chinese(a.offer) && us_pressure && env.tender_stream.uniform(c, step, 0) < pp.veto_probability) {
    a.vetoed_us = true;
    a.offer = best_offer(prob, true, false);
  }
  if (american(a.offer) && pp.cn_veto_probability > 0 && chinese_pressure(s, env, c) &&
      env.tender_stream.uniform(c, step, 1) < pp.cn_veto_probability) {
    a.vetoed_cn = true;
    a.offer = best_offer(prob, a.vetoed_us, true);
  }
  return a;
}

/// What the project expects of offer k: its own expected availability of US compute, or its
/// country's expected fill rate of the Chinese alternative.
double expected_delivery(const State& s, std::size_t c, std::size_t b, int k) {
  if (chinese(k)) return s.countries.a_cn[static_cast<std::size_t>(k - kCnChip)][c];
  return static_cast<double>(s.buyers.a_us[b]);
}

}  // namespace

void project_tenders(State& s, const Env& env) {
  auto& pr = s.projects;
  std::fill(pr.awarded.begin(), pr.awarded.end(), false);
  const bool discrete = env.p.choice.mode == ChoiceMode::discrete;
  if (env.p.projects.behaviour == Behaviour::frozen || !discrete) return;
  for (std::size_t c = 0; c < s.world.countries; ++c) {
    const std::size_t b = s.world.project_buyer[c];
    if (b == kNoBuyer) continue;
    const int held = pr.contract[c];
    const bool in_force = held >= 0 && s.clock.step < pr.until[c] && (s.choice.available[c] & bit(held)) != 0 &&
                          expected_delivery(s, c, b, held) >= env.p.projects.retender_fill;
    if (in_force) continue;
    const Award a = tender(s, env, c, b);
    if (a.vetoed_us) pr.vetoes[c] += 1.0;
    if (a.vetoed_cn) pr.vetoes_cn[c] += 1.0;
    pr.contract[c] = a.offer == kDefer ? -1 : a.offer;
    pr.until[c] = s.clock.step + env.p.projects.contract_months;
    pr.awarded[c] = a.offer != kDefer;
  }
}

}  // namespace tiersim::models::diffusion
