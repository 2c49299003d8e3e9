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
    std::stable_sort(order_.begin(), order_.end(),
                     [&](int64_t a, int64_t b) { return t[size_t(a)] < t[size_t(b)]; });
    for (int64_t i : order_) sorted_.push_back(t[size_t(i)]);
    with_epsilon_ = spec_.evenly_spaced && (t.front() < 0.0f || t.back() > 1.0f);
    if (!spec_.multi_label) allocate(1);
  }

  void update(const MetricBatch& b) override {
    check_batch(b.target_dim == b.cols, spec_.kind, [&] {
      return "needs y_true with the shape of y_pred: " + std::to_string(b.target_dim) +
             " values per sample vs " + std::to_string(b.cols);
    });
    check_batch(spec_.class_id < b.cols, spec_.kind, [&] {
      return "class_id " + std::to_string(spec_.class_id) + " is out of range for " +
             std::to_string(b.cols) + " prediction columns";
    });
    check_batch(spec_.top_k <= b.cols, spec_.kind, [&] {
      return "top_k " + std::to_string(spec_.top_k) + " exceeds the " + std::to_string(b.cols) +
             " prediction columns";
    });
    const int64_t width = spec_.class_id >= 0 ? 1 : b.cols;  // the columns that count
    if (labels_ == 0) allocate(width);  // multi-label: one curve per column, fixed now
    check_batch(!spec_.multi_label || width == labels_, spec_.kind, [&] {
      return "was built for " + std::to_string(labels_) + " labels, got " + std::to_string(width);
    });
    check_batch(spec_.label_weights.empty() || int64_t(spec_.label_weights.size()) == width,
                spec_.kind, [&] {
      return "label_weights must hold one weight per label (" + std::to_string(width) + ")";
    });
    const bool weigh_labels = !spec_.label_weights.empty() && !spec_.multi_label;
    const int64_t first = spec_.class_id >= 0 ? spec_.class_id : 0;
    const int64_t stride = T_ + 1;
    if (spec_.top_k == 0 && !spec_.from_logits && !weigh_labels && !spec_.multi_label) {
      count_plain(b, first, width);  // the common case, in a loop of its own
      return;
    }
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
        // Branch-free indexing: labels and predictions are as good as random to a predictor.
        const int64_t positive = truth[c] != 0.0f;
        buckets_[size_t((label * 2 + positive) * stride + thresholds_below(p))] += weight;
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

  void reset() override { std::fill(buckets_.begin(), buckets_.end(), 0.0); }

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
    buckets_.assign(size_t(labels * 2 * (T_ + 1)), 0.0);
  }

  // update() without top_k, logits or label weights, for one curve.
  void count_plain(const MetricBatch& b, int64_t first, int64_t width) {
    double* neg = buckets_.data();
    const int64_t stride = T_ + 1;
    if (T_ == 1 && !spec_.evenly_spaced) {
      // One threshold (Precision(), Recall(), TruePositives()... by default): sums in
      // registers instead of read-modify-writes on two buckets.
      const float t = sorted_[0];
      double pos = 0.0, pos_above = 0.0, neg_all = 0.0, neg_above = 0.0;
      for (int64_t r = 0; r < b.rows; ++r) {
        const double w = b.weight(r);
        for (int64_t j = 0; j < width; ++j) {
          const double positive = b.y_true[r * b.cols + first + j] != 0.0f;
          const double above = b.y_pred[r * b.cols + first + j] > t;
          pos += w * positive;
          pos_above += w * positive * above;
          neg_all += w * (1.0 - positive);
          neg_above += w * (1.0 - positive) * above;
        }
      }
      neg[0] += neg_all - neg_above;
      neg[1] += neg_above;
      neg[stride] += pos - pos_above;
      neg[stride + 1] += pos_above;
      return;
    }
    if (spec_.evenly_spaced && width == b.cols) {
      // Bucket indices first, in a loop the compiler vectorizes; then the scatter-add.
      const int64_t n = b.rows * width;
      if (int64_t(index_.size()) < n) index_.resize(size_t(n));
      const float scale = float(T_ - 1), floor = with_epsilon_ ? 0.0f : -1.0f;
      for (int64_t k = 0; k < n; ++k) {
        float y = std::min(std::max(b.y_pred[k], 0.0f), 1.0f);
        float bucket = std::max(std::ceil(y * scale) - 1.0f, floor);
        // NaN compares false everywhere: it exceeds no threshold (bucket 0).
        index_[size_t(k)] = (bucket >= -1.0f ? int64_t(bucket) + 1 : 0) +
                            (b.y_true[k] != 0.0f) * stride;
      }
      const int64_t* index = index_.data();
      for (int64_t r = 0; r < b.rows; ++r, index += width) {
        const double w = b.weight(r);
        for (int64_t j = 0; j < width; ++j) neg[index[j]] += w;
      }
      return;
    }
    for (int64_t r = 0; r < b.rows; ++r) {
      const float* pred = b.y_pred + r * b.cols + first;
      const float* truth = b.y_true + r * b.cols + first;
      const double w = b.weight(r);
      for (int64_t j = 0; j < width; ++j)
        neg[(truth[j] != 0.0f) * stride + thresholds_below(pred[j])] += w;
    }
  }

  // How many (sorted) thresholds the prediction exceeds: 0 .. T.
  int64_t thresholds_below(float p) const {
    if (spec_.evenly_spaced) {
      // Keras: bucket = ceil(clip(p, 0, 1) * (T - 1)) - 1 in float32, raised to 0 when the end
      // thresholds carry an epsilon; the prediction exceeds thresholds 0 .. bucket.
      float y = std::min(std::max(p, 0.0f), 1.0f);
      float bucket = std::ceil(y * float(T_ - 1)) - 1.0f;
      if (with_epsilon_) bucket = std::max(bucket, 0.0f);
      return bucket >= -1.0f ? int64_t(bucket) + 1 : 0;  // NaN stays NaN: it exceeds nothing
    }
    // A NaN exceeds nothing: every comparison with it is false.
    if (T_ <= 16) {  // short lists: count without branches
      int64_t n = 0;
      for (float t : sorted_) n += p > t;
      return n;
    }
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
      const double* neg = buckets_.data() + (l * 2) * stride;
      const double* pos = neg + stride;
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
  // [label][negative, positive][bucket]: bucket k holds the predictions that exceed exactly k
  // of the sorted thresholds.
  std::vector<double> buckets_;
  std::vector<int64_t> index_;                 // scratch: top_k order, bucket indices
  std::vector<char> top_;
};

}  // namespace

std::unique_ptr<MetricState::Impl> make_confusion_metric(const MetricSpec& spec) {
  return std::make_unique<ConfusionMetric>(spec);
}

}  // namespace densefit
