// Stopping a long native run between batches when someone asks (Ctrl-C in Python).
//
// The core keeps one process-wide counter, the interrupt generation. request_interrupt()
// bumps it; it is async-signal-safe, so a signal handler may call it. A caller that wants a
// run to be interruptible makes an InterruptWatch before the run and hands the run a pointer
// to it; the run compares the generation with the watch's between batches (one relaxed load)
// and, when it moved, stops at that boundary and throws Interrupted with how far it got. The
// object it ran on is then exactly as if it had been asked for that many batches (or rows):
// calling again from there gives the results of one uninterrupted run. A run handed no watch
// is never interrupted, so C++ programs that never ask see no change.
#pragma once
#include <atomic>
#include <cstdint>
#include <stdexcept>

namespace densefit {

namespace detail {
extern std::atomic<uint64_t> interrupt_generation;
}

// Bumps the interrupt generation: every run watching since before now stops at its next
// batch (or row chunk) boundary. Async-signal-safe.
inline void request_interrupt() noexcept {
  detail::interrupt_generation.fetch_add(1, std::memory_order_relaxed);
}

// The generation when it was made; requested() once it has moved since.
class InterruptWatch {
 public:
  InterruptWatch() noexcept : since_(detail::interrupt_generation.load(std::memory_order_relaxed)) {}
  bool requested() const noexcept {
    return detail::interrupt_generation.load(std::memory_order_relaxed) != since_;
  }

 private:
  uint64_t since_;
};

// Thrown by a watched run that stopped early. done(): the batches (train / evaluate runs) or
// rows (predict runs) it completed, all of whose effects are in place; none of the rest began.
class Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(int64_t done) : std::runtime_error("interrupted"), done_(done) {}
  int64_t done() const noexcept { return done_; }

 private:
  int64_t done_;
};

// Throws Interrupted(done) if `watch` (may be null: never) saw a request.
inline void check_interrupt(const InterruptWatch* watch, int64_t done) {
  if (watch && watch->requested()) throw Interrupted(done);
}

}  // namespace densefit
