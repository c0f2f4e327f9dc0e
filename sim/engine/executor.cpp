#include "sim/engine/executor.hpp"

#include <tbb/info.h>

namespace tiersim::engine {

Executor::Executor(int threads)
    : threads_(threads > 0 ? threads : tbb::info::default_concurrency()),
      arena_(std::make_unique<tbb::task_arena>(threads_)) {}

}  // namespace tiersim::engine
