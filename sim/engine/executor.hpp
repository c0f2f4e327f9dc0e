#pragma once
// Data-parallel loops with results that do not depend on the thread count.
//
// Work is cut into fixed-size blocks (a property of the problem size, never of the number
// of threads); reductions combine per-block partial results in block order. So a sum over
// 10^6 buyers is the same bit pattern at 1, 2 or 64 threads. There are no floating-point
// atomics anywhere in tiersim.
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <vector>

#if defined(__SANITIZE_THREAD__)
#define TIERSIM_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TIERSIM_TSAN 1
#endif
#endif
#ifdef TIERSIM_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace tiersim::engine {

/// Work handed to TBB threads and waited for. ThreadSanitizer cannot see the
/// synchronisation inside libtbb (Debian's is not instrumented) and would report every such
/// hand-over as a data race; these annotations state what TBB guarantees (a task starts
/// after it was handed over, and ends before the wait for it returns). Without
/// -fsanitize=thread they compile to nothing (docs/robustness.md).
class HandOver {
 public:
#ifdef TIERSIM_TSAN
  // Fixed addresses: a task must not read anything of the caller's before begin().
  HandOver() { __tsan_release(&tokens_[0]); }
  void begin() const { __tsan_acquire(&tokens_[0]); }   ///< first thing in the task
  void end() const { __tsan_release(&tokens_[1]); }     ///< last thing in the task
  void joined() const { __tsan_acquire(&tokens_[1]); }  ///< after the wait

 private:
  static inline char tokens_[2] = {};
#else
  void begin() const {}
  void end() const {}
  void joined() const {}
#endif
};

/// Items per block for deterministic loops. Large enough to amortise scheduling, small
/// enough to balance 10^4 agents over a few cores (measured in bench/, docs/performance.md).
inline constexpr std::size_t kBlockSize = 2048;

/// The most threads an Executor takes. TBB itself crashes on arenas of about 10^9 threads
/// and warns above its own limit; no machine tiersim runs on has more cores than this.
inline constexpr int kMaxThreads = 1024;

/// InputError ("--threads N: at most ...") if `threads` is above kMaxThreads.
void check_thread_count(int threads);

class Executor {
 public:
  /// `threads` <= 0 means all available cores. InputError above kMaxThreads.
  explicit Executor(int threads = 0);
  int threads() const { return threads_; }

  /// Run f() inside this executor's thread arena (parallel loops inside it use its threads).
  template <class F>
  auto run(F&& f) const -> decltype(f()) {
    const HandOver handover;
    struct Joined {
      const HandOver& h;
      ~Joined() { h.joined(); }
    } joined{handover};
    return arena_->execute([&]() -> decltype(f()) {
      handover.begin();
      struct End {
        const HandOver& h;
        ~End() { h.end(); }
      } end{handover};
      return f();
    });
  }

  /// f(begin, end) over [0, n) in blocks of kBlockSize (or `block` if given).
  template <class F>
  void for_blocks(std::size_t n, F&& f, std::size_t block = kBlockSize) const {
    const std::size_t blocks = (n + block - 1) / block;
    if (threads_ == 1 || blocks <= 1) {
      for (std::size_t b = 0; b < blocks; ++b) f(b * block, std::min(n, (b + 1) * block));
      return;
    }
    const HandOver handover;
    auto body = [&](const tbb::blocked_range<std::size_t>& r) {
      handover.begin();
      for (std::size_t b = r.begin(); b != r.end(); ++b) f(b * block, std::min(n, (b + 1) * block));
      handover.end();
    };
    arena_->execute([&] { tbb::parallel_for(tbb::blocked_range<std::size_t>(0, blocks, 1), body); });
    handover.joined();
  }

  /// Deterministic reduction: partial(begin, end) -> T per block, then combined in block
  /// order with combine(T&, const T&). T must be default-constructible as the identity.
  template <class T, class Partial, class Combine>
  T reduce(std::size_t n, Partial&& partial, Combine&& combine, std::size_t block = kBlockSize) const {
    const std::size_t blocks = (n + block - 1) / block;
    std::vector<T> parts(blocks);
    for_blocks(
        n, [&](std::size_t b, std::size_t e) { parts[b / block] = partial(b, e); }, block);
    T total{};
    for (const auto& p : parts) combine(total, p);
    return total;
  }

  /// Deterministic sum of f(i) over [0, n).
  template <class F>
  double sum(std::size_t n, F&& f) const {
    return reduce<double>(
        n,
        [&](std::size_t b, std::size_t e) {
          double s = 0.0;
          for (std::size_t i = b; i < e; ++i) s += f(i);
          return s;
        },
        [](double& a, double b) { a += b; });
  }

 private:
  int threads_;
  /// More threads than cores were asked for: TBB's worker limit is raised to match (it would
  /// otherwise print a warning and ignore the request).
  std::unique_ptr<tbb::global_control> limit_;
  std::unique_ptr<tbb::task_arena> arena_;
};

}  // namespace tiersim::engine
