// Keras's LayerNormalization over the last axis: out = (x - mean) * rsqrt(var + epsilon) *
// gamma + beta per row, with gamma (scale=True) and beta (center=True) of one value per
// feature. Statistics are accumulated in double, then applied in Keras's float32 form
// (x * inv + res); a training forward keeps each row's mean and rsqrt for backward.
#include <cmath>
#include <stdexcept>

#include "ops/layer_op.h"

namespace densefit {
namespace {

class LayerNormalizationOp final : public LayerOp {
 public:
  const char* name() const override { return "LayerNormalization"; }
  const char* kind() const override { return "layer_normalization"; }
  LayerSpec::Kind spec_kind() const override { return LayerSpec::Kind::LayerNormalization; }

  std::vector<double> attributes(const LayerSpec& s) const override {
    return {s.epsilon, double(s.center), double(s.scale)};
  }
  void set_attributes(LayerSpec& s, const std::vector<double>& v) const override {
    expect_attributes(v, 3);
    s.kind = spec_kind();
    s.epsilon = float(v[0]);
    s.center = v[1] != 0.0;
    s.scale = v[2] != 0.0;
  }

  std::vector<int64_t> parameter_sizes(const LayerSpec& s, int64_t in_dim) const override {
    if (!(s.epsilon > 0.0f)) throw std::invalid_argument("LayerNormalization epsilon must be positive");
    std::vector<int64_t> sizes;
    if (s.scale) sizes.push_back(in_dim);   // gamma
    if (s.center) sizes.push_back(in_dim);  // beta
    return sizes;
  }

  int64_t saved_floats(const LayerSpec&, int64_t, int64_t rows) const override {
    return 2 * rows;  // per row: mean, rsqrt(var + eps)
  }

  void forward(const LayerSpec& s, const OpForward& a) const override {
    const float* gamma = s.scale ? a.params[0] : nullptr;
    const float* beta = s.center ? a.params[s.scale ? 1 : 0] : nullptr;
    const int64_t n = a.in_dim;
    for (int64_t r = 0; r < a.rows; ++r) {
      const float* x = a.in + r * n;
      float* y = a.out + r * n;
      double sum = 0.0;
      for (int64_t j = 0; j < n; ++j) sum += x[j];
      const float mean = float(sum / double(n));
      double squares = 0.0;
      for (int64_t j = 0; j < n; ++j) {
        const double d = double(x[j]) - double(mean);
        squares += d * d;
      }
      const float variance = float(squares / double(n));
      const float rstd = 1.0f / std::sqrt(variance + s.epsilon);
      for (int64_t j = 0; j < n; ++j) {
        const float inv = gamma ? rstd * gamma[j] : rstd;
        const float res = -mean * inv + (beta ? beta[j] : 0.0f);
        y[j] = x[j] * inv + res;
      }
      if (a.saved) {
        a.saved[2 * r] = mean;
        a.saved[2 * r + 1] = rstd;
      }
    }
  }

  void backward(const LayerSpec& s, const OpBackward& a) const override {
    const float* gamma = s.scale ? a.params[0] : nullptr;
    float* d_gamma = a.grads && s.scale ? a.grads[0] : nullptr;
    float* d_beta = a.grads && s.center ? a.grads[s.scale ? 1 : 0] : nullptr;
    const int64_t n = a.in_dim;
    if (d_gamma) std::fill(d_gamma, d_gamma + n, 0.0f);
    if (d_beta) std::fill(d_beta, d_beta + n, 0.0f);
    for (int64_t r = 0; r < a.rows; ++r) {
      const float* x = a.in + r * n;
      const float* dy = a.d_out + r * n;
      const float mean = a.saved[2 * r], rstd = a.saved[2 * r + 1];
      double sum_dxhat = 0.0, sum_dxhat_xhat = 0.0;
      for (int64_t j = 0; j < n; ++j) {
        const float xhat = (x[j] - mean) * rstd;
        const float dxhat = gamma ? dy[j] * gamma[j] : dy[j];
        sum_dxhat += dxhat;
        sum_dxhat_xhat += double(dxhat) * xhat;
        if (d_gamma) d_gamma[j] += dy[j] * xhat;
        if (d_beta) d_beta[j] += dy[j];
      }
      if (!a.d_in) continue;
      const float mean_dxhat = float(sum_dxhat / double(n));
      const float mean_dxhat_xhat = float(sum_dxhat_xhat / double(n));
      float* dx = a.d_in + r * n;
      for (int64_t j = 0; j < n; ++j) {
        const float xhat = (x[j] - mean) * rstd;
        const float dxhat = gamma ? dy[j] * gamma[j] : dy[j];
        dx[j] = rstd * (dxhat - mean_dxhat - xhat * mean_dxhat_xhat);
      }
    }
  }
};

}  // namespace

const LayerOp& layer_normalization_op() {
  static const LayerNormalizationOp op;
  return op;
}

}  // namespace densefit
