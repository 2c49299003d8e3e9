#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "metrics/accumulators.h"
#include "network_layer.h"

namespace densefit {
namespace {
int64_t argmax(const float* v, int64_t n) {
  int64_t best = 0;  // first maximum wins, as argmax in Keras's backends
  for (int64_t j = 1; j < n; ++j)
    if (v[j] > v[best]) best = j;
  return best;
}

// Keras's in_top_k: the label's prediction ranks within the top k (ties count in its favour;
// a NaN there ranks last). Labels outside [0, cols) never hit.
bool in_top_k(const float* pred, int64_t cols, int64_t label, int64_t k) {
  if (label < 0 || label >= cols) return false;
  float at = pred[label];
  if (std::isnan(at)) at = -INFINITY;
  int64_t above = 0;
  for (int64_t j = 0; j < cols; ++j) above += pred[j] > at;
  return above < k;
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
    case MetricSpec::Kind::TopKCategoricalAccuracy:
      for (int64_t r = 0; r < rows; ++r)
        out[r] = in_top_k(y_pred + r * cols, cols, argmax(y_true + r * target_dim, target_dim),
                          spec.k);
      return;
    case MetricSpec::Kind::SparseTopKCategoricalAccuracy:
      for (int64_t r = 0; r < rows; ++r) {
        float label = y_true[r * target_dim];
        if (spec.from_sorted_ids) {  // y_pred holds class ids, best first
          bool hit = false;
          for (int64_t j = 0; j < std::min(spec.k, cols); ++j) hit |= y_pred[r * cols + j] == label;
          out[r] = hit;
        } else {
          out[r] = in_top_k(y_pred + r * cols, cols, int64_t(label), spec.k);
        }
      }
      return;
    case MetricSpec::Kind::RootMeanSquaredError: {
      LossConfig mse;  // Keras: the mean of squared errors over the columns, per sample
      mse.kind = LossKind::MeanSquaredError;
      loss_per_sample(mse, y_true, y_pred, rows, cols, out);
      return;
    }
    default:
      throw std::logic_error(std::string(metric_kind_name(spec.kind)) +
                             " is not a mean of per-sample values");
  }
}

}  // namespace densefit
