// Keras's PReLU: relu(x) - alpha * relu(-x), with a learned alpha per feature of the native
// row (the Python layer checks that its alpha has that shape).
#include <algorithm>

#include "ops/elementwise_math.h"
#include "ops/layer_op.h"

namespace densefit {
namespace {

class PReluOp final : public LayerOp {
 public:
  const char* name() const override { return "PReLU"; }
  const char* kind() const override { return "prelu"; }
  LayerSpec::Kind spec_kind() const override { return LayerSpec::Kind::PRelu; }

  std::vector<int64_t> parameter_sizes(const LayerSpec&, int64_t in_dim) const override {
    return {in_dim};  // alpha
  }

  void forward(const LayerSpec&, const OpForward& a) const override {
    const float* alpha = a.params[0];
    for (int64_t r = 0; r < a.rows; ++r) {
      const float* x = a.in + r * a.in_dim;
      float* y = a.out + r * a.in_dim;
      for (int64_t j = 0; j < a.in_dim; ++j) y[j] = prelu_forward(x[j], alpha[j]);
    }
  }

  void backward(const LayerSpec&, const OpBackward& a) const override {
    const float* alpha = a.params[0];
    float* d_alpha = a.grads ? a.grads[0] : nullptr;
    if (d_alpha) std::fill(d_alpha, d_alpha + a.in_dim, 0.0f);
    for (int64_t r = 0; r < a.rows; ++r) {
      const float* x = a.in + r * a.in_dim;
      const float* dy = a.d_out + r * a.in_dim;
      for (int64_t j = 0; j < a.in_dim; ++j) {
        if (d_alpha && x[j] < 0.0f) d_alpha[j] += dy[j] * x[j];  // d/d alpha = -relu(-x)
        if (a.d_in) a.d_in[r * a.in_dim + j] = dy[j] * prelu_slope(x[j], alpha[j]);
      }
    }
  }
};

}  // namespace

const LayerOp& prelu_op() {
  static const PReluOp op;
  return op;
}

}  // namespace densefit
