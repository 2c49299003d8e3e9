// Keras's formulas from confusion counts: precision, recall, AUC (ROC, PR, PR-gain; Riemann
// sums or Davis & Goadrich's PR interpolation) and the best value under a constraint.
#include <algorithm>
#include <cmath>

#include "metrics/confusion_counts.h"

namespace densefit {
namespace {

using Kind = MetricSpec::Kind;

double divide_no_nan(double a, double b) { return b == 0.0 ? 0.0 : a / b; }

// Keras compares a ratio against the constraint in float32: compute it as Keras does (the
// counts are exact in float32 whenever the weights are integers).
float ratio32(double a, double b) { return b == 0.0 ? 0.0f : float(a) / float(b); }

// Area under one label's curve (Keras's AUC.result without the label average).
double auc_of_label(const MetricSpec& spec, const ConfusionCounts& c, int64_t l) {
  const int64_t T = c.thresholds;
  auto tp = [&](int64_t t) { return c.at(c.tp, t, l); };
  auto fp = [&](int64_t t) { return c.at(c.fp, t, l); };
  auto tn = [&](int64_t t) { return c.at(c.tn, t, l); };
  auto fn = [&](int64_t t) { return c.at(c.fn, t, l); };
  double area = 0.0;
  if (spec.curve == MetricSpec::Curve::PR &&
      spec.summation == MetricSpec::Summation::Interpolation) {
    // Interpolates true positives linearly in the number of predicted positives.
    for (int64_t i = 0; i + 1 < T; ++i) {
      double dtp = tp(i) - tp(i + 1);
      double p0 = tp(i) + fp(i), p1 = tp(i + 1) + fp(i + 1);
      double slope = divide_no_nan(dtp, std::max(p0 - p1, 0.0));
      double intercept = tp(i + 1) - slope * p1;
      double ratio = (p0 > 0.0 && p1 > 0.0) ? divide_no_nan(p0, std::max(p1, 0.0)) : 1.0;
      area += divide_no_nan(slope * (dtp + intercept * std::log(ratio)),
                            std::max(tp(i + 1) + fn(i + 1), 0.0));
    }
    return area;
  }
  auto point = [&](int64_t t, double& x, double& y) {
    double recall = divide_no_nan(tp(t), tp(t) + fn(t));
    switch (spec.curve) {
      case MetricSpec::Curve::ROC:
        x = divide_no_nan(fp(t), fp(t) + tn(t));
        y = recall;
        break;
      case MetricSpec::Curve::PR:
        x = recall;
        y = divide_no_nan(tp(t), tp(t) + fp(t));
        break;
      case MetricSpec::Curve::PRGain: {
        double scale = divide_no_nan(tp(t) + fn(t), tn(t) + fp(t));
        double recall_gain = 1.0 - scale * divide_no_nan(fn(t), tp(t));
        double precision_gain = 1.0 - scale * divide_no_nan(fp(t), tp(t));
        if (tp(t) == 0.0) recall_gain = 0.0, precision_gain = 1.0;
        x = std::max(recall_gain, 0.0);
        y = precision_gain;
        break;
      }
    }
  };
  double x0 = 0.0, y0 = 0.0, x1 = 0.0, y1 = 0.0;
  point(0, x0, y0);
  for (int64_t i = 0; i + 1 < T; ++i) {
    point(i + 1, x1, y1);
    double height = spec.summation == MetricSpec::Summation::Interpolation ? (y0 + y1) / 2.0
                    : spec.summation == MetricSpec::Summation::Minoring   ? std::min(y0, y1)
                                                                          : std::max(y0, y1);
    area += (x0 - x1) * height;
    x0 = x1;
    y0 = y1;
  }
  return area;
}

double auc(const MetricSpec& spec, const ConfusionCounts& c) {
  if (!spec.multi_label) return auc_of_label(spec, c, 0);
  double sum = 0.0, weighted = 0.0, weights = 0.0;
  for (int64_t l = 0; l < c.labels; ++l) {
    double a = auc_of_label(spec, c, l);
    sum += a;
    if (!spec.label_weights.empty()) {
      weighted += a * spec.label_weights[size_t(l)];
      weights += spec.label_weights[size_t(l)];
    }
  }
  if (spec.label_weights.empty()) return c.labels ? sum / double(c.labels) : 0.0;
  return divide_no_nan(weighted, weights);
}

// The largest `dependent` over thresholds where `constrained` >= spec.value (0 if none).
template <typename Constrained, typename Dependent>
double max_under_constraint(const MetricSpec& spec, int64_t T, Constrained constrained,
                            Dependent dependent) {
  double best = 0.0;
  for (int64_t t = 0; t < T; ++t)
    if (constrained(t) >= spec.value) best = std::max(best, double(dependent(t)));
  return best;
}

}  // namespace

std::vector<double> confusion_result(const MetricSpec& spec, const ConfusionCounts& c) {
  const int64_t T = c.thresholds;
  std::vector<double> out;
  auto per_threshold = [&](auto f) {
    for (int64_t t = 0; t < T; ++t) out.push_back(f(t));
    return out;
  };
  auto tp = [&](int64_t t) { return c.at(c.tp, t); };
  auto fp = [&](int64_t t) { return c.at(c.fp, t); };
  auto tn = [&](int64_t t) { return c.at(c.tn, t); };
  auto fn = [&](int64_t t) { return c.at(c.fn, t); };
  auto sensitivity = [&](int64_t t) { return ratio32(tp(t), tp(t) + fn(t)); };
  auto specificity = [&](int64_t t) { return ratio32(tn(t), tn(t) + fp(t)); };
  auto precision = [&](int64_t t) { return ratio32(tp(t), tp(t) + fp(t)); };
  switch (spec.kind) {
    case Kind::TruePositives: return c.tp;
    case Kind::FalsePositives: return c.fp;
    case Kind::TrueNegatives: return c.tn;
    case Kind::FalseNegatives: return c.fn;
    case Kind::Precision:
      return per_threshold([&](int64_t t) { return divide_no_nan(tp(t), tp(t) + fp(t)); });
    case Kind::Recall:
      return per_threshold([&](int64_t t) { return divide_no_nan(tp(t), tp(t) + fn(t)); });
    case Kind::AUC: return {auc(spec, c)};
    case Kind::SensitivityAtSpecificity:
      return {max_under_constraint(spec, T, specificity, sensitivity)};
    case Kind::SpecificityAtSensitivity:
      return {max_under_constraint(spec, T, sensitivity, specificity)};
    case Kind::PrecisionAtRecall:
      return {max_under_constraint(spec, T, sensitivity, precision)};
    case Kind::RecallAtPrecision:
      return {max_under_constraint(spec, T, precision, sensitivity)};
    default:
      return {};
  }
}

}  // namespace densefit
