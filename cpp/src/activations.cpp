// Activation functions with Keras 3's formulas (keras/src/activations/activations.py and the
// JAX backend, jax.nn), including its behaviour at the kinks: relu, relu6 and hard_sigmoid
// have gradient 0 at their corners, leaky_relu has gradient 1 at 0, elu/selu take the
// negative branch at 0.
//
// Speed: these loops run inside every training step, so the element-wise ones are written
// to be auto-vectorized under -O3 -march=native -fno-math-errno. glibc's vector libm is only
// used by GCC under -ffast-math, which we do not build with, so std::exp in a loop stays
// scalar. exp, expm1, log1p, tanh and erfc are therefore computed here with branch-free
// Cephes-style polynomials (within a few ulp of float32 libm) that the compiler vectorizes.
// Only the once-per-row log of log_softmax calls libm.
#include "densefit/activations.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

namespace densefit {
namespace {

// ---- names ---------------------------------------------------------------------------------

struct NamedActivation {
  const char* name;
  Activation fn;
};

// The first entry for each enum value is its canonical name (what activation_name returns);
// later ones are Keras aliases ("swish", "hard_swish").
constexpr NamedActivation kNames[] = {
    {"linear", Activation::Linear},
    {"relu", Activation::Relu},
    {"sigmoid", Activation::Sigmoid},
    {"tanh", Activation::Tanh},
    {"softmax", Activation::Softmax},
    {"log_softmax", Activation::LogSoftmax},
    {"gelu", Activation::Gelu},
    {"gelu_tanh", Activation::GeluTanh},
    {"elu", Activation::Elu},
    {"selu", Activation::Selu},
    {"softplus", Activation::Softplus},
    {"softsign", Activation::Softsign},
    {"silu", Activation::Silu},
    {"leaky_relu", Activation::LeakyRelu},
    {"relu6", Activation::Relu6},
    {"hard_sigmoid", Activation::HardSigmoid},
    {"hard_silu", Activation::HardSilu},
    {"exponential", Activation::Exponential},
    {"mish", Activation::Mish},
    {"swish", Activation::Silu},
    {"hard_swish", Activation::HardSilu},
};

// ---- constants -----------------------------------------------------------------------------

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kLeakyReluDefaultSlope = 0.2f;  // keras.activations.leaky_relu (jax's is 0.01)
constexpr float kEluDefaultAlpha = 1.0f;
constexpr float kSeluAlpha = 1.6732632423543772848170429916717f;  // jax.nn.selu
constexpr float kSeluScale = 1.0507009873554804934193349852946f;
constexpr float kSqrtHalf = 0.70710678118654752440f;
constexpr float kInvSqrt2Pi = 0.39894228040143267794f;  // 1 / sqrt(2 pi)
constexpr float kSqrt2OverPi = 0.79788456080286535588f;
constexpr float kGeluCubic = 0.044715f;

// ---- vectorizable float math ---------------------------------------------------------------

inline uint32_t bits_of(float x) {
  uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

inline float float_of(uint32_t u) {
  float x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

// cond ? if_true : if_false, as a bitwise blend. A float ?: becomes a branch, and under the
// default -ftrapping-math GCC will not if-convert a branch whose result feeds further float
// arithmetic, so the loop would stay scalar. Both arguments are always evaluated.
inline float pick(bool cond, float if_true, float if_false) {
  const uint32_t mask = 0u - static_cast<uint32_t>(cond);
  return float_of((bits_of(if_true) & mask) | (bits_of(if_false) & ~mask));
}

// exp(x), max error ~1 ulp. Overflows to inf above ln(FLT_MAX), underflows gradually through
// the subnormals to 0, and propagates NaN (every clamp is written so that NaN falls through).
inline float exp_f(float x) {
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kLn2Hi = 0.693359375f;  // ln 2 = kLn2Hi + kLn2Lo, kLn2Hi exact in 9 bits
  constexpr float kLn2Lo = -2.12194440e-4f;
  constexpr float kRound = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  constexpr float kOverflow = 88.72283935546875f;  // ln(FLT_MAX)
  float xc = pick(x > 88.8f, 88.8f, x);
  xc = pick(xc < -104.0f, -104.0f, xc);  // exp(-104) < FLT_TRUE_MIN / 2
  const float t = xc * kLog2e + kRound;
  const float n = t - kRound;
  // n as an integer without a float->int conversion (no UB for NaN): it sits in t's mantissa.
  const int32_t ni = static_cast<int32_t>(bits_of(t) - bits_of(kRound));
  float r = xc - n * kLn2Hi;
  r = r - n * kLn2Lo;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.0f;
  // 2^n in two factors so that n = 128 (just below overflow) and n < -126 (subnormal
  // results) are both representable.
  const int32_t n1 = ni >> 1;
  const int32_t n2 = ni - n1;
  const float s1 = float_of(static_cast<uint32_t>(n1 + 127) << 23);
  const float s2 = float_of(static_cast<uint32_t>(n2 + 127) << 23);
  const float y = p * s1 * s2;
  return pick(x > kOverflow, kInf, y);
}

// exp(x) - 1 without cancellation near 0 (Taylor series below |x| = 0.5, where the
// truncation error is < 1e-8 relative).
inline float expm1_f(float x) {
  float p = 1.0f / 362880.0f;
  p = p * x + 1.0f / 40320.0f;
  p = p * x + 1.0f / 5040.0f;
  p = p * x + 1.0f / 720.0f;
  p = p * x + 1.0f / 120.0f;
  p = p * x + 1.0f / 24.0f;
  p = p * x + 1.0f / 6.0f;
  p = p * x + 0.5f;
  p = p * x + 1.0f;
  const float small = p * x;
  const float large = exp_f(x) - 1.0f;
  return pick(std::fabs(x) < 0.5f, small, large);
}

// log(1 + u) for u in [0, 1]: 2 atanh(s) with s = u / (2 + u) <= 1/3, whose odd series
// converges to float precision in 8 terms. No range reduction needed on this interval.
inline float log1p_unit_f(float u) {
  const float s = u / (2.0f + u);
  const float s2 = s * s;
  float p = 1.0f / 15.0f;
  p = p * s2 + 1.0f / 13.0f;
  p = p * s2 + 1.0f / 11.0f;
  p = p * s2 + 1.0f / 9.0f;
  p = p * s2 + 1.0f / 7.0f;
  p = p * s2 + 1.0f / 5.0f;
  p = p * s2 + 1.0f / 3.0f;
  p = p * s2 + 1.0f;
  return 2.0f * s * p;
}

// From e = exp(-|x|) <= 1, so nothing overflows and the negative side keeps full relative
// precision down into the subnormals.
inline float sigmoid_f(float x) {
  const float e = exp_f(-std::fabs(x));
  const float r = 1.0f / (1.0f + e);
  return pick(x >= 0.0f, r, e * r);
}

// Cephes tanhf: odd polynomial below 0.625 (where 1 - 2/(e^2x + 1) would cancel), the
// exponential form above.
inline float tanh_f(float x) {
  const float ax = std::fabs(x);
  const float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = p * z * x + x;
  const float e = exp_f(2.0f * ax);
  const float big = 1.0f - 2.0f / (e + 1.0f);
  const float large = pick(x < 0.0f, -big, big);
  return pick(ax < 0.625f, small, large);
}

// erfc(x) with relative error < 1.2e-7 over the whole line, tails included: the Chebyshev
// fit erfc(z) = t exp(-z^2 + P(t)), t = 1 / (1 + z/2), z >= 0, from Numerical Recipes
// (2nd ed., section 6.2, erfcc), and erfc(-z) = 2 - erfc(z). Float rounding of z^2 adds
// about z^2 * 2^-24 relative error in the far tail, where the result is tiny anyway.
inline float erfc_f(float x) {
  const float z = std::fabs(x);
  const float t = 1.0f / (1.0f + 0.5f * z);
  float p = 0.17087277f;
  p = p * t - 0.82215223f;
  p = p * t + 1.48851587f;
  p = p * t - 1.13520398f;
  p = p * t + 0.27886807f;
  p = p * t - 0.18628806f;
  p = p * t + 0.09678418f;
  p = p * t + 0.37409196f;
  p = p * t + 1.00002368f;
  p = p * t - 1.26551223f;
  const float r = t * exp_f(p - z * z);
  return pick(x >= 0.0f, r, 2.0f - r);
}

// log(1 + exp(x)) = logaddexp(x, 0), as jax.nn.softplus.
inline float softplus_f(float x) {
  const float pos = pick(x > 0.0f, x, 0.0f);
  return pos + log1p_unit_f(exp_f(-std::fabs(x)));
}

// tanh(softplus(x)) without log or tanh: with n = e^x, tanh(log(1 + n)) = n(n+2)/(n(n+2)+2).
// Above x = 20 the float result is 1 (and n(n+2) would overflow further up).
inline float tanh_softplus_f(float x) {
  const float n = exp_f(x);
  const float q = n * (n + 2.0f);
  const float t = q / (q + 2.0f);
  return pick(x > 20.0f, 1.0f, t);
}

// relu6(x + 3) / 6, computed exactly as jax.nn.hard_sigmoid does.
inline float hard_sigmoid_f(float x) {
  float w = x + 3.0f;
  w = pick(w < 0.0f, 0.0f, w);
  w = pick(w > 6.0f, 6.0f, w);
  return w / 6.0f;
}

inline float hard_sigmoid_grad_f(float x) {
  const float w = x + 3.0f;
  return pick((w > 0.0f) & (w < 6.0f), 1.0f / 6.0f, 0.0f);
}

// ---- loops ---------------------------------------------------------------------------------
// Plain index loops with the element function inlined: the compiler vectorizes them. The
// pointers may alias element-for-element (a == z, dz == da); GCC's runtime overlap check
// accepts equal pointers, so the in-place case is vectorized too.

template <class Fn>
inline void map_forward(const float* z, float* a, int64_t n, Fn fn) {
  for (int64_t i = 0; i < n; ++i) a[i] = fn(z[i]);
}

// dz[i] = fn(z[i], a[i], da[i]); fn returns da * f'(z) (as a select where f' is 0 or 1, so
// that an inf or NaN upstream gradient is dropped where Keras's select drops it).
template <class Fn>
inline void map_backward(const float* z, const float* a, const float* da, float* dz,
                         int64_t n, Fn fn) {
  for (int64_t i = 0; i < n; ++i) dz[i] = fn(z[i], a[i], da[i]);
}

// Row-wise ops: rows are usually short (the class count), so these reductions stay scalar.
// Every row reduction finishes before the row is written, which makes z == a and da == dz
// safe.

void softmax_forward(const float* z, float* a, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* zr = z + r * cols;
    float* ar = a + r * cols;
    float m = -kInf;
    for (int64_t j = 0; j < cols; ++j) m = zr[j] > m ? zr[j] : m;
    float sum = 0.0f;
    for (int64_t j = 0; j < cols; ++j) {
      ar[j] = exp_f(zr[j] - m);
      sum += ar[j];
    }
    const float inv = 1.0f / sum;
    for (int64_t j = 0; j < cols; ++j) ar[j] *= inv;
  }
}

void log_softmax_forward(const float* z, float* a, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* zr = z + r * cols;
    float* ar = a + r * cols;
    float m = -kInf;
    for (int64_t j = 0; j < cols; ++j) m = zr[j] > m ? zr[j] : m;
    float sum = 0.0f;
    for (int64_t j = 0; j < cols; ++j) sum += exp_f(zr[j] - m);
    const float log_sum = std::log(sum);
    for (int64_t j = 0; j < cols; ++j) ar[j] = (zr[j] - m) - log_sum;
  }
}

// dz = a * (da - sum(da * a)) per row.
void softmax_backward(const float* a, const float* da, float* dz, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* ar = a + r * cols;
    const float* dar = da + r * cols;
    float* dzr = dz + r * cols;
    float dot = 0.0f;
    for (int64_t j = 0; j < cols; ++j) dot += dar[j] * ar[j];
    for (int64_t j = 0; j < cols; ++j) dzr[j] = ar[j] * (dar[j] - dot);
  }
}

// dz = da - softmax(z) * sum(da) per row, with softmax(z) = exp(a).
void log_softmax_backward(const float* a, const float* da, float* dz, int64_t rows,
                          int64_t cols) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* ar = a + r * cols;
    const float* dar = da + r * cols;
    float* dzr = dz + r * cols;
    float sum = 0.0f;
    for (int64_t j = 0; j < cols; ++j) sum += dar[j];
    for (int64_t j = 0; j < cols; ++j) dzr[j] = dar[j] - exp_f(ar[j]) * sum;
  }
}

