// Keras 3 losses: per-sample values and their gradient with respect to y_pred.
#pragma once
#include <cstdint>
#include <string>

namespace densefit {

enum class LossKind {
  BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
  BinaryFocalCrossentropy, MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
  MeanSquaredLogarithmicError, Huber, LogCosh, Hinge, SquaredHinge, CategoricalHinge,
  KLDivergence, Poisson, CosineSimilarity
};

enum class Reduction { SumOverBatchSize, Sum, Mean, None };

struct LossConfig {
  LossKind kind = LossKind::MeanSquaredError;
  bool from_logits = false;
  float label_smoothing = 0.0f;
  float delta = 1.0f;                  // Huber
  float gamma = 2.0f;                  // BinaryFocalCrossentropy
  float alpha = 0.25f;                 // BinaryFocalCrossentropy
  bool apply_class_balancing = false;  // BinaryFocalCrossentropy
  Reduction reduction = Reduction::SumOverBatchSize;
};

// Keras serialized class name ("BinaryCrossentropy") or function name ("binary_crossentropy",
// "mse", ...) -> kind. Throws std::invalid_argument listing the valid names.
LossKind loss_from_name(const std::string& name);

// Per-sample loss for `rows` samples. y_pred is rows x cols. y_true is rows x cols, except for
// SparseCategoricalCrossentropy where it is rows x 1 holding class indices as floats.
// Writes per_sample[rows] (the loss already averaged over the last axis as Keras does).
void loss_per_sample(const LossConfig& cfg, const float* y_true, const float* y_pred,
                     int64_t rows, int64_t cols, float* per_sample);

// d_pred[r, c] = scale[r] * d(per_sample[r]) / d(y_pred[r, c]).
// `scale` carries sample weight and the reduction's normalizer (e.g. sw[r] / rows).
void loss_backward(const LossConfig& cfg, const float* y_true, const float* y_pred,
                   const float* scale, int64_t rows, int64_t cols, float* d_pred);

}  // namespace densefit
