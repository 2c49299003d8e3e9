#include <cmath>

#include "network_layer.h"

namespace densefit {
namespace {
int64_t argmax(const float* v, int64_t n) {
  int64_t best = 0;  // first maximum wins, as argmax in Keras's backends
  for (int64_t j = 1; j < n; ++j)
    if (v[j] > v[best]) best = j;
  return best;
}
}  // namespace

void metric_values(const MetricSpec& spec, const float* y_true, const float* y_pred,
                   int64_t rows, int64_t cols, int64_t target_dim, float* out) {
  switch (spec.kind) {
    case MetricSpec::Kind::LossFunction:
      loss_per_sample(spec.loss, y_true, y_pred, rows, cols, out);
      return;
    case MetricSpec::Kind::Accuracy:
    case MetricSpec::Kind::BinaryAccuracy:
      for (int64_t r = 0; r < rows; ++r) {
        int64_t hits = 0;
        for (int64_t c = 0; c < cols; ++c) {
          float p = y_pred[r * cols + c];
          if (spec.kind == MetricSpec::Kind::BinaryAccuracy) p = p > spec.threshold ? 1.0f : 0.0f;
          hits += (y_true[r * target_dim + c] == p);
        }
        out[r] = float(hits) / float(cols);
      }
      return;
    case MetricSpec::Kind::CategoricalAccuracy:
      for (int64_t r = 0; r < rows; ++r)
        out[r] = argmax(y_true + r * target_dim, target_dim) == argmax(y_pred + r * cols, cols);
      return;
    case MetricSpec::Kind::SparseCategoricalAccuracy:
      for (int64_t r = 0; r < rows; ++r)
        out[r] = float(argmax(y_pred + r * cols, cols)) == y_true[r * target_dim];
      return;
  }
}

}  // namespace densefit
