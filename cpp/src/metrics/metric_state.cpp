// MetricState: picks the family that accumulates a kind, checks specs.
#include <cmath>
#include <stdexcept>

#include "metrics/accumulators.h"

namespace densefit {

using Kind = MetricSpec::Kind;

const char* metric_kind_name(Kind kind) {
  switch (kind) {
    case Kind::LossFunction: return "Loss metric";
    case Kind::Accuracy: return "Accuracy";
    case Kind::BinaryAccuracy: return "BinaryAccuracy";
    case Kind::CategoricalAccuracy: return "CategoricalAccuracy";
    case Kind::SparseCategoricalAccuracy: return "SparseCategoricalAccuracy";
    case Kind::TopKCategoricalAccuracy: return "TopKCategoricalAccuracy";
    case Kind::SparseTopKCategoricalAccuracy: return "SparseTopKCategoricalAccuracy";
    case Kind::RootMeanSquaredError: return "RootMeanSquaredError";
    case Kind::TruePositives: return "TruePositives";
    case Kind::FalsePositives: return "FalsePositives";
    case Kind::TrueNegatives: return "TrueNegatives";
    case Kind::FalseNegatives: return "FalseNegatives";
    case Kind::Precision: return "Precision";
    case Kind::Recall: return "Recall";
    case Kind::AUC: return "AUC";
    case Kind::SensitivityAtSpecificity: return "SensitivityAtSpecificity";
    case Kind::SpecificityAtSensitivity: return "SpecificityAtSensitivity";
    case Kind::PrecisionAtRecall: return "PrecisionAtRecall";
    case Kind::RecallAtPrecision: return "RecallAtPrecision";
    case Kind::FBetaScore: return "FBetaScore";
    case Kind::R2Score: return "R2Score";
    case Kind::ConfusionMatrix: return "ConfusionMatrix";
    case Kind::Custom: return "Custom metric";
  }
  return "Metric";
}

namespace {

bool counts_confusion(Kind kind) {
  switch (kind) {
    case Kind::TruePositives: case Kind::FalsePositives: case Kind::TrueNegatives:
    case Kind::FalseNegatives: case Kind::Precision: case Kind::Recall: case Kind::AUC:
    case Kind::SensitivityAtSpecificity: case Kind::SpecificityAtSensitivity:
    case Kind::PrecisionAtRecall: case Kind::RecallAtPrecision:
      return true;
    default:
      return false;
  }
}

}  // namespace

void validate(const MetricSpec& s) {
  if (s.kind == Kind::TopKCategoricalAccuracy || s.kind == Kind::SparseTopKCategoricalAccuracy)
    require(s.k >= 1, s.kind, "needs k >= 1, got " + std::to_string(s.k));
  if (counts_confusion(s.kind)) {
    require(!s.thresholds.empty(), s.kind, "needs at least one threshold");
    require(!s.evenly_spaced || s.thresholds.size() >= 3, s.kind,
            "evenly spaced thresholds need at least 3 values");
    require(s.top_k >= 0, s.kind, "needs top_k >= 1");
    for (float t : s.thresholds) require(!std::isnan(t), s.kind, "got a NaN threshold");
  }
  if (s.kind == Kind::FBetaScore) require(s.beta > 0.0f, s.kind, "needs beta > 0");
  if (s.kind == Kind::R2Score)
    require(s.num_regressors >= 0, s.kind, "needs num_regressors >= 0");
  if (s.kind == Kind::ConfusionMatrix)
    require(s.num_classes == 0 || s.num_classes >= 2, s.kind, "needs num_classes >= 2");
}

MetricState::MetricState(MetricSpec spec) : spec_(std::move(spec)) {
  validate(spec_);
  if (counts_confusion(spec_.kind)) impl_ = make_confusion_metric(spec_);
  else if (spec_.kind == Kind::FBetaScore) impl_ = make_fbeta_metric(spec_);
  else if (spec_.kind == Kind::R2Score) impl_ = make_r2_metric(spec_);
  else if (spec_.kind == Kind::ConfusionMatrix) impl_ = make_confusion_matrix_metric(spec_);
  else if (spec_.kind == Kind::Custom) impl_ = make_expression_metric(spec_);
  else impl_ = make_mean_metric(spec_);
}

MetricState::~MetricState() = default;

void MetricState::update(const float* y_true, int64_t target_dim, const float* y_pred,
                         int64_t cols, const float* sample_weight, int64_t rows) {
  if (rows <= 0) return;
  if (cols <= 0 || target_dim <= 0)
    throw std::invalid_argument(std::string(metric_kind_name(spec_.kind)) +
                                " needs at least one column in y_true and y_pred");
  impl_->update({y_true, target_dim, y_pred, cols, sample_weight, rows});
}

std::vector<double> MetricState::result() const { return impl_->result(); }
std::vector<int64_t> MetricState::result_shape() const { return impl_->result_shape(); }
void MetricState::reset() { impl_->reset(); }
std::vector<MetricState::Variable> MetricState::variables() const { return impl_->variables(); }

}  // namespace densefit
