// FBetaScore / F1Score: per-class true positives, false positives, false negatives and label
// weight (one set for average="micro"), combined at result() as Keras does.
#include <algorithm>
#include <cmath>

#include "metrics/accumulators.h"

namespace densefit {
namespace {

constexpr double kEpsilon = 1e-7;  // Keras's backend.epsilon()

class FBetaMetric final : public MetricState::Impl {
 public:
  explicit FBetaMetric(const MetricSpec& spec) : spec_(spec) {}

  void update(const MetricBatch& b) override {
    check_batch(b.target_dim == b.cols, MetricSpec::Kind::FBetaScore, [&] {
      return "expects y_true and y_pred of the same shape (batch_size, output_dim), got " +
             std::to_string(b.target_dim) + " and " + std::to_string(b.cols) + " columns";
    });
    if (classes_ == 0) allocate(b.cols);
    check_batch(b.cols == classes_, MetricSpec::Kind::FBetaScore, [&] {
      return "was built for " + std::to_string(classes_) + " classes, got " +
             std::to_string(b.cols);
    });
    const bool micro = spec_.average == MetricSpec::Average::Micro;
    const bool row_max = std::isnan(spec_.threshold);
    for (int64_t r = 0; r < b.rows; ++r) {
      const float* pred = b.y_pred + r * b.cols;
      const float* truth = b.y_true + r * b.cols;
      float top = pred[0];
      for (int64_t c = 1; c < b.cols; ++c) top = std::max(top, pred[c]);
      const double w = b.weight(r);
      for (int64_t c = 0; c < b.cols; ++c) {
        // threshold=None: the row's maximum is positive, unless it is (about) zero.
        bool positive = row_max ? (pred[c] >= top && std::fabs(pred[c]) > 1e-9f)
                                : pred[c] > spec_.threshold;
        double p = positive ? 1.0 : 0.0, t = truth[c];
        size_t k = micro ? 0 : size_t(c);
        tp_[k] += p * t * w;
        fp_[k] += p * (1.0 - t) * w;
        fn_[k] += (1.0 - p) * t * w;
        weights_[k] += t * w;
      }
    }
  }

  std::vector<double> result() const override {
    const double beta2 = double(spec_.beta) * spec_.beta;
    std::vector<double> f(tp_.size());
    for (size_t k = 0; k < f.size(); ++k) {
      double precision = tp_[k] / (tp_[k] + fp_[k] + kEpsilon);
      double recall = tp_[k] / (tp_[k] + fn_[k] + kEpsilon);
      f[k] = precision * recall / (beta2 * precision + recall + kEpsilon) * (1.0 + beta2);
    }
    switch (spec_.average) {
      case MetricSpec::Average::None:
      case MetricSpec::Average::Micro:
        return f;
      case MetricSpec::Average::Macro: {
        double sum = 0.0;
        for (double v : f) sum += v;
        return {f.empty() ? 0.0 : sum / double(f.size())};
      }
      case MetricSpec::Average::Weighted: {
        double total = 0.0, sum = 0.0;
        for (double w : weights_) total += w;
        for (size_t k = 0; k < f.size(); ++k) sum += f[k] * weights_[k] / (total + kEpsilon);
        return {sum};
      }
    }
    return f;
  }

  std::vector<int64_t> result_shape() const override {
    if (spec_.average == MetricSpec::Average::None) return {classes_};
    return {};
  }

  void reset() override {
    for (auto* v : {&tp_, &fp_, &fn_, &weights_}) std::fill(v->begin(), v->end(), 0.0);
  }

  std::vector<MetricState::Variable> variables() const override {
    if (classes_ == 0) return {};
    std::vector<int64_t> shape;
    if (spec_.average != MetricSpec::Average::Micro) shape = {classes_};
    return {{"true_positives", shape, tp_}, {"false_positives", shape, fp_},
            {"false_negatives", shape, fn_}, {"intermediate_weights", shape, weights_}};
  }

 private:
  void allocate(int64_t classes) {
    classes_ = classes;
    size_t n = spec_.average == MetricSpec::Average::Micro ? 1 : size_t(classes);
    for (auto* v : {&tp_, &fp_, &fn_, &weights_}) v->assign(n, 0.0);
  }

  MetricSpec spec_;
  int64_t classes_ = 0;
  std::vector<double> tp_, fp_, fn_, weights_;
};

}  // namespace

std::unique_ptr<MetricState::Impl> make_fbeta_metric(const MetricSpec& spec) {
  return std::make_unique<FBetaMetric>(spec);
}

}  // namespace densefit
