// The element-wise math of the layer ops, one value at a time: written once, for the CPU ops
// here and for CUDA kernels (DENSEFIT_HD marks them callable from device code).
#pragma once
#include <cmath>

#if defined(__CUDACC__)
#define DENSEFIT_HD __host__ __device__
#else
#define DENSEFIT_HD
#endif

namespace densefit {

// Keras's relu(x, negative_slope, max_value, threshold) (keras.activations.relu's
// static_call): x above the threshold (else 0), clipped to [0, max_value], less
// negative_slope * (threshold - x) below the threshold.
struct ReluArgs {
  float negative_slope, max_value, threshold;
};

DENSEFIT_HD inline float relu_forward(float x, ReluArgs a) {
  // threshold >= 0 (the op checks), so x above it is never negative: only the top clips.
  float pos = x > a.threshold && x > 0.0f ? x : 0.0f;
  if (pos > a.max_value) pos = a.max_value;
  const float below = a.threshold - x > 0.0f ? a.threshold - x : 0.0f;
  return a.negative_slope != 0.0f ? pos - a.negative_slope * below : pos;
}

// d relu / dx (0 at the kinks, as JAX's relu and where give).
DENSEFIT_HD inline float relu_slope(float x, ReluArgs a) {
  const bool passes = x > a.threshold && x > 0.0f && x < a.max_value;
  return (passes ? 1.0f : 0.0f) + (x < a.threshold ? a.negative_slope : 0.0f);
}

// Keras's PReLU: relu(x) - alpha * relu(-x).
DENSEFIT_HD inline float prelu_forward(float x, float alpha) {
  return (x > 0.0f ? x : 0.0f) - alpha * (x < 0.0f ? -x : 0.0f);
}

DENSEFIT_HD inline float prelu_slope(float x, float alpha) {
  return x > 0.0f ? 1.0f : x < 0.0f ? alpha : 0.0f;
}

}  // namespace densefit
