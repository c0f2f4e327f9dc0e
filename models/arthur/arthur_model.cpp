#include "models/arthur/arthur_model.hpp"

#include <cmath>
#include <string>

namespace tiersim::models::arthur {
namespace {
constexpr std::uint32_t kTypePurpose = rng::purpose_id("arthur.type");
/// Markets per parallel block: markets are independent, so any block size gives the same
/// numbers; small blocks spread a few hundred markets over the cores.
constexpr std::size_t kMarketBlock = 64;

/// Sign of the returns to the installed base: +1, 0, -1.
double returns_sign(Returns r) {
  switch (r) {
    case Returns::increasing: return 1.0;
    case Returns::constant: return 0.0;
    case Returns::diminishing: return -1.0;
  }
  return 0.0;
}

/// > 0: payoff(A) > payoff(B); < 0: B better; 0: tie (within rounding).
int compare_payoffs(double a, double b, double slope, std::int64_t d) {
  const double kd = slope * static_cast<double>(d);
  const double diff = (a - b) + kd;
  const double tol = 1e-12 * (std::fabs(a - b) + std::fabs(kd));
  if (diff > tol) return 1;
  if (diff < -tol) return -1;
  return 0;
}
}  // namespace

Tech choose(const ArthurParams& p, AdopterType t, std::int64_t d) {
  const double sign = returns_sign(p.returns);
  if (t == AdopterType::R) {
    return compare_payoffs(p.a_R, p.b_R, sign * p.r, d) >= 0 ? Tech::A : Tech::B;  // tie: A
  }
  return compare_payoffs(p.a_S, p.b_S, sign * p.s, d) > 0 ? Tech::A : Tech::B;  // tie: B
}

bool locked_in(const ArthurParams& p, std::int64_t d) {
  // With increasing returns each type's preference for A is monotone in d, so once both
  // types agree, every adoption moves d further the same way and they agree forever.
  return p.returns == Returns::increasing && choose(p, AdopterType::R, d) == choose(p, AdopterType::S, d);
}

ArthurModel::ArthurModel(const ArthurParams& params, const engine::ModelContext& ctx)
    : params_(params),
      executor_(ctx.executor),
      type_stream_(ctx.seed, ctx.run_index, kTypePurpose),
      n_a_(static_cast<std::size_t>(params.markets), 0),
      n_b_(static_cast<std::size_t>(params.markets), 0) {}

void ArthurModel::arrive(const engine::StepContext& s) {
  const auto arrivals = static_cast<std::uint64_t>(params_.arrivals_per_step);
  executor_.for_blocks(
      n_a_.size(),
      [&](std::size_t b, std::size_t e) {
        for (std::size_t m = b; m < e; ++m) {
          // Draw k of (market m, month s.step) types the k-th arrival of the month.
          auto draws = type_stream_.cursor(m, static_cast<std::uint64_t>(s.step));
          std::int64_t na = n_a_[m], nb = n_b_[m];
          for (std::uint64_t k = 0; k < arrivals; ++k) {
            const AdopterType t = draws.uniform() < params_.p_r ? AdopterType::R : AdopterType::S;
            if (choose(params_, t, na - nb) == Tech::A) {
              ++na;
            } else {
              ++nb;
            }
          }
          n_a_[m] = na;
          n_b_[m] = nb;
        }
      },
      kMarketBlock);
}

void ArthurModel::declare(engine::Registry& reg) {
  std::vector<std::string> labels;
  for (int m = 0; m < params_.markets; ++m) labels.push_back("m" + std::to_string(m + 1));
  reg.add_dimension({"market", labels, "independent market"});
  auto per_market = [this](auto f) {
    return [this, f](std::span<double> out) {
      for (std::size_t m = 0; m < n_a_.size(); ++m) out[m] = f(n_a_[m], n_b_[m]);
    };
  };
  reg.add_observable({"n_A",
                      "adopters",
                      "adopters of technology A",
                      {"market"},
                      engine::Reduce::sum,
                      "",
                      "",
                      per_market([](std::int64_t a, std::int64_t) { return static_cast<double>(a); })});
  reg.add_observable({"n_B",
                      "adopters",
                      "adopters of technology B",
                      {"market"},
                      engine::Reduce::sum,
                      "",
                      "",
                      per_market([](std::int64_t, std::int64_t b) { return static_cast<double>(b); })});
  reg.add_observable({"adopters",
                      "adopters",
                      "adopters of either technology",
                      {"market"},
                      engine::Reduce::sum,
                      "",
                      "",
                      per_market([](std::int64_t a, std::int64_t b) { return static_cast<double>(a + b); })});
  reg.add_observable({"d",
                      "adopters",
                      "lead of A over B, n_A - n_B",
                      {"market"},
                      engine::Reduce::sum,
                      "",
                      "",
                      per_market([](std::int64_t a, std::int64_t b) { return static_cast<double>(a - b); })});
  reg.add_observable(
      {"share_A", "1", "share of adopters that chose A", {"market"}, engine::Reduce::ratio, "n_A", "adopters", {}});
  reg.add_observable(
      {"locked",
       "1",
       "1 if the market is locked in (beyond a barrier, increasing returns)",
       {"market"},
       engine::Reduce::mean,
       "",
       "",
       per_market([this](std::int64_t a, std::int64_t b) { return locked_in(params_, a - b) ? 1.0 : 0.0; })});

  auto share_of_markets = [this](auto pred) {
    return [this, pred] {
      double k = 0;
      for (std::size_t m = 0; m < n_a_.size(); ++m) k += pred(n_a_[m] - n_b_[m]) ? 1.0 : 0.0;
      return k / static_cast<double>(n_a_.size());
    };
  };
  reg.add_summary({"locked_share", "1", "share of markets locked in after the last month",
                   share_of_markets([this](std::int64_t d) { return locked_in(params_, d); })});
  reg.add_summary({"locked_to_A_share", "1", "share of markets locked in to A after the last month",
                   share_of_markets([this](std::int64_t d) {
                     return locked_in(params_, d) && choose(params_, AdopterType::R, d) == Tech::A;
                   })});
  reg.add_summary({"mean_abs_d", "adopters", "mean over markets of |n_A - n_B| after the last month", [this] {
                     double t = 0;
                     for (std::size_t m = 0; m < n_a_.size(); ++m)
                       t += std::fabs(static_cast<double>(n_a_[m] - n_b_[m]));
                     return t / static_cast<double>(n_a_.size());
                   }});
  reg.schedule().declare_stages({"arrivals"});
  reg.schedule().add("arrivals", "arrive and choose", [this](const engine::StepContext& s) { arrive(s); });
}

engine::ModelType model_type() {
  return engine::make_model_type<ArthurParams, ArthurModel>(
      "arthur", "Arthur (1989) competing technologies under increasing returns: docks the engine to lock-in theory");
}

}  // namespace tiersim::models::arthur
