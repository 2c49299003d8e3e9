// Network internals: one layer's shape, where its parameters sit in the arena, and the
// scratch its forward pass leaves for backward.
#pragma once
#include <vector>

#include "densefit/network.h"
#include "layer_plan.h"

namespace densefit {

// The layout (offsets into params_ / grads_) is plan_layers' (layer_plan.h).
struct Network::Layer : LayerLayout {
  explicit Layer(const LayerLayout& layout) : LayerLayout(layout) {}
  std::vector<float> z, a;        // pre-activation and output, capacity x out_dim
  std::vector<float> saved;       // an op's per-row values for backward (capacity rows)
  const float* input = nullptr;   // set by forward, read by backward
  const float* output = nullptr;  // z, a or input (identity dropout)
};

// Per-sample values of a compiled metric for one batch (y_true has target_dim columns).
void metric_values(const MetricSpec& spec, const float* y_true, const float* y_pred,
                   int64_t rows, int64_t cols, int64_t target_dim, float* out);

// Keras constraint on a (rows x cols) kernel, or a bias with cols = 1.
void apply_constraint(const Constraint& c, float* w, int64_t rows, int64_t cols);

}  // namespace densefit
