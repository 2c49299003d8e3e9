// R2Score: per output column the weighted sums of y, y^2 and squared residuals and the
// weight, plus the number of values (for the adjusted score), combined as Keras does.
#include <algorithm>
#include <cmath>

#include "metrics/accumulators.h"

namespace densefit {
namespace {

class R2Metric final : public MetricState::Impl {
 public:
  explicit R2Metric(const MetricSpec& spec) : spec_(spec) {}

  void update(const MetricBatch& b) override {
    check_batch(b.target_dim == b.cols, MetricSpec::Kind::R2Score, [&] {
      return "expects y_true and y_pred of the same shape (batch_size, output_dim), got " +
             std::to_string(b.target_dim) + " and " + std::to_string(b.cols) + " columns";
    });
    if (columns_ == 0) allocate(b.cols);
    check_batch(b.cols == columns_, MetricSpec::Kind::R2Score, [&] {
      return "was built for " + std::to_string(columns_) + " outputs, got " +
             std::to_string(b.cols);
    });
    for (int64_t r = 0; r < b.rows; ++r) {
      const double w = b.weight(r);
      for (int64_t c = 0; c < b.cols; ++c) {
        double t = b.y_true[r * b.cols + c], p = b.y_pred[r * b.cols + c];
        size_t k = size_t(c);
        sum_[k] += t * w;
        squared_sum_[k] += t * t * w;
        residual_[k] += (t - p) * (t - p) * w;
        count_[k] += w;
      }
    }
    num_samples_ += double(b.rows * b.cols);  // Keras counts values, not rows
  }

  std::vector<double> result() const override {
    const size_t n_cols = static_cast<size_t>(columns_);
    std::vector<double> raw(n_cols), total(n_cols);
    for (size_t k = 0; k < raw.size(); ++k) {
      double mean = sum_[k] / count_[k];
      total[k] = squared_sum_[k] - sum_[k] * mean;
      raw[k] = 1.0 - residual_[k] / total[k];
      if (std::isinf(raw[k])) raw[k] = 0.0;  // a constant target: Keras reports 0
    }
    std::vector<double> r2 = raw;
    if (spec_.aggregation == MetricSpec::Aggregation::UniformAverage) {
      double s = 0.0;
      for (double v : raw) s += v;
      r2 = {raw.empty() ? std::nan("") : s / double(raw.size())};
    } else if (spec_.aggregation == MetricSpec::Aggregation::VarianceWeightedAverage) {
      double s = 0.0, w = 0.0;
      for (size_t k = 0; k < raw.size(); ++k) s += total[k] * raw[k], w += total[k];
      r2 = {s / w};
    }
    const double n = num_samples_, p = double(spec_.num_regressors);
    // Adjusted R2 only where it is defined (Keras falls back to plain R2, with a warning).
    if (p != 0.0 && p < n - 1.0)
      for (double& v : r2) v = 1.0 - (1.0 - v) * (n - 1.0) / (n - p - 1.0);
    return r2;
  }

  std::vector<int64_t> result_shape() const override {
    if (spec_.aggregation == MetricSpec::Aggregation::None) return {columns_};
    return {};
  }

  void reset() override {
    for (auto* v : {&sum_, &squared_sum_, &residual_, &count_}) std::fill(v->begin(), v->end(), 0.0);
    num_samples_ = 0.0;
  }

  std::vector<MetricState::Variable> variables() const override {
    std::vector<MetricState::Variable> out = {{"num_samples", {}, {num_samples_}}};
    if (columns_ == 0) return out;
    std::vector<int64_t> shape = {columns_};
    out.push_back({"squared_sum", shape, squared_sum_});
    out.push_back({"sum", shape, sum_});
    out.push_back({"residual", shape, residual_});
    out.push_back({"count", shape, count_});
    return out;
  }

 private:
  void allocate(int64_t columns) {
    columns_ = columns;
    for (auto* v : {&sum_, &squared_sum_, &residual_, &count_}) v->assign(size_t(columns), 0.0);
  }

  MetricSpec spec_;
  int64_t columns_ = 0;
  std::vector<double> sum_, squared_sum_, residual_, count_;
  double num_samples_ = 0.0;
};

}  // namespace

std::unique_ptr<MetricState::Impl> make_r2_metric(const MetricSpec& spec) {
  return std::make_unique<R2Metric>(spec);
}

}  // namespace densefit
