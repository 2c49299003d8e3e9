// The CPU backend's one thread pool: a fixed number of threads (the caller included) that
// run the step's GEMM slices, element-wise loops and the optimizer update. Work smaller than
// a grain runs inline on the caller, so tiny networks never pay for threads.
#pragma once
#include <cstdint>
#include <functional>

namespace densefit {

// Total threads used for a parallel loop, caller included (>= 1). Default: hardware threads.
void set_pool_threads(int n);
int pool_threads();

// Calls fn(begin, end) over [0, n) split in at most pool_threads() contiguous chunks of at
// least `grain` elements. Blocks until every chunk ran. fn must not throw.
void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

// parallel_for for latency-bound callers (a single-sample forward pass, inference.cpp): runs
// fn over the pool only if no other job holds it and its workers are awake (spinning after a
// recent job), and returns true; otherwise runs nothing and returns false, and the caller
// does the work inline: it never waits for another caller's job or for a thread to wake.
// Calls that come back to back wake sleeping workers, so a serving loop gets them from its
// next call on; sporadic calls leave them asleep.
bool try_parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

}  // namespace densefit
