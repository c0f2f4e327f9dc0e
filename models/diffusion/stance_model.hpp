#pragma once
// The country-stance process of the diffusion model on its own (model name `stance`), for
// calibrating its parameters by the method of simulated moments against the Huawei 5G
// record (docs/validation.md). Runs `replicates` independent histories of every country's
// stance side by side and reports the moments the 5G record gives: the share of countries
// that excluded or restricted the Chinese stack, by tier and by US alliance, among the
// countries whose 5G decision is known.
#include <array>
#include <string>
#include <vector>

#include "models/diffusion/country_table.hpp"
#include "models/diffusion/params.hpp"
#include "models/diffusion/stance.hpp"
#include "sim/engine/model.hpp"

namespace tiersim::models::diffusion {

enum class StanceStart { open, five_g };

struct StanceModelParams {
  DataParams data;
  StanceParams stance;
  std::vector<std::string> china_group{"CHN", "HKG", "MAC"};
  int replicates = 200;
  StanceStart start = StanceStart::open;

  template <class V>
  void visit(V& v) {
    v.section("data", data, "input data files");
    v.section("stance", stance, "the stance model (as in the diffusion model)");
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
  }
};

/// Groups whose exclude-or-restrict shares are the calibration moments.
enum StanceGroup : int { kTier1Known = 0, kTier2Known, kAllyKnown, kNonAllyKnown };
inline constexpr int kNumStanceGroups = 4;
inline constexpr std::array<const char*, kNumStanceGroups> kStanceGroupNames = {"tier1_known", "tier2_known",
                                                                                "ally_known", "nonally_known"};

class StanceModel final : public engine::Model {
 public:
  StanceModel(const StanceModelParams& params, const engine::ModelContext& ctx);
  void declare(engine::Registry& registry) override;

  /// Mean over replicates of the exclude-or-restrict share of each group.
  std::array<double, kNumStanceGroups> moments() const;
  /// Standard deviation over replicates of the same.
  std::array<double, kNumStanceGroups> moment_sd() const;

 private:
  void init_world(const engine::ModelContext& ctx);
  void step(const engine::StepContext& s);
  std::array<double, kNumStanceGroups> shares(std::size_t replicate) const;

  StanceModelParams p_;
  CountryTable table_;
  StanceWorld world_;
  rng::Stream stream_;
  std::vector<std::vector<Stance>> stance_;  ///< [replicate][country]
  std::array<std::vector<std::size_t>, kNumStanceGroups> members_;
};

engine::ModelType stance_model_type();

}  // namespace tiersim::models::diffusion
