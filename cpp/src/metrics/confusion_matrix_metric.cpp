// ConfusionMatrix: weighted counts of (true class, predicted class), rows = true class, as
// keras.metrics.metrics_utils.confusion_matrix lays them out. The predicted class is the
// row's argmax, or `prediction > threshold` for a one-column (binary) output; the true class
// is a class id (one y_true value per sample) or the argmax of a one-hot row.
#include <algorithm>
#include <cmath>

#include "metrics/accumulators.h"

namespace densefit {
namespace {

int64_t argmax(const float* v, int64_t n) {
  int64_t best = 0;
  for (int64_t j = 1; j < n; ++j)
    if (v[j] > v[best]) best = j;
  return best;
}

class ConfusionMatrixMetric final : public MetricState::Impl {
 public:
  explicit ConfusionMatrixMetric(const MetricSpec& spec) : spec_(spec) {
    if (spec_.num_classes > 0) allocate(spec_.num_classes);
  }

  void update(const MetricBatch& b) override {
    const auto kind = MetricSpec::Kind::ConfusionMatrix;
    require(b.target_dim == 1 || b.target_dim == b.cols, kind,
            "takes class ids or one-hot rows as y_true; got " + std::to_string(b.target_dim) +
                " values per sample for " + std::to_string(b.cols) + " prediction columns");
    if (n_ == 0) allocate(std::max<int64_t>(b.cols, 2));
    check_batch(b.cols == 1 || b.cols <= n_, kind, [&] {
      return "was built for " + std::to_string(n_) + " classes, got " + std::to_string(b.cols) +
             " prediction columns";
    });
    for (int64_t r = 0; r < b.rows; ++r) {
      const float* pred = b.y_pred + r * b.cols;
      const float* truth = b.y_true + r * b.target_dim;
      int64_t predicted = b.cols == 1 ? int64_t(pred[0] > spec_.threshold) : argmax(pred, b.cols);
      int64_t actual;
      if (b.target_dim == 1) {
        float t = truth[0];
        check_batch(t >= 0.0f && t < float(n_) && t == std::floor(t), kind, [&] {
          return "got the label " + std::to_string(t) + ", not a class id in [0, " +
                 std::to_string(n_) + ")";
        });
        actual = int64_t(t);
      } else {
        actual = argmax(truth, b.target_dim);
      }
      counts_[size_t(actual * n_ + predicted)] += b.weight(r);
    }
  }

  std::vector<double> result() const override { return counts_; }
  std::vector<int64_t> result_shape() const override { return {n_, n_}; }
  void reset() override { std::fill(counts_.begin(), counts_.end(), 0.0); }
  std::vector<MetricState::Variable> variables() const override {
    if (n_ == 0) return {};
    return {{"confusion_matrix", {n_, n_}, counts_}};
  }

 private:
  void allocate(int64_t n) {
    n_ = n;
    counts_.assign(size_t(n * n), 0.0);
  }

  MetricSpec spec_;
  int64_t n_ = 0;
  std::vector<double> counts_;
};

}  // namespace

std::unique_ptr<MetricState::Impl> make_confusion_matrix_metric(const MetricSpec& spec) {
  return std::make_unique<ConfusionMatrixMetric>(spec);
}

}  // namespace densefit
