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
  enum class Kind { Dense, Dropout, Activation, LayerNormalization };
  Kind kind = Kind::Dense;
  int64_t units = 0;  // Dense
  Activation activation = Activation::Linear;
  float activation_alpha = __builtin_nanf("");
  bool use_bias = true;
  Regularizer kernel_regularizer, bias_regularizer, activity_regularizer;
  Constraint kernel_constraint, bias_constraint;
  float rate = 0.0f;  // Dropout
  float epsilon = 1e-3f;              // LayerNormalization
  bool center = true, scale = true;   // LayerNormalization: has beta / gamma
  bool trainable = true;
};

}  // namespace densefit
