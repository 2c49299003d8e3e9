// Confusion-count metrics (TruePositives ... AUC, the "...At..." kinds). Every prediction is
// counted once, into the bucket "how many thresholds it exceeds"; per-threshold counts are
// suffix sums of those buckets, taken only when a result is asked for. That is Keras's
// bucketed update for evenly spaced thresholds (O(1) per prediction), and a binary search
// for any other threshold list: `prediction > threshold`, as Keras's generic update.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "metrics/accumulators.h"
#include "metrics/confusion_counts.h"

namespace densefit {
namespace {

using Kind = MetricSpec::Kind;

constexpr float kNegInf = -1e10f;  // Keras's NEG_INF: what top_k filtering leaves behind

class ConfusionMetric final : public MetricState::Impl {
 public:
  explicit ConfusionMetric(const MetricSpec& spec) : spec_(spec) {
    const auto& t = spec_.thresholds;
    T_ = int64_t(t.size());
    order_.resize(t.size());
    std::iota(order_.begin(), order_.end(), int64_t(0));
    std::stable_sort(order_.begin(), order_.end(), [&](int64_t a, int64_t b) { return t[size_t(a)] < t[size_t(b)]; });
    for (int64_t i : order_) sorted_.push_back(t[size_t(i)]);
    with_epsilon_ = spec_.evenly_spaced && (t.front() < 0.0f || t.back() > 1.0f);
    if (!spec_.multi_label) allocate(1);
  }

  void update(const MetricBatch& b) override {
    require(b.target_dim == b.cols, spec_.kind,
            "needs y_true with the shape of y_pred: " + std::to_string(b.target_dim) +
                " values per sample vs " + std::to_string(b.cols));
    require(spec_.class_id < b.cols, spec_.kind,
            "class_id " + std::to_string(spec_.class_id) + " is out of range for " +
                std::to_string(b.cols) + " prediction columns");
    require(spec_.top_k <= b.cols, spec_.kind,
            "top_k " + std::to_string(spec_.top_k) + " exceeds the " + std::to_string(b.cols) +
                " prediction columns");
    const int64_t width = spec_.class_id >= 0 ? 1 : b.cols;  // the columns that count
    if (labels_ == 0) allocate(width);  // multi-label: one curve per column, fixed now
    require(!spec_.multi_label || width == labels_, spec_.kind,
            "was built for " + std::to_string(labels_) + " labels, got " + std::to_string(width));
    require(spec_.label_weights.empty() || int64_t(spec_.label_weights.size()) == width,
            spec_.kind, "label_weights must hold one weight per label (" + std::to_string(width) + ")");
    const bool weigh_labels = !spec_.label_weights.empty() && !spec_.multi_label;
    const int64_t first = spec_.class_id >= 0 ? spec_.class_id : 0;
    const int64_t stride = T_ + 1;
    if (spec_.top_k > 0) top_.resize(size_t(b.cols));
    for (int64_t r = 0; r < b.rows; ++r) {
      const float* pred = b.y_pred + r * b.cols;
      const float* truth = b.y_true + r * b.cols;
      if (spec_.top_k > 0) mark_top_k(pred, b.cols);
      const float w = b.weight(r);
      for (int64_t j = 0; j < width; ++j) {
        const int64_t c = first + j;
        float p = pred[c];
        if (spec_.from_logits) p = 1.0f / (1.0f + std::exp(-p));
        if (spec_.top_k > 0 && !top_[size_t(c)]) p = kNegInf;
        const float weight = weigh_labels ? w * spec_.label_weights[size_t(j)] : w;
        const int64_t label = spec_.multi_label ? j : 0;
        // y_true is cast to bool, as Keras does (any non-zero value, NaN too, is positive).
        auto& hist = truth[c] != 0.0f ? positives_ : negatives_;
        hist[size_t(label * stride + thresholds_below(p))] += weight;
      }
    }
  }

  std::vector<double> result() const override {
    std::vector<double> out = confusion_result(spec_, counts());
    return out;
  }

  std::vector<int64_t> result_shape() const override {
    bool per_threshold = spec_.kind == Kind::TruePositives || spec_.kind == Kind::FalsePositives ||
                         spec_.kind == Kind::TrueNegatives || spec_.kind == Kind::FalseNegatives ||
                         spec_.kind == Kind::Precision || spec_.kind == Kind::Recall;
    if (per_threshold && T_ > 1) return {T_};
    return {};
  }

  void reset() override {
    std::fill(positives_.begin(), positives_.end(), 0.0);
    std::fill(negatives_.begin(), negatives_.end(), 0.0);
  }

