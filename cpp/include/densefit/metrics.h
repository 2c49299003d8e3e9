// Keras 3 metrics, accumulated natively. A MetricSpec says what a metric computes; a
// MetricState holds its running sums or counts (Keras's metric variables) and turns them into
// Keras's result. The Network updates its compiled metrics' states as each batch is computed;
// the same states serve standalone update_state()/result() calls.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "densefit/expression.h"
#include "densefit/losses.h"

namespace densefit {

struct MetricSpec {
  enum class Kind {
    // A weighted mean over samples of a per-sample value (Keras's MeanMetricWrapper); the
    // per-sample value of a multi-column output is the mean over its columns.
    LossFunction,                   // the loss's per-sample value (mse, mae, crossentropy...)
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
    TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
    RootMeanSquaredError,           // the mean of squared errors, square-rooted at result()
    // Weighted counts of (label, prediction > threshold) at each threshold:
    TruePositives, FalsePositives, TrueNegatives, FalseNegatives, Precision, Recall, AUC,
    SensitivityAtSpecificity, SpecificityAtSensitivity, PrecisionAtRecall, RecallAtPrecision,
    // Per-column sums:
    FBetaScore,       // true/false positives, false negatives and label weight per class
    R2Score,          // sum y, sum y^2, sum residual^2 and weight per output column
    ConfusionMatrix,  // num_classes x num_classes weighted counts, rows = true class
    Custom,           // a traced user function (densefit.ops), mean of its values
  };
  enum class Curve { ROC, PR, PRGain };
  enum class Summation { Interpolation, Minoring, Majoring };
  enum class Average { None, Micro, Macro, Weighted };                    // FBetaScore
  enum class Aggregation { None, UniformAverage, VarianceWeightedAverage };  // R2Score

  Kind kind = Kind::LossFunction;
  LossConfig loss;         // LossFunction
  std::shared_ptr<const Expression> expression;  // Custom
  // BinaryAccuracy, FBetaScore and ConfusionMatrix (one-column predictions). FBetaScore with
  // a NaN threshold marks each row's maximum instead, as Keras's threshold=None.
  float threshold = 0.5f;
  int64_t k = 5;                 // (Sparse)TopKCategoricalAccuracy
  bool from_sorted_ids = false;  // SparseTopKCategoricalAccuracy: y_pred holds class ids

  // Confusion counts. `thresholds` as Keras builds them (float32; AUC's with its epsilon end
  // points), in the user's order. `evenly_spaced` marks Keras's bucketed update (thresholds
  // i/(T-1), predictions clipped to [0, 1]); it must be set exactly when Keras sets it,
  // because the two updates differ for predictions outside [0, 1].
  std::vector<float> thresholds{0.5f};
  bool evenly_spaced = false;
  int64_t top_k = 0;       // Precision/Recall: only each row's top_k predictions count
  int64_t class_id = -1;   // only this column counts
  float value = 0.0f;      // the constraint of the "...At..." metrics
  Curve curve = Curve::ROC;
  Summation summation = Summation::Interpolation;
  bool multi_label = false;           // AUC: one curve per column, averaged
  std::vector<float> label_weights;   // AUC: per-column weights (empty: none)
  bool from_logits = false;           // AUC: a sigmoid maps predictions to probabilities

  Average average = Average::None;  // FBetaScore
  float beta = 1.0f;
  Aggregation aggregation = Aggregation::UniformAverage;  // R2Score
  int64_t num_regressors = 0;
  int64_t num_classes = 0;  // ConfusionMatrix: 0 = max(2, prediction columns)

  bool weighted = false;  // compiled: Keras passes sample weights only to `weighted_metrics`
};

// Throws std::invalid_argument if `spec` is inconsistent (e.g. no thresholds, k < 1).
void validate(const MetricSpec& spec);

// A metric's running state. Not thread-safe: the Network updates it under its run mutex.
class MetricState {
 public:
  explicit MetricState(MetricSpec spec);
  ~MetricState();
  MetricState(const MetricState&) = delete;
  MetricState& operator=(const MetricState&) = delete;

  const MetricSpec& spec() const { return spec_; }

  // Adds one batch: y_true is rows x target_dim (target_dim 1 holds class ids for sparse
  // metrics), y_pred rows x cols, sample_weight one weight per row or null. The first update
  // fixes the number of columns (as Keras builds its variables); a later batch with another
  // width throws std::invalid_argument, and so do shapes the metric cannot take.
  void update(const float* y_true, int64_t target_dim, const float* y_pred, int64_t cols,
              const float* sample_weight, int64_t rows);
  // Keras's result() from the state so far, row-major, with result_shape() dimensions
  // ({} for a scalar). Before any update, results are computed from zero counts.
  std::vector<double> result() const;
  std::vector<int64_t> result_shape() const;
  void reset();
  // The accumulators under Keras's variable names (true_positives, total, count, ...), each
  // with its shape; empty before the first update when their size depends on the data.
  struct Variable {
    std::string name;
    std::vector<int64_t> shape;
    std::vector<double> values;
  };
  std::vector<Variable> variables() const;

  struct Impl;  // one per metric family (cpp/src/metrics/)

 private:
  MetricSpec spec_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace densefit
