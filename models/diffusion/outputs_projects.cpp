// What the diffusion model reports about the national projects' procurement (docs/ODD.md
// s.7.11 and "Outputs"): the contract each project holds, by month, and the awards
// withdrawn under US pressure (to Chinese offers) and under Chinese pressure (to US offers).
#include "models/diffusion/outputs.hpp"

namespace tiersim::models::diffusion {

void declare_projects(engine::Registry& reg, const State& s) {
  const auto& pr = s.projects;
  reg.add_observable({"project_contract",
                      "1",
                      "1 where the country's national project holds a contract for the alternative (sums: projects "
                      "under contract)",
                      {"country", "alternative"},
                      engine::Reduce::sum,
                      "",
                      "",
                      [&s, &pr](std::span<double> out) {
                        for (std::size_t c = 0; c < s.world.countries; ++c) {
                          for (int k = 0; k < kNumAlts; ++k) {
                            out[c * kNumAlts + static_cast<std::size_t>(k)] = pr.contract[c] == k ? 1.0 : 0.0;
                          }
                        }
                      }});
  reg.add_observable({"project_vetoes",
                      "awards",
                      "awards of the national project's tenders to Chinese offers withdrawn under US pressure, so far",
                      {"country"},
                      engine::Reduce::sum,
                      "",
                      "",
                      [&s, &pr](std::span<double> out) {
                        for (std::size_t c = 0; c < s.world.countries; ++c) out[c] = pr.vetoes[c];
                      }});
  reg.add_observable({"project_vetoes_cn",
                      "awards",
                      "awards of the national project's tenders to US offers withdrawn under Chinese pressure, so far",
                      {"country"},
                      engine::Reduce::sum,
                      "",
                      "",
                      [&s, &pr](std::span<double> out) {
                        for (std::size_t c = 0; c < s.world.countries; ++c) out[c] = pr.vetoes_cn[c];
                      }});
}

}  // namespace tiersim::models::diffusion
