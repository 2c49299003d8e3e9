// Keras's Rescaling with scalar scale and offset: x * scale + offset, in float32.
#include <cmath>
#include <stdexcept>

#include "ops/layer_op.h"

namespace densefit {
namespace {

class RescalingOp final : public LayerOp {
 public:
  const char* name() const override { return "Rescaling"; }
  const char* kind() const override { return "rescaling"; }
  LayerSpec::Kind spec_kind() const override { return LayerSpec::Kind::Rescaling; }

  std::vector<int64_t> parameter_sizes(const LayerSpec& s, int64_t) const override {
    if (!std::isfinite(s.factor) || !std::isfinite(s.offset))
      throw std::invalid_argument("Rescaling's scale and offset must be finite");
    return {};
  }

  std::vector<double> attributes(const LayerSpec& s) const override { return {s.factor, s.offset}; }
  void set_attributes(LayerSpec& s, const std::vector<double>& v) const override {
    expect_attributes(v, 2);
    s.kind = spec_kind();
    s.factor = float(v[0]);
    s.offset = float(v[1]);
  }

  void forward(const LayerSpec& s, const OpForward& a) const override {
    for (int64_t k = 0, n = a.rows * a.in_dim; k < n; ++k) a.out[k] = a.in[k] * s.factor + s.offset;
  }

  void backward(const LayerSpec& s, const OpBackward& a) const override {
    if (!a.d_in) return;
    for (int64_t k = 0, n = a.rows * a.in_dim; k < n; ++k) a.d_in[k] = a.d_out[k] * s.factor;
  }
};

}  // namespace

const LayerOp& rescaling_op() {
  static const RescalingOp op;
  return op;
}

}  // namespace densefit
