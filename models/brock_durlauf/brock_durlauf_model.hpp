#pragma once
// Brock-Durlauf discrete choice with social interactions, mean-field over one group.
// Each month every agent revises with probability revise_share; a reviser chooses +1 with
// the logit probability 1 / (1 + exp(-2 beta (h + J m))), m being the mean choice at the
// start of the month (all revisers see the same m).
#include <cstdint>
#include <vector>

#include "models/brock_durlauf/brock_durlauf_params.hpp"
#include "sim/engine/model.hpp"
#include "sim/rng/stream.hpp"

namespace tiersim::models::brock_durlauf {

/// P(w = +1) given the expected mean choice m.
double prob_plus(const BrockDurlaufParams& p, double m);

class BrockDurlaufModel final : public engine::Model {
 public:
  BrockDurlaufModel(const BrockDurlaufParams& params, const engine::ModelContext& ctx);
  void declare(engine::Registry& registry) override;

  double mean_choice() const { return m_; }

 private:
  void revise(const engine::StepContext& s);
  void tally();

  BrockDurlaufParams params_;
  const engine::Executor& executor_;
  rng::Stream revise_stream_, choice_stream_;
  std::vector<std::int8_t> omega_;  // each agent's choice, -1 or +1
  double plus_ = 0;                 // agents choosing +1
  double m_ = 0;                    // mean choice
  std::vector<double> m_history_;   // m after each month
};

engine::ModelType model_type();

}  // namespace tiersim::models::brock_durlauf
