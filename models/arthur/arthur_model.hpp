#pragma once
// Arthur (1989) competing technologies. In each of `markets` independent markets,
// adopters arrive one at a time (arrivals_per_step of them each month); each is an R-type
// with probability p_r, else an S-type, and adopts the technology with the higher payoff
// given the installed bases n_A, n_B it sees on arrival (ties: its natural preference,
// A for R, B for S).
#include <cstdint>
#include <vector>

#include "models/arthur/arthur_params.hpp"
#include "sim/engine/model.hpp"
#include "sim/rng/stream.hpp"

namespace tiersim::models::arthur {

enum class Tech : std::uint8_t { A, B };
enum class AdopterType : std::uint8_t { R, S };

/// The technology an adopter of type `t` picks when n_A - n_B = d. The payoff difference
/// A - B is (a - b) + k d with k = +r, 0 or -r by regime (exactly the difference of the
/// payoff table), so the choice depends on d only; differences within 1e-12 (relative) of
/// zero are ties, so a barrier such as (b_R - a_R)/r = -10 is not moved by rounding.
Tech choose(const ArthurParams& p, AdopterType t, std::int64_t d);

/// True if, at n_A - n_B = d, every future adopter of either type picks the same
/// technology: only with increasing returns, beyond a barrier (d > (b_S - a_S)/s: locked
/// to A; d < (b_R - a_R)/r: locked to B). With constant or diminishing returns, never.
bool locked_in(const ArthurParams& p, std::int64_t d);

class ArthurModel final : public engine::Model {
 public:
  ArthurModel(const ArthurParams& params, const engine::ModelContext& ctx);
  void declare(engine::Registry& registry) override;

  const std::vector<std::int64_t>& n_a() const { return n_a_; }
  const std::vector<std::int64_t>& n_b() const { return n_b_; }

 private:
  void arrive(const engine::StepContext& s);

  ArthurParams params_;
  const engine::Executor& executor_;
  rng::Stream type_stream_;
  std::vector<std::int64_t> n_a_, n_b_;  // installed bases per market
};

engine::ModelType model_type();

}  // namespace tiersim::models::arthur
