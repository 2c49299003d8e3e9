// Keras's BatchNormalization over the last axis: out = (x - mean) * rsqrt(var + epsilon) *
// gamma + beta per feature. A training pass of a trainable layer normalizes by the batch's
// statistics (over every row: samples and time steps) and moves the moving mean and variance
// towards them by `momentum`; otherwise (inference, or a frozen layer in training, as Keras 3
// does) it uses the moving statistics. Parameters, in Keras's order: gamma (scale=True),
// beta (center=True), moving_mean, moving_variance; the last two are state, not trained.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "ops/layer_op.h"

namespace densefit {
namespace {

class BatchNormalizationOp final : public LayerOp {
 public:
  const char* name() const override { return "BatchNormalization"; }
  const char* kind() const override { return "batch_normalization"; }
  LayerSpec::Kind spec_kind() const override { return LayerSpec::Kind::BatchNormalization; }

  std::vector<double> attributes(const LayerSpec& s) const override {
    return {s.epsilon, double(s.center), double(s.scale), s.momentum};
  }
  void set_attributes(LayerSpec& s, const std::vector<double>& v) const override {
    expect_attributes(v, 4);
    s.kind = spec_kind();
    s.epsilon = float(v[0]);
    s.center = v[1] != 0.0;
    s.scale = v[2] != 0.0;
    s.momentum = v[3];
  }

  std::vector<int64_t> parameter_sizes(const LayerSpec& s, int64_t in_dim) const override {
    if (!(s.epsilon > 0.0f)) throw std::invalid_argument("BatchNormalization epsilon must be positive");
    if (!(s.momentum >= 0.0 && s.momentum <= 1.0))
      throw std::invalid_argument("BatchNormalization momentum must be in [0, 1]");
    std::vector<int64_t> sizes(size_t(int(s.scale) + int(s.center)), in_dim);
    sizes.push_back(in_dim);  // moving_mean
    sizes.push_back(in_dim);  // moving_variance
    return sizes;
  }

  size_t trainable_parameters(const LayerSpec& s, int64_t) const override {
    return size_t(int(s.scale) + int(s.center));
  }

  // The batch's mean and rsqrt(var + eps) per feature, for backward.
  int64_t saved_floats(const LayerSpec&, int64_t in_dim, int64_t) const override { return 2 * in_dim; }

  void forward(const LayerSpec& s, const OpForward& a) const override {
    const int64_t n = a.in_dim, affine = int(s.scale) + int(s.center);
    const float* gamma = s.scale ? a.params[0] : nullptr;
    const float* beta = s.center ? a.params[s.scale ? 1 : 0] : nullptr;
    const float* moving_mean = a.params[affine];
    const float* moving_variance = a.params[affine + 1];
    // Per feature: the mean and rsqrt used (the batch's, or the moving ones).
    thread_local std::vector<float> stats;
    stats.resize(size_t(3 * n));
    float* mean = stats.data();
    float* rstd = stats.data() + n;
    if (a.training && s.trainable) {
      float* variance = stats.data() + 2 * n;
      batch_statistics(a.in, a.rows, n, mean, variance);
      for (int64_t j = 0; j < n; ++j) rstd[j] = 1.0f / std::sqrt(variance[j] + s.epsilon);
      if (a.state) {  // moving = moving * momentum + batch * (1 - momentum), float32 as Keras
        const float keep = float(s.momentum), take = float(1.0 - s.momentum);
        for (int64_t j = 0; j < n; ++j) {
          a.state[0][j] = a.state[0][j] * keep + mean[j] * take;
          a.state[1][j] = a.state[1][j] * keep + variance[j] * take;
        }
      }
      if (a.saved) std::copy(mean, mean + 2 * n, a.saved);
    } else {
      for (int64_t j = 0; j < n; ++j) {
        mean[j] = moving_mean[j];
        rstd[j] = 1.0f / std::sqrt(moving_variance[j] + s.epsilon);
      }
    }
    // Keras's batch_normalization: x * inv + res, inv = rstd * gamma, res = beta - mean * inv.
    thread_local std::vector<float> inv_res;
    inv_res.resize(size_t(2 * n));
    float* inv = inv_res.data();
    float* res = inv_res.data() + n;
    for (int64_t j = 0; j < n; ++j) {
      inv[j] = gamma ? rstd[j] * gamma[j] : rstd[j];
      res[j] = -mean[j] * inv[j] + (beta ? beta[j] : 0.0f);
    }
    for (int64_t r = 0; r < a.rows; ++r) {
      const float* x = a.in + r * n;
      float* y = a.out + r * n;
      for (int64_t j = 0; j < n; ++j) y[j] = x[j] * inv[j] + res[j];
    }
  }

