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

}  // namespace densefit
