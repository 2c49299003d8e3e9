// Keras 3 losses: per-sample values and their gradient with respect to y_pred.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "densefit/expression.h"

namespace densefit {

enum class LossKind {
  BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
  BinaryFocalCrossentropy, MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
  MeanSquaredLogarithmicError, Huber, LogCosh, Hinge, SquaredHinge, CategoricalHinge,
  KLDivergence, Poisson, CosineSimilarity
};

// How the Network reduces per-sample losses to the batch loss (Keras's `reduction`).
// MeanWithSampleWeight divides by the sum of sample weights instead of the sample count.
enum class Reduction { SumOverBatchSize, Sum, Mean, None, MeanWithSampleWeight };

struct LossConfig {
  LossKind kind = LossKind::MeanSquaredError;
  bool from_logits = false;
  float label_smoothing = 0.0f;
  float delta = 1.0f;                  // Huber
  float gamma = 2.0f;                  // BinaryFocalCrossentropy
  float alpha = 0.25f;                 // BinaryFocalCrossentropy
  bool apply_class_balancing = false;  // BinaryFocalCrossentropy
  // SparseCategoricalCrossentropy(ignore_class=...): rows whose label equals ignore_class get
  // loss 0 and gradient 0. Keras also masks them out of the reduction: for SumOverBatchSize
  // and Mean the caller divides by the number of non-ignored rows instead of `rows`.
  bool has_ignore_class = false;
  int64_t ignore_class = 0;
  Reduction reduction = Reduction::SumOverBatchSize;
  // A traced user loss (densefit.ops): when set, it replaces `kind` and the reduction (its
  // graph already weights and reduces the batch, as Keras's LossFunctionWrapper does).
  std::shared_ptr<const Expression> expression;
};

// Keras serialized class name ("BinaryCrossentropy") or function name ("binary_crossentropy",
// "mse", ...) -> kind. Throws std::invalid_argument listing the valid names.
LossKind loss_from_name(const std::string& name);

// Per-sample loss for `rows` samples. y_pred is rows x cols. y_true is rows x cols, except for
// SparseCategoricalCrossentropy where it is rows x 1 holding class indices as floats.
// Writes per_sample[rows]: the loss reduced over the last axis as Keras does (a mean, except
// (Sparse)CategoricalCrossentropy, CategoricalHinge, KLDivergence and CosineSimilarity: a sum).
// Hinge and SquaredHinge map {0,1} labels to {-1,1} only when every label in the call is 0 or
// 1 (Keras decides per batch), so pass the whole batch in one call.
void loss_per_sample(const LossConfig& cfg, const float* y_true, const float* y_pred,
                     int64_t rows, int64_t cols, float* per_sample);

// d_pred[r, c] = scale[r] * d(per_sample[r]) / d(y_pred[r, c]).
// `scale` carries sample weight and the reduction's normalizer (e.g. sw[r] / rows).
void loss_backward(const LossConfig& cfg, const float* y_true, const float* y_pred,
                   const float* scale, int64_t rows, int64_t cols, float* d_pred);

}  // namespace densefit
