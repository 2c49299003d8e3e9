// Where a stack of layers puts its parameters: each layer's widths and the offsets of its
// kernel and bias in the parameter arena, the arena's segments and size, and the widest
// activation. One layout for both backends (cpp/src/network.cpp, cuda/network.cpp), so the
// arena a Python layer views is the same on either.
#pragma once
#include <cstdint>
#include <vector>

#include "densefit/network.h"
#include "ops/layer_op.h"

namespace densefit {

// One layer's shape and place in the arena.
struct LayerLayout {
  LayerSpec spec;
  int64_t in_dim = 0, out_dim = 0;
  int64_t kernel_offset = -1, bias_offset = -1;  // into the arena (Dense only)
  const LayerOp* op = nullptr;                   // the kinds that run as layer ops
  std::vector<int64_t> param_offsets;            // an op's parameters, in Keras's order
  size_t trainable_params = 0;                   // how many of them are trained (the rest: state)
  bool needs_input_grad = false;                 // some earlier layer has parameters
};

struct LayerPlan {
  std::vector<LayerLayout> layers;
  std::vector<ParamSegment> segments;  // per Dense layer: kernel (in x out), then bias (out);
                                       // per op layer: its parameters in Keras's order
  int64_t num_params = 0;
  int64_t output_dim = 0;
  int64_t max_width = 0;  // of the input and every layer's output
};

// Lays out `specs` after an input of `input_dim` features, in Keras order. Throws
// std::invalid_argument for a non-positive input_dim or Dense units, or a Dropout rate
// outside [0, 1), and std::length_error when a kernel or the whole arena would hold more
// floats than a buffer can (int64 overflow included).
LayerPlan plan_layers(int64_t input_dim, const std::vector<LayerSpec>& specs);

// Sets a layer's trainable flag and that of its kernel and bias segments.
void set_layer_trainable(LayerLayout& layer, std::vector<ParamSegment>& segments,
                         bool trainable);

}  // namespace densefit
