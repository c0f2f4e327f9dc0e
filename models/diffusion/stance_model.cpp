#include "models/diffusion/stance_model.hpp"

#include <algorithm>
#include <cmath>

#include "sim/core/error.hpp"

namespace tiersim::models::diffusion {
namespace {
constexpr std::uint32_t kStancePurpose = rng::purpose_id("stance.calibration");

/// Share of each group's countries for which `held(c)` (NaN for an empty group).
template <std::size_t G, class Held>
std::array<double, G> group_shares(const std::array<std::vector<std::size_t>, G>& members, Held held) {
  std::array<double, G> out{};
  for (std::size_t g = 0; g < G; ++g) {
    double k = 0;
    for (std::size_t c : members[g]) k += held(c) ? 1.0 : 0.0;
    out[g] = members[g].empty() ? std::nan("") : k / static_cast<double>(members[g].size());
  }
  return out;
}

/// Mean over `n` replicates of `shares(r)`.
template <std::size_t G, class Shares>
std::array<double, G> mean_over(std::size_t n, Shares shares) {
  std::array<double, G> m{};
  for (std::size_t r = 0; r < n; ++r) {
    const auto s = shares(r);
    for (std::size_t g = 0; g < G; ++g) m[g] += s[g] / static_cast<double>(n);
  }
  return m;
}

/// Standard deviation over `n` replicates of `shares(r)` around their mean `m`.
template <std::size_t G, class Shares>
std::array<double, G> sd_over(std::size_t n, Shares shares, const std::array<double, G>& m) {
  std::array<double, G> v{};
  for (std::size_t r = 0; r < n; ++r) {
    const auto s = shares(r);
    for (std::size_t g = 0; g < G; ++g) v[g] += (s[g] - m[g]) * (s[g] - m[g]);
  }
  const double dof = std::max<double>(1.0, static_cast<double>(n) - 1.0);
  for (auto& x : v) x = std::sqrt(x / dof);
  return v;
}

}  // namespace

StanceModel::StanceModel(const StanceModelParams& params, const engine::ModelContext& ctx)
    : p_(params), stream_(ctx.seed, ctx.run_index, kStancePurpose) {
  table_ = load_country_table(ctx.data_file("data.countries", p_.data.countries));
  init_world(ctx);
  const std::size_t n = table_.rows.size();
  std::vector<Stance> initial(n, Stance::open);
  for (std::size_t c = 0; c < n; ++c) {
    const auto& r = table_.rows[c];
    if (p_.start == StanceStart::five_g && !world_.fixed[c]) initial[c] = stance_of_5g(r.huawei_5g);
    if (r.huawei_5g == FiveG::unknown || world_.fixed[c]) continue;
    if (r.tier_2025 == 1) members_[kTier1Known].push_back(c);
    if (r.tier_2025 == 2) members_[kTier2Known].push_back(c);
    members_[static_cast<std::size_t>(r.us_ally ? kAllyKnown : kNonAllyKnown)].push_back(c);
    const int panel = r.tier_2025 == 1 ? kPanelTier1 : (r.us_ally ? kPanelAllyNotTier1 : kPanelNonAllyNotTier1);
    panel_members_[static_cast<std::size_t>(panel)].push_back(c);
  }
  for (std::size_t k = 0; k < p_.decided_before_start.size(); ++k) {
    const std::string key = "decided_before_start[" + std::to_string(k) + "]";
    const std::size_t c = need_country(ctx, table_, p_.decided_before_start[k], key);
    const Stance s = stance_of_5g(table_.rows[c].huawei_5g);
    if (s == Stance::open || world_.fixed[c]) {
      throw InputError(ctx.where(key) + ": '" + p_.decided_before_start[k] +
                       "' did not exclude or restrict in the 5G record (huawei_5g in " + table_.path.string() + ")");
    }
    initial[c] = s;
  }
  stance_.assign(static_cast<std::size_t>(p_.replicates), initial);
  ever_.assign(stance_.size(), std::vector<std::uint8_t>(n, 0));
  for (std::size_t r = 0; r < stance_.size(); ++r) mark_ever(r);
}

void StanceModel::init_world(const engine::ModelContext& ctx) {
  std::vector<std::string> regions;
  for (const auto& r : table_.rows) {
    auto it = std::find(regions.begin(), regions.end(), r.region);
    if (it == regions.end()) it = regions.insert(regions.end(), r.region);
    world_.bloc.push_back(static_cast<int>(it - regions.begin()));
    world_.ally.push_back(r.us_ally);
    world_.tier1.push_back(r.tier_2025 == 1);
    world_.fixed.push_back(false);
  }
  world_.blocs = regions.size();
  world_.finish();
  for (std::size_t k = 0; k < p_.china_group.size(); ++k) {
    const std::string key = "china_group[" + std::to_string(k) + "]";
    world_.fixed[need_country(ctx, table_, p_.china_group[k], key)] = true;
  }
}

void StanceModel::step(const engine::StepContext& s) {
  if (s.month.month % 3 != 0) return;  // revisited at the end of each quarter
  const std::size_t n = table_.rows.size();
  const bool guidance = p_.guidance && s.month >= p_.guidance_from;
  // With state dependence (behaviour adaptive) the revision sees the stance held and no AI
  // market (no caps, no binding, no dependence): h_stay is the only term it adds.
  const bool frozen = p_.stance.behaviour == Behaviour::frozen;
  const StanceSignals quiet{std::vector<bool>(n, false), std::vector<double>(n, 0.0), std::vector<double>(n, 0.0)};
  for (std::size_t r = 0; r < stance_.size(); ++r) {
    revise_stances(stance_[r], world_, p_.stance, guidance, frozen ? nullptr : &quiet, stream_,
                   static_cast<std::uint64_t>(s.step), r * n);
    mark_ever(r);
  }
}

void StanceModel::mark_ever(std::size_t replicate) {
  for (std::size_t c = 0; c < stance_[replicate].size(); ++c) {
    if (stance_[replicate][c] != Stance::open) ever_[replicate][c] = 1;
  }
}

std::array<double, kNumStanceGroups> StanceModel::shares(std::size_t replicate) const {
  return group_shares(members_, [&](std::size_t c) { return stance_[replicate][c] != Stance::open; });
}

std::array<double, kNumStanceGroups> StanceModel::moments() const {
  return mean_over<kNumStanceGroups>(stance_.size(), [this](std::size_t r) { return shares(r); });
}

std::array<double, kNumStanceGroups> StanceModel::moment_sd() const {
  return sd_over<kNumStanceGroups>(
      stance_.size(), [this](std::size_t r) { return shares(r); }, moments());
}

std::array<double, kNumStancePanelGroups> StanceModel::panel_shares(std::size_t replicate, bool ever) const {
  return group_shares(panel_members_, [&](std::size_t c) {
    return ever ? ever_[replicate][c] != 0 : stance_[replicate][c] != Stance::open;
  });
}

std::array<double, kNumStancePanelGroups> StanceModel::panel_moments(bool ever) const {
  return mean_over<kNumStancePanelGroups>(stance_.size(),
                                          [this, ever](std::size_t r) { return panel_shares(r, ever); });
}

std::array<double, kNumStancePanelGroups> StanceModel::panel_sd(bool ever) const {
  return sd_over<kNumStancePanelGroups>(
      stance_.size(), [this, ever](std::size_t r) { return panel_shares(r, ever); }, panel_moments(ever));
}

void StanceModel::declare(engine::Registry& reg) {
  reg.add_dimension({"group",
                     {kStanceGroupNames.begin(), kStanceGroupNames.end()},
                     "countries with a known 5G decision, by tier and by US alliance"});
  reg.add_observable({"exrs_share",
                      "1",
                      "share of the group excluding or restricting the Chinese stack (mean over replicates)",
                      {"group"},
                      engine::Reduce::mean,
                      "",
                      "",
                      [this](std::span<double> out) {
                        const auto m = moments();
                        std::copy(m.begin(), m.end(), out.begin());
                      }});
  reg.add_dimension({"panel_group",
                     {kStancePanelGroupNames.begin(), kStancePanelGroupNames.end()},
                     "countries with a known 5G decision: Tier 1, other US allies, other non-allies"});
  // The panel: each month, the share of each panel group holding exclude or restrict, and
  // the share that has held it at any time since the start (the counterpart of a first
  // decision date), with their standard deviations over replicates.
  for (const bool ever : {false, true}) {
    const std::string name = ever ? "ever_exrs_panel" : "exrs_panel";
    const std::string what = ever ? "share of the panel group that has excluded or restricted the Chinese stack at "
                                    "the start or after any revision so far"
                                  : "share of the panel group excluding or restricting the Chinese stack";
    reg.add_observable({name,
                        "1",
                        what + " (mean over replicates)",
                        {"panel_group"},
                        engine::Reduce::mean,
                        "",
                        "",
                        [this, ever](std::span<double> out) {
                          const auto m = panel_moments(ever);
                          std::copy(m.begin(), m.end(), out.begin());
                        }});
    reg.add_observable({name + "_sd",
                        "1",
                        "standard deviation over replicates of " + name,
                        {"panel_group"},
                        engine::Reduce::mean,
                        "",
                        "",
                        [this, ever](std::span<double> out) {
                          const auto m = panel_sd(ever);
                          std::copy(m.begin(), m.end(), out.begin());
                        }});
  }
  for (int g = 0; g < kNumStanceGroups; ++g) {
    const std::string name = kStanceGroupNames[static_cast<std::size_t>(g)];
    reg.add_summary({"exrs_" + name, "1", "exclude-or-restrict share, " + name + ", mean over replicates at the end",
                     [this, g] { return moments()[static_cast<std::size_t>(g)]; }});
    reg.add_summary({"exrs_" + name + "_sd", "1", "standard deviation over replicates of the same",
                     [this, g] { return moment_sd()[static_cast<std::size_t>(g)]; }});
  }
  reg.schedule().declare_stages({"stance"});
  reg.schedule().add("stance", "quarterly revision", [this](const engine::StepContext& s) { step(s); });
}

engine::ModelType stance_model_type() {
  return engine::make_model_type<StanceModelParams, StanceModel>(
      "stance", "the diffusion model's country-stance process alone, for calibration against the 5G record");
}

}  // namespace tiersim::models::diffusion
