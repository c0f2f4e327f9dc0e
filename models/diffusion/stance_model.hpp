#pragma once
// The country-stance process of the diffusion model on its own (model name `stance`), for
// calibrating its parameters by the method of simulated moments against the Huawei 5G
// record (docs/validation.md). Runs `replicates` independent histories of every country's
// stance side by side and reports the moments the 5G record gives: the share of countries
// that excluded or restricted the Chinese stack, by tier and by US alliance, among the
// countries whose 5G decision is known, at the end of the run (the cross-section) and each
// month (the panel of decision timing, by three disjoint groups). No AI market: with
// `stance.behaviour: adaptive` the revision sees the stance held (h_stay) and nothing else.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "models/diffusion/country_table.hpp"
#include "models/diffusion/params.hpp"
#include "models/diffusion/stance.hpp"
#include "sim/engine/model.hpp"
#include "sim/time/calendar.hpp"

namespace tiersim::models::diffusion {

enum class StanceStart { open, five_g };

struct StanceModelParams {
  DataParams data;
  StanceParams stance;
  std::vector<std::string> china_group{"CHN", "HKG", "MAC"};
  int replicates = 200;
  StanceStart start = StanceStart::open;
  std::vector<std::string> decided_before_start;
  bool guidance = false;
  time::YearMonth guidance_from{2019, 1};

  template <class V>
  void visit(V& v) {
    v.section("data", data, "input data files");
    v.section("stance", stance,
              "the stance model (as in the diffusion model; behaviour adaptive adds h_stay only: no AI market "
              "here, so the caps and dependence terms are zero)");
    v.field("china_group", china_group, {.doc = "countries whose stance is fixed open", .source = "cal. s1"});
    v.field("replicates", replicates,
            {.unit = "histories",
             .doc = "independent stance histories simulated side by side",
             .source = "assumption (Monte Carlo size)",
             .min = 1.0,
             .max = 100000.0});
    v.choice(
        "start", start, {{"open", StanceStart::open}, {"five_g", StanceStart::five_g}},
        {.doc = "initial stances: all open (for calibration) or the 5G record (unknown: open)", .source = "MODEL s.6"});
    v.field("decided_before_start", decided_before_start,
            {.doc = "countries that start from their 5G status (excluded or restricted) whatever `start` says: "
                    "those that decided before the first simulated month",
             .source = "configs/data/five_g_decisions.csv"});
    v.field("guidance", guidance,
            {.doc = "US pressure: stance.guidance_shift added to restrict and exclude from guidance_from on "
                    "(false: never; the pressure is then part of the base utilities)",
             .source = "assumption (docs/validation.md)"});
    v.field("guidance_from", guidance_from,
            {.unit = "month", .doc = "first month of US pressure (with guidance: true)", .source = "assumption"});
  }
};

/// Groups whose exclude-or-restrict shares are the calibration moments.
enum StanceGroup : int { kTier1Known = 0, kTier2Known, kAllyKnown, kNonAllyKnown };
inline constexpr int kNumStanceGroups = 4;
inline constexpr std::array<const char*, kNumStanceGroups> kStanceGroupNames = {"tier1_known", "tier2_known",
                                                                                "ally_known", "nonally_known"};

/// Disjoint groups of the panel moments (countries with a known 5G decision, China aside):
/// Tier 1 partners, other US allies, other non-allies.
enum StancePanelGroup : int { kPanelTier1 = 0, kPanelAllyNotTier1, kPanelNonAllyNotTier1 };
inline constexpr int kNumStancePanelGroups = 3;
inline constexpr std::array<const char*, kNumStancePanelGroups> kStancePanelGroupNames = {"tier1", "ally_not_tier1",
                                                                                          "nonally_not_tier1"};

class StanceModel final : public engine::Model {
 public:
  StanceModel(const StanceModelParams& params, const engine::ModelContext& ctx);
  void declare(engine::Registry& registry) override;

  /// Mean over replicates of the exclude-or-restrict share of each group.
  std::array<double, kNumStanceGroups> moments() const;
  /// Standard deviation over replicates of the same.
  std::array<double, kNumStanceGroups> moment_sd() const;

  /// The panel groups' shares now (mean over replicates): holding exclude or restrict
  /// (`ever` false), or having held it at the start or after any revision so far (true).
  std::array<double, kNumStancePanelGroups> panel_moments(bool ever) const;
  /// Standard deviation over replicates of the same.
  std::array<double, kNumStancePanelGroups> panel_sd(bool ever) const;

 private:
  void init_world(const engine::ModelContext& ctx);
  void step(const engine::StepContext& s);
  std::array<double, kNumStanceGroups> shares(std::size_t replicate) const;
  std::array<double, kNumStancePanelGroups> panel_shares(std::size_t replicate, bool ever) const;
  void mark_ever(std::size_t replicate);

  StanceModelParams p_;
  CountryTable table_;
  StanceWorld world_;
  rng::Stream stream_;
  std::vector<std::vector<Stance>> stance_;      ///< [replicate][country]
  std::vector<std::vector<std::uint8_t>> ever_;  ///< [replicate][country]: 1 once it held exclude or restrict
  std::array<std::vector<std::size_t>, kNumStanceGroups> members_;
  std::array<std::vector<std::size_t>, kNumStancePanelGroups> panel_members_;
};

engine::ModelType stance_model_type();

}  // namespace tiersim::models::diffusion