  void backward(const LayerSpec& s, const OpBackward& a) const override {
    const int64_t n = a.in_dim, rows = a.rows, affine = int(s.scale) + int(s.center);
    const float* gamma = s.scale ? a.params[0] : nullptr;
    float* d_gamma = a.grads && s.scale ? a.grads[0] : nullptr;
    float* d_beta = a.grads && s.center ? a.grads[s.scale ? 1 : 0] : nullptr;
    if (!s.trainable) {  // frozen: the moving statistics were constants, dX = dY * inv
      if (!a.d_in) return;
      const float* moving_variance = a.params[affine + 1];
      for (int64_t j = 0; j < n; ++j) {
        const float inv = (gamma ? gamma[j] : 1.0f) / std::sqrt(moving_variance[j] + s.epsilon);
        for (int64_t r = 0; r < rows; ++r) a.d_in[r * n + j] = a.d_out[r * n + j] * inv;
      }
      return;
    }
    const float* mean = a.saved;
    const float* rstd = a.saved + n;
    // Per feature over the batch: sum(dxhat) and sum(dxhat * xhat), then
    // dX = rstd / N * (N * dxhat - sum(dxhat) - xhat * sum(dxhat * xhat)).
    thread_local std::vector<double> sums;
    sums.assign(size_t(4 * n), 0.0);
    double* sum_dxhat = sums.data();
    double* sum_dxhat_xhat = sums.data() + n;
    double* sum_dy = sums.data() + 2 * n;
    double* sum_dy_xhat = sums.data() + 3 * n;
    for (int64_t r = 0; r < rows; ++r) {
      const float* x = a.in + r * n;
      const float* dy = a.d_out + r * n;
      for (int64_t j = 0; j < n; ++j) {
        const float xhat = (x[j] - mean[j]) * rstd[j];
        const float dxhat = gamma ? dy[j] * gamma[j] : dy[j];
        sum_dxhat[j] += dxhat;
        sum_dxhat_xhat[j] += double(dxhat) * xhat;
        sum_dy[j] += dy[j];
        sum_dy_xhat[j] += double(dy[j]) * xhat;
      }
    }
    for (int64_t j = 0; j < n; ++j) {
      if (d_gamma) d_gamma[j] = float(sum_dy_xhat[j]);
      if (d_beta) d_beta[j] = float(sum_dy[j]);
    }
    if (!a.d_in) return;
    const float count = float(rows);
    for (int64_t r = 0; r < rows; ++r) {
      const float* x = a.in + r * n;
      const float* dy = a.d_out + r * n;
      float* dx = a.d_in + r * n;
      for (int64_t j = 0; j < n; ++j) {
        const float xhat = (x[j] - mean[j]) * rstd[j];
        const float dxhat = gamma ? dy[j] * gamma[j] : dy[j];
        dx[j] = rstd[j] / count *
                (count * dxhat - float(sum_dxhat[j]) - xhat * float(sum_dxhat_xhat[j]));
      }
    }
  }

 private:
  // Each column's mean and variance over the rows (about the mean, divided by the row count:
  // Keras's moments), accumulated in double.
  static void batch_statistics(const float* x, int64_t rows, int64_t n, float* mean,
                               float* variance) {
    thread_local std::vector<double> acc;
    acc.assign(size_t(n), 0.0);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < n; ++j) acc[size_t(j)] += x[r * n + j];
    for (int64_t j = 0; j < n; ++j) mean[j] = float(acc[size_t(j)] / double(rows));
    acc.assign(size_t(n), 0.0);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < n; ++j) {
        const double d = double(x[r * n + j]) - double(mean[j]);
        acc[size_t(j)] += d * d;
      }
    for (int64_t j = 0; j < n; ++j) variance[j] = float(acc[size_t(j)] / double(rows));
  }
};

}  // namespace

const LayerOp& batch_normalization_op() {
  static const BatchNormalizationOp op;
  return op;
}

}  // namespace densefit