inline float param_or(float alpha, float keras_default) {
  return std::isnan(alpha) ? keras_default : alpha;
}

}  // namespace

// ---- public API ----------------------------------------------------------------------------

Activation activation_from_name(const std::string& name) {
  for (const auto& entry : kNames) {
    if (name == entry.name) return entry.fn;
  }
  std::string msg = "Unknown activation '" + name + "'. Valid names: ";
  bool first = true;
  for (const auto& entry : kNames) {
    if (!first) msg += ", ";
    msg += entry.name;
    first = false;
  }
  throw std::invalid_argument(msg);
}

const char* activation_name(Activation a) {
  for (const auto& entry : kNames) {
    if (entry.fn == a) return entry.name;
  }
  return "unknown";
}

void activation_forward(Activation f, float alpha, const float* z, float* a, int64_t rows,
                        int64_t cols) {
  const int64_t n = rows * cols;
  switch (f) {
    case Activation::Linear:
      if (a != z) std::memmove(a, z, static_cast<size_t>(n) * sizeof(float));
      return;
    case Activation::Relu:
      // Written so that NaN passes through, as jnp.maximum(x, 0) does.
      return map_forward(z, a, n, [](float x) { return pick(x < 0.0f, 0.0f, x); });
    case Activation::Sigmoid:
      return map_forward(z, a, n, sigmoid_f);
    case Activation::Tanh:
      return map_forward(z, a, n, tanh_f);
    case Activation::Softmax:
      return softmax_forward(z, a, rows, cols);
    case Activation::LogSoftmax:
      return log_softmax_forward(z, a, rows, cols);
    case Activation::Gelu:
      // erfc rather than 1 + erf keeps the negative tail accurate (as jax.nn.gelu does).
      return map_forward(z, a, n,
                         [](float x) { return 0.5f * x * erfc_f(-x * kSqrtHalf); });
    case Activation::GeluTanh:
      // 0.5 x (1 + tanh(u)) == x sigmoid(2u): same function, no cancellation for x << 0.
      return map_forward(z, a, n, [](float x) {
        const float u = kSqrt2OverPi * (x + kGeluCubic * x * x * x);
        return x * sigmoid_f(2.0f * u);
      });
    case Activation::Elu: {
      const float al = param_or(alpha, kEluDefaultAlpha);
      return map_forward(z, a, n, [al](float x) {
        const float neg = al * expm1_f(x);
        return pick(x > 0.0f, x, neg);
      });
    }
    case Activation::Selu:
      return map_forward(z, a, n, [](float x) {
        const float neg = kSeluAlpha * expm1_f(x);
        return kSeluScale * pick(x > 0.0f, x, neg);
      });
    case Activation::Softplus:
      return map_forward(z, a, n, softplus_f);
    case Activation::Softsign:
      return map_forward(z, a, n, [](float x) { return x / (std::fabs(x) + 1.0f); });
    case Activation::Silu:
      return map_forward(z, a, n, [](float x) { return x * sigmoid_f(x); });
    case Activation::LeakyRelu: {
      const float slope = param_or(alpha, kLeakyReluDefaultSlope);
      return map_forward(z, a, n, [slope](float x) {
        const float neg = slope * x;
        return pick(x >= 0.0f, x, neg);
      });
    }
    case Activation::Relu6:
      return map_forward(z, a, n, [](float x) {
        const float y = pick(x < 0.0f, 0.0f, x);
        return pick(y > 6.0f, 6.0f, y);
      });
    case Activation::HardSigmoid:
      return map_forward(z, a, n, hard_sigmoid_f);
    case Activation::HardSilu:
      return map_forward(z, a, n, [](float x) { return x * hard_sigmoid_f(x); });
    case Activation::Exponential:
      return map_forward(z, a, n, exp_f);
    case Activation::Mish:
      return map_forward(z, a, n, [](float x) { return x * tanh_softplus_f(x); });
  }
}

