// National projects' procurement (docs/ODD.md s.7.11), in the choice phase: a project
// (G42/Stargate UAE, Humain, IndiaAI: one buyer per country with notable demand) without a
// contract in force holds a tender. It weighs the offers open to it this month with the
// utilities any buyer of its country sees (with its own expected availability of US and
// Chinese compute) and awards the best, the alternative with the highest choice
// probability (the mode of a buyer's choice, not a draw: a tender is deliberate): its round-1 requests then
// go to that offer every month until the contract ends, as long as the offer stays open
// and delivers: when the project's expected fill rate of it (its expected availability of
// US compute for a US offer, its country's of the Chinese one) falls below
// `retender_fill`, the contract ends and the project tenders again.
// An award to a Chinese offer while US pressure applies (GP10 guidance, or the country's
// stance is restrict) is withdrawn with probability `veto_probability`, and the tender
// awards the best of the offers left (the Malaysia retraction of May 2025). An award of
// Defer is no contract: the project tenders again next month.
#include "models/diffusion/choice.hpp"
#include "models/diffusion/phases.hpp"

namespace tiersim::models::diffusion {
namespace {

bool chinese(int k) { return k == kCnChip || k == kCnCloud; }

/// The best offer: the alternative with the highest probability, the mode of a buyer's
/// choice (a tie goes to Defer, then to the earlier alternative), none of the Chinese ones
/// if `no_chinese`.
int best_offer(const std::array<double, kNumAlts>& prob, bool no_chinese) {
  int best = kDefer;
  for (int k = 0; k < kNumAlts; ++k) {
    if (no_chinese && chinese(k)) continue;
    if (prob[static_cast<std::size_t>(k)] > prob[static_cast<std::size_t>(best)]) best = k;
  }
  return best;
}

/// One tender of country c's project buyer b: the awarded alternative, and whether an award
/// was vetoed. Draw: tender_stream.uniform(c, step, 0), only for a Chinese award under
/// pressure.
std::pair<int, bool> tender(const State& s, const Env& env, std::size_t c, std::size_t b) {
  const auto prob = buyer_probabilities(env.p.choice, s.buyers, s.choice, b);
  const int k = best_offer(prob, false);
  const bool pressure = s.policy->guidance() || s.countries.stance[c] == Stance::restrict;
  if (!chinese(k) || !pressure) return {k, false};
  const auto step = static_cast<std::uint64_t>(s.clock.step);
  if (env.tender_stream.uniform(c, step, 0) >= env.p.projects.veto_probability) return {k, false};
  return {best_offer(prob, true), true};
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
    const auto [k, vetoed] = tender(s, env, c, b);
    if (vetoed) pr.vetoes[c] += 1.0;
    pr.contract[c] = k == kDefer ? -1 : k;
    pr.until[c] = s.clock.step + env.p.projects.contract_months;
    pr.awarded[c] = k != kDefer;
  }
}

}  // namespace tiersim::models::diffusion
