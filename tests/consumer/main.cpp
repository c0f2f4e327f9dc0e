// Runs one config with tiersim's libraries, as another program would: load and validate the
// config, run the model, print each recorded variable's last value ("name value").
#include <cstdio>
#include <exception>

#include "models/register.hpp"
#include "sim/core/error.hpp"
#include "sim/engine/simulation.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: run_model CONFIG\n");
    return 2;
  }
  try {
    const auto catalog = tiersim::models::catalog();
    const auto cfg = tiersim::engine::load_run_config(argv[1], {}, catalog);
    const tiersim::engine::Executor executor(1);
    tiersim::engine::Simulation sim(cfg, 0, executor);
    const auto data = sim.run();
    const auto& vars = sim.layout().vars;
    std::printf("model %s months %d\n", cfg.run.model.c_str(), cfg.run.calendar.months);
    for (std::size_t i = 0; i < vars.size(); ++i) {
      std::printf("%s %.17g\n", vars[i].name.c_str(), data.vars[i].back());
    }
  } catch (const tiersim::InputError& e) {
    std::fprintf(stderr, "run_model: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "run_model: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
