// Keras's UnitNormalization over the last axis: ops.normalize(x, order=2, epsilon=1e-12),
// i.e. x * min(rsqrt(sum(x^2)), 1 / epsilon) per row. A training forward keeps each row's
// factor for backward.
#include <cmath>

#include "ops/layer_op.h"

namespace densefit {
namespace {

constexpr float kEpsilon = 1e-12f;  // Keras's UnitNormalization passes this to normalize

class UnitNormalizationOp final : public LayerOp {
 public:
  const char* name() const override { return "UnitNormalization"; }
  const char* kind() const override { return "unit_normalization"; }
  LayerSpec::Kind spec_kind() const override { return LayerSpec::Kind::UnitNormalization; }

  std::vector<int64_t> parameter_sizes(const LayerSpec&, int64_t) const override { return {}; }
  int64_t saved_floats(const LayerSpec&, int64_t, int64_t rows) const override { return rows; }

  void forward(const LayerSpec&, const OpForward& a) const override {
    const int64_t n = a.in_dim;
    for (int64_t r = 0; r < a.rows; ++r) {
      const float* x = a.in + r * n;
      float sum = 0.0f;
      for (int64_t j = 0; j < n; ++j) sum += x[j] * x[j];
      float inv = 1.0f / std::sqrt(sum);
      if (!(inv < 1.0f / kEpsilon)) inv = 1.0f / kEpsilon;  // also a zero row's inf
      for (int64_t j = 0; j < n; ++j) a.out[r * n + j] = x[j] * inv;
      if (a.saved) a.saved[r] = inv;
    }
  }

  void backward(const LayerSpec&, const OpBackward& a) const override {
    if (!a.d_in) return;
    const int64_t n = a.in_dim;
    for (int64_t r = 0; r < a.rows; ++r) {
      const float* y = a.out + r * n;
      const float* dy = a.d_out + r * n;
      float* dx = a.d_in + r * n;
      const float inv = a.saved[r];
      if (inv == 1.0f / kEpsilon) {  // the clamp was taken: the factor is a constant
        for (int64_t j = 0; j < n; ++j) dx[j] = dy[j] * inv;
        continue;
      }
      // y = x * s^-1/2: dx = inv * (dy - y * sum(dy * y)).
      float dot = 0.0f;
      for (int64_t j = 0; j < n; ++j) dot += dy[j] * y[j];
      for (int64_t j = 0; j < n; ++j) dx[j] = inv * (dy[j] - y[j] * dot);
    }
  }
};

}  // namespace

const LayerOp& unit_normalization_op() {
  static const UnitNormalizationOp op;
  return op;
}

}  // namespace densefit
