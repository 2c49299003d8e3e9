// Keras's Normalization layer: (x - mean) / max(sqrt(variance), epsilon), or with invert
// mean + x * max(sqrt(variance), epsilon), in float32 as Keras computes it. mean and variance
// are state (set by adapt or the constructor, never trained): one value per feature of the
// native row, or one for all values (Keras's axis=None: the `scalar` attribute).
#include <algorithm>
#include <cmath>

#include "ops/layer_op.h"

namespace densefit {
namespace {

constexpr float kEpsilon = 1e-7f;  // keras.backend.epsilon()

class NormalizationOp final : public LayerOp {
 public:
  const char* name() const override { return "Normalization"; }
  const char* kind() const override { return "normalization"; }
  LayerSpec::Kind spec_kind() const override { return LayerSpec::Kind::Normalization; }

  std::vector<int64_t> parameter_sizes(const LayerSpec& s, int64_t in_dim) const override {
    const int64_t per = s.scalar ? 1 : in_dim;
    return {per, per};  // mean, variance
  }
  size_t trainable_parameters(const LayerSpec&, int64_t) const override { return 0; }

  std::vector<double> attributes(const LayerSpec& s) const override {
    return {double(s.invert), double(s.scalar)};
  }
  void set_attributes(LayerSpec& s, const std::vector<double>& v) const override {
    expect_attributes(v, 2);
    s.kind = spec_kind();
    s.invert = v[0] != 0.0;
    s.scalar = v[1] != 0.0;
  }

  void forward(const LayerSpec& s, const OpForward& a) const override {
    const float* mean = a.params[0];
    const float* variance = a.params[1];
    const int64_t n = a.in_dim;
    for (int64_t r = 0; r < a.rows; ++r) {
      const float* x = a.in + r * n;
      float* y = a.out + r * n;
      for (int64_t j = 0; j < n; ++j) {
        const int64_t k = s.scalar ? 0 : j;
        const float scale = std::max(std::sqrt(variance[k]), kEpsilon);
        y[j] = s.invert ? mean[k] + x[j] * scale : (x[j] - mean[k]) / scale;
      }
    }
  }

  void backward(const LayerSpec& s, const OpBackward& a) const override {
    if (!a.d_in) return;
    const float* variance = a.params[1];
    const int64_t n = a.in_dim;
    for (int64_t r = 0; r < a.rows; ++r) {
      for (int64_t j = 0; j < n; ++j) {
        const float scale = std::max(std::sqrt(variance[s.scalar ? 0 : j]), kEpsilon);
        const float dy = a.d_out[r * n + j];
        a.d_in[r * n + j] = s.invert ? dy * scale : dy / scale;
      }
    }
  }
};

}  // namespace

const LayerOp& normalization_op() {
  static const NormalizationOp op;
  return op;
}

}  // namespace densefit
