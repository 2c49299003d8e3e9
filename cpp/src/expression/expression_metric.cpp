// A traced user metric function (MetricSpec::Kind::Custom) as a Keras MeanMetricWrapper: the
// weighted mean of its per-sample values; a scalar-valued function counts once per batch.
#include <stdexcept>
#include <string>

#include "densefit/expression.h"
#include "metrics/accumulators.h"

namespace densefit {
namespace {

class ExpressionMetric final : public MetricState::Impl {
 public:
  explicit ExpressionMetric(const MetricSpec& spec) {
    if (!spec.expression) throw std::invalid_argument("Custom metric needs an expression");
    eval_ = std::make_unique<ExpressionEvaluator>(spec.expression);
  }

  void update(const MetricBatch& b) override {
    const Expression& e = eval_->expression();
    if (b.target_dim != e.y_true_cols() || b.cols != e.y_pred_cols())
      throw std::invalid_argument(
          "Custom metric was traced for " + std::to_string(e.y_true_cols()) + " y_true and " +
          std::to_string(e.y_pred_cols()) + " y_pred columns, got " +
          std::to_string(b.target_dim) + " and " + std::to_string(b.cols));
    const float* v = eval_->forward(b.y_true, b.y_pred, nullptr, b.rows);
    if (e.scalar_output()) {
      total_ += double(v[0]);
      count_ += 1.0;
      return;
    }
    for (int64_t r = 0; r < b.rows; ++r) {
      const double w = b.weight(r);
      total_ += double(v[r]) * w;
      count_ += w;
    }
  }

  std::vector<double> result() const override {
    return {count_ != 0.0 ? total_ / count_ : 0.0};  // Keras's divide_no_nan
  }

  void reset() override { total_ = count_ = 0.0; }

  std::vector<MetricState::Variable> variables() const override {
    return {{"total", {}, {total_}}, {"count", {}, {count_}}};
  }

 private:
  std::unique_ptr<ExpressionEvaluator> eval_;
  double total_ = 0.0, count_ = 0.0;
};

}  // namespace

std::unique_ptr<MetricState::Impl> make_expression_metric(const MetricSpec& spec) {
  return std::make_unique<ExpressionMetric>(spec);
}

}  // namespace densefit
