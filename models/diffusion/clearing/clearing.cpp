// Phase "clearing" (docs/ODD.md s.3 step 5, s.7.3): three passes over buyers, in parallel
// with per-country sums in a fixed order.
//   pass 1: every buyer with demand chooses and requests (round 1);  round-1 factors;
//   pass 2: round-1 service; rationed demand re-chooses among the alternatives still open
//           to it (the diversion channel) and requests again (round 2);  round-2 factors;
//   pass 3: round-2 service; what is still unserved becomes backlog, part of it abandoned.
// Both rounds are served by the same function (serve_buyer).
#include <numeric>

#include "models/diffusion/choice.hpp"
#include "models/diffusion/clearing/cap_ledger.hpp"
#include "models/diffusion/clearing/capacities.hpp"
#include "models/diffusion/clearing/requests.hpp"
#include "models/diffusion/country_sums.hpp"
#include "models/diffusion/phases.hpp"

namespace tiersim::models::diffusion {
namespace {

constexpr std::uint8_t kNoAlt = 255;
/// alt2 of a buyer that re-chose the compliant chip (a US_direct request outside the cap).
constexpr std::uint8_t kCompliantAlt = kNumAlts;

bool is_us(int alt) { return alt == kUsDirect || alt == kUsCloud; }

MonthRules month_rules(const State& s, const Env& env) {
  MonthRules r;
  r.discrete = env.p.choice.mode == ChoiceMode::discrete;
  r.caps = s.policy->caps_active();
  r.random_order = env.p.policy.rule.rationing == Rationing::random_order;
  r.nveu_limit = nveu_allowance(env.p.policy.rule, s.clock.now);
  r.demand_index = s.demand.index;
  r.step = static_cast<std::uint64_t>(s.clock.step);
  r.project_buyer = &s.world.project_buyer;
  r.consignee_sizes = &s.world.consignee_sizes;
  r.lpp_limit = env.p.policy.rule.lpp_h100e_per_year;
  r.residency_buyers = env.p.demand.residency.buyers;
  r.residency_projects = env.p.demand.residency.projects;
  r.compliant = s.policy->compliant_tier2();
  // Contracts bind discrete choices; expected mode keeps the projects' monthly probabilities.
  if (r.discrete && env.p.projects.behaviour == Behaviour::adaptive) r.project_contract = &s.projects.contract;
  return r;
}

/// Pass 1 per country: round-1 requests, new demand and backlog brought in.
struct Round1Tally {
  RoundRequests requests;
  double new_demand = 0, backlog_in = 0;

  Round1Tally& operator+=(const Round1Tally& o) {
    requests += o.requests;
    new_demand += o.new_demand;
    backlog_in += o.backlog_in;
    return *this;
  }
};

/// Pass 2 per country: round-1 service and round-2 requests.
struct Round1Service {
  std::array<double, kNumAlts> served{}, rationed{};
  RoundRequests requests2;
  /// Round-2 requests for each stack that re-chose from the other stack: demand for the
  /// stack not counted in round 1 (a rationed US_direct request re-chosen as US_cloud is
  /// the same demand for US compute, asked twice).
  std::array<double, kNumStacks> crossed2{};
  double lpp_served = 0, nveu_served = 0;

  Round1Service& operator+=(const Round1Service& o) {
    for (std::size_t k = 0; k < kNumAlts; ++k) {
      served[k] += o.served[k];
      rationed[k] += o.rationed[k];
    }
    for (std::size_t st = 0; st < kNumStacks; ++st) crossed2[st] += o.crossed2[st];
    requests2 += o.requests2;
    lpp_served += o.lpp_served;
    nveu_served += o.nveu_served;
    return *this;
  }
};

/// Pass 3 per country: round-2 service, backlog and abandonment, installed bases.
struct Round2Service {
  std::array<double, kNumAlts> served{}, backlog{};
  double abandoned = 0, backlog_out = 0, lpp_served = 0, nveu_served = 0, ib_us = 0, ib_cn = 0;
  double compliant_served = 0;  ///< compliant chips served (in served[US_direct])

  Round2Service& operator+=(const Round2Service& o) {
    for (std::size_t k = 0; k < kNumAlts; ++k) {
      served[k] += o.served[k];
      backlog[k] += o.backlog[k];
    }
    abandoned += o.abandoned;
    backlog_out += o.backlog_out;
    lpp_served += o.lpp_served;
    nveu_served += o.nveu_served;
    ib_us += o.ib_us;
    ib_cn += o.ib_cn;
    compliant_served += o.compliant_served;
    return *this;
  }
};

/// What the month's passes read and write, besides the per-country tallies.
struct Pass {
  const MonthRules& rules;
  const Env& env;
  const Policy& policy;
  const ChoiceInputs& inputs;
  const std::vector<bool>& china;
  Buyers& buyers;
  ClearingScratch& scratch;

