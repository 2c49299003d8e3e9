// Confusion counts at thresholds, as Keras's confusion metrics hold them, and the results
// Keras computes from them (confusion_results.cpp).
#pragma once
#include <cstdint>
#include <vector>

#include "densefit/metrics.h"

namespace densefit {

// Weighted true/false positives/negatives at T thresholds (in the spec's order) for L labels
// (L > 1 only for multi-label AUC), each laid out [T][L] like Keras's variables.
struct ConfusionCounts {
  int64_t thresholds = 0, labels = 1;
  std::vector<double> tp, fp, tn, fn;
  double at(const std::vector<double>& v, int64_t t, int64_t label = 0) const {
    return v[size_t(t * labels + label)];
  }
};

// Keras's result() for a confusion kind: one value per threshold for the counts, Precision
// and Recall (callers unwrap a single threshold), one value for AUC and the "...At..." kinds.
std::vector<double> confusion_result(const MetricSpec& spec, const ConfusionCounts& counts);

}  // namespace densefit
