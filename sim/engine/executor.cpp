#include "sim/engine/executor.hpp"

#include <tbb/info.h>

#include <string>

#include "sim/core/error.hpp"

namespace tiersim::engine {

namespace {

int checked_threads(int threads) {
  check_thread_count(threads);
  return threads > 0 ? threads : tbb::info::default_concurrency();
}

}  // namespace

void check_thread_count(int threads) {
  if (threads > kMaxThreads) {
    throw InputError("--threads " + std::to_string(threads) + ": at most " + std::to_string(kMaxThreads) +
                     " threads (0 = all cores, " + std::to_string(tbb::info::default_concurrency()) + " here)");
  }
}

Executor::Executor(int threads)
    : threads_(checked_threads(threads)),
      limit_(threads_ > tbb::info::default_concurrency()
                 ? std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                         static_cast<std::size_t>(threads_))
                 : nullptr),
      arena_(std::make_unique<tbb::task_arena>(threads_)) {}

}  // namespace tiersim::engine
