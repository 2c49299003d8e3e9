// Random fills for Keras's initializers. The Python shell turns an initializer's config
// (glorot_uniform, he_normal, VarianceScaling, ...) into one of these with its bounds.
#pragma once
#include <cstdint>

namespace densefit {

void fill_uniform(float* out, int64_t n, float minval, float maxval, uint64_t seed,
                  uint64_t stream);
void fill_normal(float* out, int64_t n, float mean, float stddev, uint64_t seed,
                 uint64_t stream);
// Normal values redrawn until within two standard deviations, as Keras's TruncatedNormal.
void fill_truncated_normal(float* out, int64_t n, float mean, float stddev, uint64_t seed,
                           uint64_t stream);

}  // namespace densefit
