#include "densefit/initializers.h"

#include <cmath>

#include "densefit/rng.h"

namespace densefit {

void fill_uniform(float* out, int64_t n, float minval, float maxval, uint64_t seed,
                  uint64_t stream) {
  Philox(seed, stream).uniform(0, out, n);
  for (int64_t i = 0; i < n; ++i) out[i] = minval + (maxval - minval) * out[i];
}

void fill_normal(float* out, int64_t n, float mean, float stddev, uint64_t seed,
                 uint64_t stream) {
  Philox(seed, stream).normal(0, out, n);
  for (int64_t i = 0; i < n; ++i) out[i] = mean + stddev * out[i];
}

void fill_truncated_normal(float* out, int64_t n, float mean, float stddev, uint64_t seed,
                           uint64_t stream) {
  Philox rng(seed, stream);
  uint64_t position = 0;
  float pair[2];
  for (int64_t i = 0; i < n; ++i) {
    float v;
    do {  // Each rejection consumes a fresh pair position: the result stays a pure function.
      rng.normal(position++, pair, 1);
      v = pair[0];
    } while (std::fabs(v) > 2.0f);
    out[i] = mean + stddev * v;
  }
}

}  // namespace densefit
