// Keras's noise layers, which act only in training (fit, train_on_batch, a call with
// training=True) and pass their input through otherwise (serving leaves them out):
// GaussianNoise (x + N(0, stddev)), GaussianDropout (x * N(1, sqrt(rate / (1 - rate)))) and
// AlphaDropout (dropped values set to SELU's saturation, then an affine map that keeps the
// mean and variance). Their draws come from the layer's stream (OpForward::rng), so a seeded
// fit is reproducible; they cannot match Keras's own random numbers.
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "ops/layer_op.h"

namespace densefit {
namespace {

// The shared frame: outside training (or with nothing to draw) a copy, in training the
// subclass's noise over all rows * in_dim values.
class NoiseOp : public LayerOp {
 public:
  std::vector<int64_t> parameter_sizes(const LayerSpec& s, int64_t) const override {
    if (!(level(s) >= 0.0f && level(s) <= 1.0f))
      throw std::invalid_argument(std::string(name()) + "'s " + level_name() +
                                  " must be in [0, 1]");
    return {};
  }
  bool identity_at_inference(const LayerSpec&) const override { return true; }

  std::vector<double> attributes(const LayerSpec& s) const override { return {level(s)}; }
  void set_attributes(LayerSpec& s, const std::vector<double>& v) const override {
    expect_attributes(v, 1);
    s.kind = spec_kind();
    set_level(s, float(v[0]));
  }

  int64_t saved_floats(const LayerSpec& s, int64_t in_dim, int64_t rows) const override {
    return keeps_factors() && level(s) > 0.0f ? rows * in_dim : 0;
  }

  void forward(const LayerSpec& s, const OpForward& a) const override {
    const int64_t n = a.rows * a.in_dim;
    if (!a.training || !a.rng || level(s) == 0.0f) {
      std::memcpy(a.out, a.in, sizeof(float) * size_t(n));
      return;
    }
    add_noise(s, a, n);
  }

  // dX = dY * the factor each value was multiplied by (saved), or dY for additive noise.
  void backward(const LayerSpec& s, const OpBackward& a) const override {
    if (!a.d_in) return;
    const int64_t n = a.rows * a.in_dim;
    const bool scaled = keeps_factors() && level(s) > 0.0f;
    for (int64_t k = 0; k < n; ++k) a.d_in[k] = scaled ? a.d_out[k] * a.saved[k] : a.d_out[k];
  }

 protected:
  virtual float level(const LayerSpec& s) const { return s.rate; }
  virtual void set_level(LayerSpec& s, float v) const { s.rate = v; }
  virtual const char* level_name() const { return "rate"; }
  virtual bool keeps_factors() const { return true; }
  virtual void add_noise(const LayerSpec& s, const OpForward& a, int64_t n) const = 0;
};

class GaussianNoiseOp final : public NoiseOp {
 public:
  const char* name() const override { return "GaussianNoise"; }
  const char* kind() const override { return "gaussian_noise"; }
  LayerSpec::Kind spec_kind() const override { return LayerSpec::Kind::GaussianNoise; }

 protected:
  float level(const LayerSpec& s) const override { return s.stddev; }
  void set_level(LayerSpec& s, float v) const override { s.stddev = v; }
  const char* level_name() const override { return "stddev"; }
  bool keeps_factors() const override { return false; }
  void add_noise(const LayerSpec& s, const OpForward& a, int64_t n) const override {
    a.rng->normal(a.rng_position, a.out, n);
    for (int64_t k = 0; k < n; ++k) a.out[k] = a.in[k] + a.out[k] * s.stddev;
  }
};

class GaussianDropoutOp final : public NoiseOp {
 public:
  const char* name() const override { return "GaussianDropout"; }
  const char* kind() const override { return "gaussian_dropout"; }
  LayerSpec::Kind spec_kind() const override { return LayerSpec::Kind::GaussianDropout; }

 protected:
  void add_noise(const LayerSpec& s, const OpForward& a, int64_t n) const override {
    const float stddev = float(std::sqrt(double(s.rate) / (1.0 - double(s.rate))));
    a.rng->normal(a.rng_position, a.saved, n);
    for (int64_t k = 0; k < n; ++k) {
      a.saved[k] = 1.0f + a.saved[k] * stddev;  // the factor, kept for backward
      a.out[k] = a.in[k] * a.saved[k];
    }
  }
};

class AlphaDropoutOp final : public NoiseOp {
 public:
  const char* name() const override { return "AlphaDropout"; }
  const char* kind() const override { return "alpha_dropout"; }
  LayerSpec::Kind spec_kind() const override { return LayerSpec::Kind::AlphaDropout; }

 protected:
  // Keras's AlphaDropout: keep where uniform >= rate; x' = kept ? x : alpha_p; a * x' + b.
  void add_noise(const LayerSpec& s, const OpForward& a, int64_t n) const override {
    const double alpha = 1.6732632423543772848170429916717;
    const double scale = 1.0507009873554804934193349852946;
    const double alpha_p = -alpha * scale, rate = s.rate;
    const double a_ = std::pow((1.0 - rate) * (1.0 + rate * alpha_p * alpha_p), -0.5);
    const float af = float(a_), bf = float(-a_ * alpha_p * rate);  // Python floats in Keras
    const float dropped = float(alpha_p);
    a.rng->uniform(a.rng_position, a.saved, n);
    for (int64_t k = 0; k < n; ++k) {
      const bool kept = a.saved[k] >= s.rate;
      a.out[k] = af * (kept ? a.in[k] : dropped) + bf;
      a.saved[k] = kept ? af : 0.0f;  // d out / d in
    }
  }
};

}  // namespace

const LayerOp& gaussian_noise_op() {
  static const GaussianNoiseOp op;
  return op;
}

const LayerOp& gaussian_dropout_op() {
  static const GaussianDropoutOp op;
  return op;
}

const LayerOp& alpha_dropout_op() {
  static const AlphaDropoutOp op;
  return op;
}

}  // namespace densefit