  std::vector<MetricState::Variable> variables() const override {
    if (labels_ == 0) return {};
    ConfusionCounts c = counts();
    std::vector<int64_t> shape = {T_};
    if (spec_.multi_label) shape.push_back(labels_);
    std::vector<MetricState::Variable> out;
    auto add = [&](const char* name, const std::vector<double>& v) { out.push_back({name, shape, v}); };
    switch (spec_.kind) {  // the variables Keras's class keeps
      case Kind::TruePositives: add("accumulator", c.tp); break;
      case Kind::FalsePositives: add("accumulator", c.fp); break;
      case Kind::TrueNegatives: add("accumulator", c.tn); break;
      case Kind::FalseNegatives: add("accumulator", c.fn); break;
      case Kind::Precision: add("true_positives", c.tp); add("false_positives", c.fp); break;
      case Kind::Recall: add("true_positives", c.tp); add("false_negatives", c.fn); break;
      default:
        add("true_positives", c.tp);
        add("false_positives", c.fp);
        add("true_negatives", c.tn);
        add("false_negatives", c.fn);
    }
    return out;
  }

 private:
  void allocate(int64_t labels) {
    labels_ = labels;
    positives_.assign(size_t(labels * (T_ + 1)), 0.0);
    negatives_.assign(size_t(labels * (T_ + 1)), 0.0);
  }

  // How many (sorted) thresholds the prediction exceeds: 0 .. T.
  int64_t thresholds_below(float p) const {
    if (spec_.evenly_spaced) {
      // Keras: bucket = ceil(clip(p, 0, 1) * (T - 1)) - 1 in float32, raised to 0 when the end
      // thresholds carry an epsilon; the prediction exceeds thresholds 0 .. bucket.
      if (std::isnan(p)) return 0;
      float y = std::min(std::max(p, 0.0f), 1.0f);
      float bucket = std::ceil(y * float(T_ - 1)) - 1.0f;
      if (with_epsilon_) bucket = std::max(bucket, 0.0f);
      return int64_t(bucket) + 1;
    }
    // A NaN exceeds nothing: every comparison with it is false.
    return int64_t(std::lower_bound(sorted_.begin(), sorted_.end(), p) - sorted_.begin());
  }

  // Keras's _filter_top_k: the k largest of a row stay (ties: the lower index first).
  void mark_top_k(const float* pred, int64_t cols) {
    index_.resize(size_t(cols));
    std::iota(index_.begin(), index_.end(), int64_t(0));
    auto before = [&](int64_t a, int64_t b) {
      return pred[a] > pred[b] || (pred[a] == pred[b] && a < b);
    };
    std::nth_element(index_.begin(), index_.begin() + (spec_.top_k - 1), index_.end(), before);
    std::fill(top_.begin(), top_.end(), 0);
    for (int64_t i = 0; i < spec_.top_k; ++i) top_[size_t(index_[size_t(i)])] = 1;
  }

  // Per-threshold counts from the buckets, in the spec's threshold order.
  ConfusionCounts counts() const {
    ConfusionCounts c;
    c.thresholds = T_;
    c.labels = std::max<int64_t>(labels_, 1);
    const size_t n = size_t(T_ * c.labels);
    c.tp.assign(n, 0.0), c.fp.assign(n, 0.0), c.tn.assign(n, 0.0), c.fn.assign(n, 0.0);
    if (labels_ == 0) return c;
    const int64_t stride = T_ + 1;
    for (int64_t l = 0; l < labels_; ++l) {
      const double* pos = positives_.data() + l * stride;
      const double* neg = negatives_.data() + l * stride;
      double above_pos = 0.0, above_neg = 0.0, all_pos = 0.0, all_neg = 0.0;
      for (int64_t k = 0; k <= T_; ++k) all_pos += pos[k], all_neg += neg[k];
      // Sorted threshold s is exceeded by the predictions in buckets s+1 .. T.
      for (int64_t s = T_ - 1; s >= 0; --s) {
        above_pos += pos[s + 1];
        above_neg += neg[s + 1];
        size_t at = size_t(order_[size_t(s)] * c.labels + l);
        c.tp[at] = above_pos;
        c.fp[at] = above_neg;
        c.fn[at] = all_pos - above_pos;
        c.tn[at] = all_neg - above_neg;
      }
    }
    return c;
  }

  MetricSpec spec_;
  int64_t T_ = 0, labels_ = 0;
  bool with_epsilon_ = false;
  std::vector<int64_t> order_;  // sorted position -> the spec's threshold index
  std::vector<float> sorted_;
  std::vector<double> positives_, negatives_;  // [label][bucket], bucket 0 .. T
  std::vector<int64_t> index_;                 // top_k scratch
  std::vector<char> top_;
};

}  // namespace

std::unique_ptr<MetricState::Impl> make_confusion_metric(const MetricSpec& spec) {
  return std::make_unique<ConfusionMetric>(spec);
}

}  // namespace densefit
