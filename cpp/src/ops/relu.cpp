// Keras's ReLU layer with its arguments (negative_slope, max_value, threshold); the plain
// forms (relu, relu6, leaky_relu) run as Activation layers instead.
#include <cmath>
#include <stdexcept>

#include "ops/elementwise_math.h"
#include "ops/layer_op.h"

namespace densefit {
namespace {

ReluArgs relu_args(const LayerSpec& s) { return {s.negative_slope, s.max_value, s.threshold}; }

class ReluOp final : public LayerOp {
 public:
  const char* name() const override { return "ReLU"; }
  const char* kind() const override { return "relu"; }
  LayerSpec::Kind spec_kind() const override { return LayerSpec::Kind::Relu; }

  std::vector<int64_t> parameter_sizes(const LayerSpec& s, int64_t) const override {
    // Keras's checks; NaN fails them too. max_value is +inf for None.
    if (!(s.negative_slope >= 0.0f) || !(s.threshold >= 0.0f) || !(s.max_value >= 0.0f))
      throw std::invalid_argument("ReLU's negative_slope, threshold and max_value must be >= 0");
    return {};
  }

  std::vector<double> attributes(const LayerSpec& s) const override {
    return {s.negative_slope, s.max_value, s.threshold};
  }
  void set_attributes(LayerSpec& s, const std::vector<double>& v) const override {
    expect_attributes(v, 3);
    s.kind = spec_kind();
    s.negative_slope = float(v[0]);
    s.max_value = float(v[1]);
    s.threshold = float(v[2]);
  }

  void forward(const LayerSpec& s, const OpForward& a) const override {
    const ReluArgs args = relu_args(s);
    for (int64_t k = 0, n = a.rows * a.in_dim; k < n; ++k) a.out[k] = relu_forward(a.in[k], args);
  }

  void backward(const LayerSpec& s, const OpBackward& a) const override {
    if (!a.d_in) return;
    const ReluArgs args = relu_args(s);
    for (int64_t k = 0, n = a.rows * a.in_dim; k < n; ++k)
      a.d_in[k] = a.d_out[k] * relu_slope(a.in[k], args);
  }
};

}  // namespace

const LayerOp& relu_op() {
  static const ReluOp op;
  return op;
}

}  // namespace densefit
