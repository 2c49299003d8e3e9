// One layer of a network as the engines take it: its kind and Keras's arguments.
#pragma once
#include <cstdint>

#include "densefit/activations.h"

namespace densefit {

struct Regularizer {
  float l1 = 0.0f, l2 = 0.0f;
  bool active() const { return l1 != 0.0f || l2 != 0.0f; }
};

// Keras constraints, applied to a kernel (in x out) along `axis` after each update.
struct Constraint {
  enum class Kind { None, MaxNorm, NonNeg, UnitNorm, MinMaxNorm };
  Kind kind = Kind::None;
  float min_value = 0.0f, max_value = 2.0f, rate = 1.0f;
  int axis = 0;
};

struct LayerSpec {
  // Dense, Dropout and Activation run inline in the engines; every later kind is a layer op
  // (cpp/src/ops/layer_op.h), which both the training network and serving run.
  enum class Kind {
    Dense, Dropout, Activation, LayerNormalization, BatchNormalization, Relu, PRelu, Rescaling,
    UnitNormalization, Normalization, GaussianNoise, GaussianDropout, AlphaDropout, Embedding
  };
  Kind kind = Kind::Dense;
  int64_t units = 0;       // Dense; Embedding: output_dim
  int64_t vocabulary = 0;  // Embedding: input_dim, the table's rows
  Activation activation = Activation::Linear;
  float activation_alpha = __builtin_nanf("");
  bool use_bias = true;
  Regularizer kernel_regularizer, bias_regularizer, activity_regularizer;
  Constraint kernel_constraint, bias_constraint;
  float rate = 0.0f;  // Dropout, GaussianDropout, AlphaDropout
  float stddev = 0.0f;  // GaussianNoise
  float epsilon = 1e-3f;              // Layer/BatchNormalization
  bool center = true, scale = true;   // Layer/BatchNormalization: has beta / gamma
  double momentum = 0.99;             // BatchNormalization (1 - momentum rounds as Keras's)
  // ReLU: Keras's relu(x, negative_slope, max_value, threshold); max_value infinite for None.
  float negative_slope = 0.0f, max_value = __builtin_inff(), threshold = 0.0f;
  float factor = 1.0f, offset = 0.0f;  // Rescaling: x * factor + offset
  bool invert = false, scalar = false;  // Normalization: the inverse; one mean for all values
  bool trainable = true;
};

}  // namespace densefit
