// The metric families behind MetricState: each keeps its own accumulators (Keras's metric
// variables) and computes Keras's result from them.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

#include "densefit/metrics.h"

namespace densefit {

// One batch as a metric sees it (see MetricState::update).
struct MetricBatch {
  const float* y_true;
  int64_t target_dim;
  const float* y_pred;
  int64_t cols;
  const float* sample_weight;  // one per row, or null (weight 1)
  int64_t rows;
  float weight(int64_t r) const { return sample_weight ? sample_weight[r] : 1.0f; }
};

struct MetricState::Impl {
  virtual ~Impl() = default;
  virtual void update(const MetricBatch& batch) = 0;
  virtual std::vector<double> result() const = 0;
  virtual std::vector<int64_t> result_shape() const { return {}; }
  virtual void reset() = 0;
  virtual std::vector<MetricState::Variable> variables() const = 0;
};

std::unique_ptr<MetricState::Impl> make_mean_metric(const MetricSpec& spec);
std::unique_ptr<MetricState::Impl> make_confusion_metric(const MetricSpec& spec);
std::unique_ptr<MetricState::Impl> make_fbeta_metric(const MetricSpec& spec);
std::unique_ptr<MetricState::Impl> make_r2_metric(const MetricSpec& spec);
std::unique_ptr<MetricState::Impl> make_confusion_matrix_metric(const MetricSpec& spec);
std::unique_ptr<MetricState::Impl> make_expression_metric(const MetricSpec& spec);  // Custom

// Per-sample values of a mean-family metric for one batch (y_true has target_dim columns).
void metric_values(const MetricSpec& spec, const float* y_true, const float* y_pred,
                   int64_t rows, int64_t cols, int64_t target_dim, float* out);

// Keras's display name of a kind, for error messages ("Precision", ...).
const char* metric_kind_name(MetricSpec::Kind kind);

// Throws std::invalid_argument "<Metric> <what>" when `ok` is false.
inline void require(bool ok, MetricSpec::Kind kind, const std::string& what) {
  if (!ok) throw std::invalid_argument(std::string(metric_kind_name(kind)) + " " + what);
}

// The same for checks made on every batch: `what()` builds the message only on failure.
template <typename Message>
inline void check_batch(bool ok, MetricSpec::Kind kind, const Message& what) {
  if (!ok) require(false, kind, what());
}

}  // namespace densefit
