// A deliberate data race inside Executor::for_blocks, built only with ThreadSanitizer
// (tests/CMakeLists.txt, test `parallel_tsan_canary`, expected to FAIL). It shows that the
// suppressions (tests/robustness/tsan.supp) and the TBB hand-over annotations
// (engine::HandOver) leave races in project code visible: if this test starts to pass,
// the TSan run has gone blind.
#include <cstdio>

#include "sim/engine/executor.hpp"

int main() {
  const tiersim::engine::Executor exec(2);
  long shared = 0;  // written by every block, unsynchronised
  for (int repeat = 0; repeat < 50; ++repeat) {
    exec.for_blocks(
        1 << 16, [&](std::size_t b, std::size_t e) { shared += static_cast<long>(e - b); }, 256);
  }
  std::printf("%ld\n", shared);
  return 0;
}
