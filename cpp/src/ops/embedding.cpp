// Keras's Embedding: each input value is a row index into a (vocabulary x units) table, and
// the layer outputs that row, so a native row of in_dim indices becomes in_dim * units
// values. As Keras on JAX: a value is truncated to an integer, a negative index counts from
// the end (-1 is the last row), and an index outside the table gives a row of NaN. Its
// input is data, never differentiated: dX is zero.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "ops/layer_op.h"

namespace densefit {
namespace {

// The table row of input value `x`, or -1 when it names none.
int64_t row_of(float x, int64_t vocabulary) {
  if (!(std::fabs(x) < 9.0e15f)) return -1;  // NaN, inf, or past any table
  int64_t index = int64_t(x);                // truncates, as Keras's cast to int32
  if (index < 0) index += vocabulary;
  return index >= 0 && index < vocabulary ? index : -1;
}

class EmbeddingOp final : public LayerOp {
 public:
  const char* name() const override { return "Embedding"; }
  const char* kind() const override { return "embedding"; }
  LayerSpec::Kind spec_kind() const override { return LayerSpec::Kind::Embedding; }

  int64_t output_width(const LayerSpec& s, int64_t in_dim) const override {
    return in_dim * s.units;
  }
  std::vector<int64_t> parameter_sizes(const LayerSpec& s, int64_t) const override {
    if (s.vocabulary <= 0 || s.units <= 0)
      throw std::invalid_argument("Embedding needs a positive input_dim and output_dim");
    return {s.vocabulary * s.units};  // embeddings
  }

  std::vector<double> attributes(const LayerSpec& s) const override {
    return {double(s.vocabulary), double(s.units)};
  }
  void set_attributes(LayerSpec& s, const std::vector<double>& v) const override {
    expect_attributes(v, 2);
    if (!(v[0] >= 1 && v[0] <= 9.0e15) || !(v[1] >= 1 && v[1] <= 9.0e15))
      throw std::invalid_argument("Embedding's input_dim and output_dim must be positive");
    s.kind = spec_kind();
    s.vocabulary = int64_t(v[0]);
    s.units = int64_t(v[1]);
  }

  void forward(const LayerSpec& s, const OpForward& a) const override {
    const float* table = a.params[0];
    const int64_t units = s.units;
    for (int64_t k = 0, n = a.rows * a.in_dim; k < n; ++k) {
      const int64_t row = row_of(a.in[k], s.vocabulary);
      float* out = a.out + k * units;
      if (row < 0)
        std::fill(out, out + units, std::numeric_limits<float>::quiet_NaN());
      else
        std::memcpy(out, table + row * units, sizeof(float) * size_t(units));
    }
  }

  void backward(const LayerSpec& s, const OpBackward& a) const override {
    const int64_t units = s.units;
    if (a.d_in) std::fill(a.d_in, a.d_in + a.rows * a.in_dim, 0.0f);
    float* d_table = a.grads ? a.grads[0] : nullptr;
    if (!d_table) return;
    std::fill(d_table, d_table + s.vocabulary * units, 0.0f);
    for (int64_t k = 0, n = a.rows * a.in_dim; k < n; ++k) {
      const int64_t row = row_of(a.in[k], s.vocabulary);
      if (row < 0) continue;
      const float* dy = a.d_out + k * units;
      float* g = d_table + row * units;
      for (int64_t j = 0; j < units; ++j) g[j] += dy[j];
    }
  }
};

}  // namespace

const LayerOp& embedding_op() {
  static const EmbeddingOp op;
  return op;
}

}  // namespace densefit