  double demand(std::size_t b) const {
    return static_cast<double>(buyers.base_demand[b]) * rules.demand_index + static_cast<double>(buyers.backlog[b]);
  }
  /// Buyer b's (country c) probabilities with its availability weight of this month (pass 1
  /// sets it).
  std::array<double, kNumAlts> probabilities(std::size_t b, std::size_t c, int removed = -1) const {
    return buyer_probabilities(buyers, inputs, b, c, scratch.avail_weight[b], removed);
  }
  /// Whether a buyer of country c, refused (part of) a US_direct request, re-chooses with the
  /// compliant chip in place of US_direct: Tier 2 while caps apply and compliant chips are open.
  bool offers_compliant(std::size_t c, int refused) const {
    return refused == kUsDirect && rules.compliant && policy.tier(c) == 2;
  }
  /// Re-choice probabilities of buyer b (country c) after a refusal of alternative k.
  std::array<double, kNumAlts> rechoice_probabilities(std::size_t b, std::size_t c, int k) const {
    return offers_compliant(c, k) ? compliant_probabilities(buyers, inputs, b, c, scratch.avail_weight[b])
                                  : probabilities(b, c, k);
  }
};

struct BuyerService {
  std::array<double, kNumAlts> served{};
  double lpp = 0, nveu = 0;  ///< US_direct served under the LPP exemption and NVEU allowance
};

/// One round of service for buyer b: its requests r (by alternative) served with the
/// round's factors f. The buyer's LPP and NVEU use and its installed base grow by what it got.
BuyerService serve_buyer(const Pass& p, const RoundFactors& f, std::size_t b, std::size_t c,
                         const std::array<double, kNumAlts>& r, double grant) {
  BuyerService out;
  for (int k = 0; k < kDefer; ++k) {
    const auto uk = static_cast<std::size_t>(k);
    if (r[uk] <= 0) continue;
    const DirectSplit sp = k == kUsDirect ? split_direct(p.rules, p.policy, p.buyers, b, c, r[uk]) : DirectSplit{};
    const double res = k == kUsCloud ? p.rules.residency(b, c) : 0.0;
    const double served = std::min(r[uk], served_of(f, p.policy, p.china, c, k, r[uk], sp, grant, res));
    out.served[uk] = served;
    if (k == kUsDirect) {
      const double fill = f.vendor_fill(p.policy, c);
      out.lpp = fill * sp.lpp;
      out.nveu = fill * sp.nveu;
      p.buyers.lpp_used[b] += out.lpp;
      add_up(p.buyers.nveu_used[b], out.nveu);
      p.buyers.lpp_requested[b] += sp.lpp + sp.cap;
    }
    add_to((stack_of(k) == kStackUs ? p.buyers.ib_us : p.buyers.ib_cn)[b], served);
  }
  return out;
}

// ---- pass 1 -------------------------------------------------------------------------------

void choose_and_request(const Pass& p, std::size_t b, std::size_t c, Round1Tally& acc) {
  auto& buyers = p.buyers;
  const double fresh = static_cast<double>(buyers.base_demand[b]) * p.rules.demand_index;
  const double demand = fresh + static_cast<double>(buyers.backlog[b]);
  acc.new_demand += fresh;
  acc.backlog_in += static_cast<double>(buyers.backlog[b]);
  if (demand <= 0) {
    buyers.alt1[b] = kNoAlt;
    return;
  }
  // Once per buyer-month: the availability weight, and in discrete mode the random block
  // whose first word draws the choice and whose second the re-choice (pass 2).
  p.scratch.avail_weight[b] = availability_weight(p.env.p.choice, buyers, b);
  rng::Stream::Block block{};
  if (p.rules.discrete) {
    block = p.env.choice_stream.block(b, p.rules.step, 0);
    p.scratch.u_rechoice[b] = rng::to_unit(block[1]);
  }
  double cap_part = 0;
  if (const int held = p.rules.contracted(b, c); held >= 0) {
    // A national project under contract asks the awarded offer for all of it (projects.cpp).
    buyers.alt1[b] = static_cast<std::uint8_t>(held);
    cap_part = acc.requests.add(p.rules, p.policy, buyers, b, c, held, demand).cap;
  } else if (p.rules.discrete) {
    const int k = draw_alternative(p.probabilities(b, c), rng::to_unit(block[0]));
    buyers.alt1[b] = static_cast<std::uint8_t>(k);
    cap_part = acc.requests.add(p.rules, p.policy, buyers, b, c, k, demand).cap;
  } else {
    const auto prob = p.probabilities(b, c);
    for (int k = 0; k < kNumAlts; ++k) {
      const double r = prob[static_cast<std::size_t>(k)] * demand;
      if (r > 0) cap_part += acc.requests.add(p.rules, p.policy, buyers, b, c, k, r).cap;
    }
  }
  if (p.rules.random_order) p.scratch.cap_part[b] = cap_part;
}

// ---- pass 2 -------------------------------------------------------------------------------

/// Discrete mode: the rationed part of the round-1 choice draws again, with that
/// alternative removed. Returns the request on the cap ledger.
double rechoose_discrete(const Pass& p, std::size_t b, std::size_t c, const std::array<double, kNumAlts>& rationed,
                         Round1Service& acc) {
  const int k1 = p.buyers.alt1[b];
  const double x = rationed[static_cast<std::size_t>(k1)];
  p.buyers.alt2[b] = kNoAlt;
  if (k1 == kDefer || x <= 0) return 0.0;
  const auto prob = p.rechoice_probabilities(b, c, k1);
  const int k2 = draw_alternative(prob, p.scratch.u_rechoice[b]);
  p.scratch.amount2[b] = x;
  if (k2 == kUsDirect && p.offers_compliant(c, k1)) {
    p.buyers.alt2[b] = kCompliantAlt;
    acc.requests2.add_compliant(x);
    return 0.0;
  }
  p.buyers.alt2[b] = static_cast<std::uint8_t>(k2);
  if (k2 != kDefer && stack_of(k2) != stack_of(k1)) acc.crossed2[static_cast<std::size_t>(stack_of(k2))] += x;
  return acc.requests2.add(p.rules, p.policy, p.buyers, b, c, k2, x).cap;
}

/// Expected mode: the rationed part of each alternative is split again by the
/// probabilities without it. Returns the request on the cap ledger.
double rechoose_expected(const Pass& p, std::size_t b, std::size_t c, const std::array<double, kNumAlts>& r,
                         const std::array<double, kNumAlts>& rationed, Round1Service& acc) {
  p.scratch.amount2[b] = r[kDefer];  // deferred in round 1; pass 3 must not recompute it (state moved)
  std::array<double, kNumAlts> r2{};
  double compliant = 0;
  for (int k = 0; k < kDefer; ++k) {
    const double x = rationed[static_cast<std::size_t>(k)];
    if (x <= 0) continue;
    const auto prob = p.rechoice_probabilities(b, c, k);
    const bool offered = p.offers_compliant(c, k);
    for (std::size_t j = 0; j < kNumAlts; ++j) {
      if (j == kUsDirect && offered) {
        compliant += prob[j] * x;
        continue;
      }
      r2[j] += prob[j] * x;
      const int sj = stack_of(static_cast<int>(j));
      if (sj >= 0 && sj != stack_of(k)) acc.crossed2[static_cast<std::size_t>(sj)] += prob[j] * x;
    }
  }
  p.scratch.request2[b] = r2;
  p.scratch.compliant2[b] = compliant;
  if (compliant > 0) acc.requests2.add_compliant(compliant);
  double cap_part = 0;
  for (int k = 0; k < kNumAlts; ++k) {
    const double x = r2[static_cast<std::size_t>(k)];
    if (x > 0) cap_part += acc.requests2.add(p.rules, p.policy, p.buyers, b, c, k, x).cap;
  }
  return cap_part;
}

void serve_round1(const Pass& p, const RoundFactors& fa, std::size_t b, std::size_t c, Round1Service& acc) {
  const double demand = p.demand(b);
  p.scratch.amount2[b] = 0.0;
  if (demand <= 0) {
    p.buyers.alt2[b] = kNoAlt;
    return;
  }
  const double grant = p.rules.random_order ? p.scratch.cap_grant[b] : 0.0;
  if (p.rules.random_order) p.scratch.cap_part[b] = 0.0;
  std::array<double, kNumAlts> r{};
  if (p.rules.discrete) {
    r[p.buyers.alt1[b]] = demand;
  } else {
    const auto prob = p.probabilities(b, c);
    for (std::size_t k = 0; k < kNumAlts; ++k) r[k] = prob[k] * demand;
  }
  const BuyerService got = serve_buyer(p, fa, b, c, r, grant);
  std::array<double, kNumAlts> rationed{};
  for (std::size_t k = 0; k < kDefer; ++k) {
    if (r[k] <= 0) continue;
    acc.served[k] += got.served[k];
    rationed[k] = r[k] - got.served[k];
    acc.rationed[k] += rationed[k];
  }
  acc.lpp_served += got.lpp;
  acc.nveu_served += got.nveu;
  const double cap_part2 =
      p.rules.discrete ? rechoose_discrete(p, b, c, rationed, acc) : rechoose_expected(p, b, c, r, rationed, acc);
  if (p.rules.random_order) p.scratch.cap_part[b] = cap_part2;
}

// ---- pass 3 -------------------------------------------------------------------------------

/// Round-2 service of buyer b; returns its unserved demand by alternative and records its
/// own US fill rate this month (discrete mode, if it asked for US compute).
std::array<double, kNumAlts> serve_round2(const Pass& p, const RoundFactors& fb, std::size_t b, std::size_t c,
                                          double demand, Round2Service& acc) {
  std::array<double, kNumAlts> unserved{};
  // Round 1 was served in pass 2; its deferred part stays unserved, its rationed part was
  // re-chosen into r2.
  std::array<double, kNumAlts> r2{};
  double compliant = 0;  // re-chosen as compliant chips
  const bool discrete = p.rules.discrete;
  if (discrete) {
    if (p.buyers.alt1[b] == kDefer) unserved[kDefer] += demand;
    const std::uint8_t k2 = p.buyers.alt2[b];
    if (k2 == kCompliantAlt) {
      compliant = p.scratch.amount2[b];
    } else if (k2 != kNoAlt) {
      r2[k2] = p.scratch.amount2[b];
    }
  } else {
    unserved[kDefer] += p.scratch.amount2[b];
    r2 = p.scratch.request2[b];
    compliant = p.scratch.compliant2[b];
  }
  double us_asked = 0, us_got = 0;
  if (discrete && is_us(p.buyers.alt1[b])) {
    us_asked += demand;
    us_got += demand - p.scratch.amount2[b];
  }
  const double grant = p.rules.random_order ? p.scratch.cap_grant[b] : 0.0;
  const BuyerService got = serve_buyer(p, fb, b, c, r2, grant);
  for (int k = 0; k < kNumAlts; ++k) {
    const auto uk = static_cast<std::size_t>(k);
    if (r2[uk] <= 0) continue;
    if (k == kDefer) {
      unserved[kDefer] += r2[uk];
      continue;
    }
    acc.served[uk] += got.served[uk];
    unserved[uk] += r2[uk] - got.served[uk];
    if (discrete && is_us(k)) {
      // A round-1 US request re-chosen as US is the same demand, asked once.
      if (!is_us(p.buyers.alt1[b])) us_asked += r2[uk];
      us_got += got.served[uk];
    }
  }
  acc.lpp_served += got.lpp;
  acc.nveu_served += got.nveu;
  if (compliant > 0) {
    // Outside the cap and the LPP exemption: only vendor output limits it. (Only a refused
    // US_direct request re-chooses compliant chips, so it was counted as asked above.)
    const double got_compliant = fb.vendor_fill(p.policy, c) * compliant;
    acc.served[kUsDirect] += got_compliant;
    acc.compliant_served += got_compliant;
    unserved[kUsDirect] += compliant - got_compliant;
    add_to(p.buyers.ib_us[b], got_compliant);
    us_got += got_compliant;
  }
  if (us_asked > 0) p.scratch.own_us_fill[b] = std::min(1.0, us_got / us_asked);
  return unserved;
}

void serve_round2_and_carry(const Pass& p, const RoundFactors& fb, std::size_t b, std::size_t c, Round2Service& acc) {
  const double demand = p.demand(b);
  p.scratch.own_us_fill[b] = -1.0;
  std::array<double, kNumAlts> unserved{};
  if (demand > 0) unserved = serve_round2(p, fb, b, c, demand, acc);
  // Backlog: what is still unserved; a share of it is abandoned. The buyer carries it to
  // single precision, rounded down; the part below the last digit (at most 2^-23 of it)
  // counts as abandoned, so demand is conserved across months as within them.
  const double abandon = p.env.p.demand.abandon_rate;
  const double left = std::accumulate(unserved.begin(), unserved.end(), 0.0);
  const Quantity carried = stored_down((1.0 - abandon) * left);
  const double kept = left > 0 ? static_cast<double>(carried) / left : 0.0;
  for (std::size_t k = 0; k < kNumAlts; ++k) acc.backlog[k] += kept * unserved[k];
  acc.abandoned += left - static_cast<double>(carried);
  acc.backlog_out += static_cast<double>(carried);
  p.buyers.backlog[b] = carried;
  acc.ib_us += static_cast<double>(p.buyers.ib_us[b]);
  acc.ib_cn += static_cast<double>(p.buyers.ib_cn[b]);
}

// ---- the month ----------------------------------------------------------------------------

template <class Tally>
double served_direct(const std::vector<Tally>& tallies) {
  double s = 0;
  for (const auto& t : tallies) s += t.served[kUsDirect];
  return s;
}

std::vector<RoundRequests> round2_requests(const std::vector<Round1Service>& acc2) {
  std::vector<RoundRequests> out(acc2.size());
  for (std::size_t c = 0; c < acc2.size(); ++c) out[c] = acc2[c].requests2;
  return out;
}

/// The month's flows per country, installed bases, and what the settlement needs.
void record_month(State& s, const std::vector<Round1Tally>& acc1, const std::vector<Round1Service>& acc2,
                  const std::vector<Round2Service>& acc3) {
  for (std::size_t c = 0; c < s.world.countries; ++c) {
    auto& m = s.month.country[c];
    m.new_demand = acc1[c].new_demand;
    m.backlog_in = acc1[c].backlog_in;
    for (std::size_t k = 0; k < kNumAlts; ++k) {
      m.demand[k] = acc1[c].requests.by_alt[k];
      m.demand2[k] = acc2[c].requests2.by_alt[k];
      if (k < kNumStacks) m.crossed2[k] = acc2[c].crossed2[k];
      m.served[k] = acc2[c].served[k] + acc3[c].served[k];
      m.rationed[k] = acc2[c].rationed[k];
      m.backlog[k] = acc3[c].backlog[k];
    }
    m.cap_requested = acc1[c].requests.direct.cap + acc2[c].requests2.direct.cap;
    m.abandoned = acc3[c].abandoned;
    m.backlog_out = acc3[c].backlog_out;
    m.lpp_served = acc2[c].lpp_served + acc3[c].lpp_served;
    m.nveu_served = acc2[c].nveu_served + acc3[c].nveu_served;
    m.compliant_served = acc3[c].compliant_served;
    m.compliant_requested = acc2[c].requests2.compliant;
    s.countries.installed[kStackUs][c] = acc3[c].ib_us;
    s.countries.installed[kStackCn][c] = acc3[c].ib_cn;
  }
}

}  // namespace

void clearing_phase(State& s, const Env& env) {
  const MonthRules rules = month_rules(s, env);
  const Pass pass{rules, env, *s.policy, s.choice, s.world.china, s.buyers, s.scratch};
  const std::size_t n = s.world.countries;

  const auto acc1 = per_country_sums<Round1Tally>(
      env.executor, s.index,
      [&](std::size_t b, std::size_t c, Round1Tally& acc) { choose_and_request(pass, b, c, acc); });
  Capacities cap = open_capacities(s);
  CapLedger ledger(*s.policy, rules, s.clock.now, n, env.ration_stream);
  for (std::size_t c = 0; c < n; ++c) {
    s.month.country[c] = CountryMonth{};
    s.month.country[c].cap_available = ledger.available(c);
  }
  std::vector<RoundRequests> req1(n);
  for (std::size_t c = 0; c < n; ++c) req1[c] = acc1[c].requests;
  const double gk_orders = s.month.global.gatekeeper_orders;
  const RoundFactors fa = make_factors(s, env, req1, gk_orders, ledger, cap, s.scratch, 0);

  const auto acc2 = per_country_sums<Round1Service>(
      env.executor, s.index,
      [&](std::size_t b, std::size_t c, Round1Service& acc) { serve_round1(pass, fa, b, c, acc); });
  ledger.draw(fa.vendor, s.month.country);
  consume(s, fa, req1, served_direct(acc2), gk_orders, cap);
  for (std::size_t k = 0; k < s.gatekeepers.orders.size(); ++k)
    s.gatekeepers.shipped[k] = fa.vendor[kMarketCloud] * s.gatekeepers.orders[k];

  const auto req2 = round2_requests(acc2);
  const RoundFactors fb = make_factors(s, env, req2, 0.0, ledger, cap, s.scratch, 1);
  const auto acc3 = per_country_sums<Round2Service>(
      env.executor, s.index,
      [&](std::size_t b, std::size_t c, Round2Service& acc) { serve_round2_and_carry(pass, fb, b, c, acc); });
  ledger.draw(fb.vendor, s.month.country);
  consume(s, fb, req2, served_direct(acc3), 0.0, cap);
  record_month(s, acc1, acc2, acc3);
}

}  // namespace tiersim::models::diffusion