void activation_backward(Activation f, float alpha, const float* z, const float* a,
                         const float* da, float* dz, int64_t rows, int64_t cols) {
  const int64_t n = rows * cols;
  switch (f) {
    case Activation::Linear:
      if (dz != da) std::memmove(dz, da, static_cast<size_t>(n) * sizeof(float));
      return;
    case Activation::Relu:
      return map_backward(z, a, da, dz,
                          n, [](float, float y, float g) { return pick(y > 0.0f, g, 0.0f); });
    case Activation::Sigmoid:
      return map_backward(z, a, da, dz, n,
                          [](float, float y, float g) { return g * (y * (1.0f - y)); });
    case Activation::Tanh:
      return map_backward(z, a, da, dz, n,
                          [](float, float y, float g) { return g * (1.0f - y * y); });
    case Activation::Softmax:
      return softmax_backward(a, da, dz, rows, cols);
    case Activation::LogSoftmax:
      return log_softmax_backward(a, da, dz, rows, cols);
    case Activation::Gelu:
      return map_backward(z, a, da, dz, n, [](float x, float, float g) {
        const float cdf = 0.5f * erfc_f(-x * kSqrtHalf);
        const float pdf = kInvSqrt2Pi * exp_f(-0.5f * x * x);
        return g * (cdf + x * pdf);
      });
    case Activation::GeluTanh:
      return map_backward(z, a, da, dz, n, [](float x, float, float g) {
        const float x2 = x * x;
        const float u = kSqrt2OverPi * (x + kGeluCubic * x2 * x);
        const float du = kSqrt2OverPi * (1.0f + 3.0f * kGeluCubic * x2);
        const float s = sigmoid_f(2.0f * u);
        return g * (s + x * s * (1.0f - s) * 2.0f * du);
      });
    case Activation::Elu: {
      // For x <= 0, d/dx alpha (e^x - 1) = alpha e^x = a + alpha.
      const float al = param_or(alpha, kEluDefaultAlpha);
      return map_backward(z, a, da, dz, n, [al](float x, float y, float g) {
        const float neg = g * (y + al);
        return pick(x > 0.0f, g, neg);
      });
    }
    case Activation::Selu:
      return map_backward(z, a, da, dz, n, [](float x, float y, float g) {
        const float pos = g * kSeluScale;
        const float neg = g * (y + kSeluScale * kSeluAlpha);
        return pick(x > 0.0f, pos, neg);
      });
    case Activation::Softplus:
      return map_backward(z, a, da, dz, n,
                          [](float x, float, float g) { return g * sigmoid_f(x); });
    case Activation::Softsign:
      return map_backward(z, a, da, dz, n, [](float x, float, float g) {
        const float d = 1.0f + std::fabs(x);
        return g / (d * d);
      });
    case Activation::Silu:
      return map_backward(z, a, da, dz, n, [](float x, float, float g) {
        const float s = sigmoid_f(x);
        return g * (s * (1.0f + x * (1.0f - s)));
      });
    case Activation::LeakyRelu: {
      const float slope = param_or(alpha, kLeakyReluDefaultSlope);
      return map_backward(z, a, da, dz, n, [slope](float x, float, float g) {
        const float neg = g * slope;
        return pick(x >= 0.0f, g, neg);
      });
    }
    case Activation::Relu6:
      return map_backward(z, a, da, dz, n, [](float x, float, float g) {
        return pick((x > 0.0f) & (x < 6.0f), g, 0.0f);
      });
    case Activation::HardSigmoid:
      return map_backward(z, a, da, dz, n,
                          [](float x, float, float g) { return g * hard_sigmoid_grad_f(x); });
    case Activation::HardSilu:
      return map_backward(z, a, da, dz, n, [](float x, float, float g) {
        return g * (hard_sigmoid_f(x) + x * hard_sigmoid_grad_f(x));
      });
    case Activation::Exponential:
      return map_backward(z, a, da, dz, n, [](float, float y, float g) { return g * y; });
    case Activation::Mish:
      // d/dx x t(x) = t + x (1 - t^2) sigmoid(x), with t = tanh(softplus(x)).
      return map_backward(z, a, da, dz, n, [](float x, float, float g) {
        const float t = tanh_softplus_f(x);
        return g * (t + x * (1.0f - t * t) * sigmoid_f(x));
      });
  }
}

}  // namespace densefit
