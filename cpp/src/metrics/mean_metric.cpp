// Mean-family metrics (Keras's MeanMetricWrapper, RootMeanSquaredError): a weighted total of
// per-sample values and the total weight.
#include <cmath>

#include "metrics/accumulators.h"

namespace densefit {
namespace {

using Kind = MetricSpec::Kind;

// The y_true width a metric takes for `cols` prediction columns; -1: any (kinds that check
// for themselves, e.g. user expressions).
int64_t target_width(const MetricSpec& s, int64_t cols) {
  switch (s.kind) {
    case Kind::SparseCategoricalAccuracy:
    case Kind::SparseTopKCategoricalAccuracy:
      return 1;
    case Kind::LossFunction:
      return s.loss.kind == LossKind::SparseCategoricalCrossentropy ? 1 : cols;
    case Kind::Accuracy:
    case Kind::BinaryAccuracy:
    case Kind::CategoricalAccuracy:
    case Kind::TopKCategoricalAccuracy:
    case Kind::RootMeanSquaredError:
      return cols;
    default:
      return -1;
  }
}

class MeanMetric final : public MetricState::Impl {
 public:
  explicit MeanMetric(const MetricSpec& spec) : spec_(spec) {}

  void update(const MetricBatch& b) override {
    int64_t want = target_width(spec_, b.cols);
    check_batch(want < 0 || b.target_dim == want, spec_.kind, [&] {
      return "needs " + std::to_string(want) + " y_true value(s) per sample for " +
             std::to_string(b.cols) + " prediction column(s), got " + std::to_string(b.target_dim);
    });
    if (int64_t(values_.size()) < b.rows) values_.resize(size_t(b.rows));
    metric_values(spec_, b.y_true, b.y_pred, b.rows, b.cols, b.target_dim, values_.data());
    double total = 0.0, count = 0.0;
    for (int64_t r = 0; r < b.rows; ++r) {
      double w = b.weight(r);
      total += double(values_[size_t(r)]) * w;
      count += w;
    }
    total_ += total;
    count_ += count;
  }

  std::vector<double> result() const override {
    double mean = count_ != 0.0 ? total_ / count_ : 0.0;  // Keras's divide_no_nan
    return {spec_.kind == Kind::RootMeanSquaredError ? std::sqrt(mean) : mean};
  }

  void reset() override { total_ = count_ = 0.0; }

  std::vector<MetricState::Variable> variables() const override {
    return {{"total", {}, {total_}}, {"count", {}, {count_}}};
  }

 private:
  MetricSpec spec_;
  double total_ = 0.0, count_ = 0.0;
  std::vector<float> values_;  // scratch: one batch's per-sample values
};

}  // namespace

std::unique_ptr<MetricState::Impl> make_mean_metric(const MetricSpec& spec) {
  return std::make_unique<MeanMetric>(spec);
}

}  // namespace densefit
