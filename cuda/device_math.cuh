// Element math shared by the CUDA kernels: Keras 3's activation formulas written the way the
// CPU backend writes them (cpp/src/activations.cpp) -- same branches, same cancellation-free
// forms -- with CUDA's accurate libm (no --use_fast_math) in place of the CPU's polynomials,
// so results agree to float32 rounding.
#pragma once
#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

#include "densefit/activations.h"

namespace densefit {
namespace cuda {

constexpr float kLeakyReluDefaultSlope = 0.2f;
constexpr float kEluDefaultAlpha = 1.0f;
constexpr float kSeluAlpha = 1.6732632423543772848170429916717f;
constexpr float kSeluScale = 1.0507009873554804934193349852946f;
constexpr float kSqrtHalf = 0.70710678118654752440f;
constexpr float kInvSqrt2Pi = 0.39894228040143267794f;
constexpr float kSqrt2OverPi = 0.79788456080286535588f;
constexpr float kGeluCubic = 0.044715f;

__device__ __forceinline__ float d_sigmoid(float x) {
  const float e = expf(-fabsf(x));
  const float r = 1.0f / (1.0f + e);
  return x >= 0.0f ? r : e * r;
}
__device__ __forceinline__ float d_softplus(float x) {
  return (x > 0.0f ? x : 0.0f) + log1pf(expf(-fabsf(x)));
}
__device__ __forceinline__ float d_tanh_softplus(float x) {
  const float n = expf(x);
  const float q = n * (n + 2.0f);
  return x > 20.0f ? 1.0f : q / (q + 2.0f);
}
__device__ __forceinline__ float d_hard_sigmoid(float x) {
  float w = x + 3.0f;
  w = w < 0.0f ? 0.0f : w;
  w = w > 6.0f ? 6.0f : w;
  return w / 6.0f;
}
__device__ __forceinline__ float d_hard_sigmoid_grad(float x) {
  const float w = x + 3.0f;
  return (w > 0.0f && w < 6.0f) ? 1.0f / 6.0f : 0.0f;
}
__device__ __forceinline__ float param_or(float alpha, float keras_default) {
  return isnan(alpha) ? keras_default : alpha;
}

// True for the activations computed one element at a time (everything but the row-wise
// softmax and log_softmax), which the GEMM epilogue can fuse.
__host__ __device__ inline bool is_elementwise(Activation f) {
  return f != Activation::Softmax && f != Activation::LogSoftmax;
}

// f(x) for an element-wise activation (Linear: x).
__device__ __forceinline__ float act_forward(Activation f, float alpha, float x) {
  switch (f) {
    case Activation::Relu: return x < 0.0f ? 0.0f : x;  // NaN passes through
    case Activation::Sigmoid: return d_sigmoid(x);
    case Activation::Tanh: return tanhf(x);
    case Activation::Gelu: return 0.5f * x * erfcf(-x * kSqrtHalf);
    case Activation::GeluTanh: {
      const float u = kSqrt2OverPi * (x + kGeluCubic * x * x * x);
      return x * d_sigmoid(2.0f * u);
    }
    case Activation::Elu: {
      const float al = param_or(alpha, kEluDefaultAlpha);
      return x > 0.0f ? x : al * expm1f(x);
    }
    case Activation::Selu: return kSeluScale * (x > 0.0f ? x : kSeluAlpha * expm1f(x));
    case Activation::Softplus: return d_softplus(x);
    case Activation::Softsign: return x / (fabsf(x) + 1.0f);
    case Activation::Silu: return x * d_sigmoid(x);
    case Activation::LeakyRelu: {
      const float s = param_or(alpha, kLeakyReluDefaultSlope);
      return x >= 0.0f ? x : s * x;
    }
    case Activation::Relu6: {
      const float y = x < 0.0f ? 0.0f : x;
      return y > 6.0f ? 6.0f : y;
    }
    case Activation::HardSigmoid: return d_hard_sigmoid(x);
    case Activation::HardSilu: return x * d_hard_sigmoid(x);
    case Activation::Exponential: return expf(x);
    case Activation::Mish: return x * d_tanh_softplus(x);
    default: return x;
  }
}

// g * f'(x) given x and y = f(x), with the CPU backend's conventions at the kinks.
__device__ __forceinline__ float act_backward(Activation f, float alpha, float x, float y,
                                              float g) {
  switch (f) {
    case Activation::Relu: return y > 0.0f ? g : 0.0f;
    case Activation::Sigmoid: return g * (y * (1.0f - y));
    case Activation::Tanh: return g * (1.0f - y * y);
    case Activation::Gelu: {
      const float cdf = 0.5f * erfcf(-x * kSqrtHalf);
      const float pdf = kInvSqrt2Pi * expf(-0.5f * x * x);
      return g * (cdf + x * pdf);
    }
    case Activation::GeluTanh: {
      const float x2 = x * x;
      const float u = kSqrt2OverPi * (x + kGeluCubic * x2 * x);
      const float du = kSqrt2OverPi * (1.0f + 3.0f * kGeluCubic * x2);
      const float s = d_sigmoid(2.0f * u);
      return g * (s + x * s * (1.0f - s) * 2.0f * du);
    }
    case Activation::Elu: {
      const float al = param_or(alpha, kEluDefaultAlpha);
      return x > 0.0f ? g : g * (y + al);
    }
    case Activation::Selu:
      return x > 0.0f ? g * kSeluScale : g * (y + kSeluScale * kSeluAlpha);
    case Activation::Softplus: return g * d_sigmoid(x);
    case Activation::Softsign: {
      const float d = 1.0f + fabsf(x);
      return g / (d * d);
    }
    case Activation::Silu: {
      const float s = d_sigmoid(x);
      return g * (s * (1.0f + x * (1.0f - s)));
    }
    case Activation::LeakyRelu: {
      const float s = param_or(alpha, kLeakyReluDefaultSlope);
      return x >= 0.0f ? g : g * s;
    }
    case Activation::Relu6: return (x > 0.0f && x < 6.0f) ? g : 0.0f;
    case Activation::HardSigmoid: return g * d_hard_sigmoid_grad(x);
    case Activation::HardSilu: return g * (d_hard_sigmoid(x) + x * d_hard_sigmoid_grad(x));
    case Activation::Exponential: return g * y;
    case Activation::Mish: {
      const float t = d_tanh_softplus(x);
      return g * (t + x * (1.0f - t * t) * d_sigmoid(x));
    }
    default: return g;
  }
}

// Fixed-order block reduction of doubles (blockDim.x a power of two <= 1024).
__device__ inline double block_sum(double v, double* shared) {
  shared[threadIdx.x] = v;
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) shared[threadIdx.x] += shared[threadIdx.x + s];
    __syncthreads();
  }
  const double out = shared[0];
  __syncthreads();
  return out;
}

}  // namespace cuda
}  // namespace densefit
