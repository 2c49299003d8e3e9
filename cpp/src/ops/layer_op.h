// A layer op: what one layer kind computes, over buffers the engine owns. The training
// network (network.cpp) and serving (inference.cpp, model files) run a layer through its op,
// so adding a layer kind is one op file, not a case in every engine loop. This is Engine v2's
// layer seam on the CPU; Dense, Dropout and Activation still run inline and move here next.
#pragma once
#include <cstdint>
#include <vector>

#include "densefit/layer_spec.h"

namespace densefit {

// The most parameters one op has (the engines pass them in fixed arrays, not allocations).
constexpr int kMaxOpParams = 8;

// One forward pass of a layer over `rows` rows: out (rows x out_dim) from in (rows x in_dim).
// `params` holds the layer's parameters in Keras's weight order (parameter_sizes), in the
// weight version the pass reads. `saved` (rows x saved_per_row) is what a training pass keeps
// for backward; null at inference.
struct OpForward {
  const float* in = nullptr;
  float* out = nullptr;
  int64_t rows = 0, in_dim = 0, out_dim = 0;
  const float* const* params = nullptr;
  float* saved = nullptr;
};

// The backward pass of the forward above: d_in (rows x in_dim, null when no earlier layer
// needs it) from d_out (rows x out_dim), and each parameter's gradient written (not added)
// into `grads` (null when the layer is frozen).
struct OpBackward {
  const float* in = nullptr;
  const float* out = nullptr;
  const float* d_out = nullptr;
  float* d_in = nullptr;
  int64_t rows = 0, in_dim = 0, out_dim = 0;
  const float* const* params = nullptr;
  float* const* grads = nullptr;
  const float* saved = nullptr;
};

class LayerOp {
 public:
  virtual ~LayerOp() = default;
  // The layer's output width for `in_dim` inputs; throws std::invalid_argument for a spec it
  // cannot run.
  virtual int64_t output_width(const LayerSpec&, int64_t in_dim) const { return in_dim; }
  // Sizes of the layer's parameters, in Keras's weight order.
  virtual std::vector<int64_t> parameter_sizes(const LayerSpec& spec, int64_t in_dim) const = 0;
  // Floats per row a training forward keeps for backward.
  virtual int64_t saved_per_row(const LayerSpec&) const { return 0; }
  virtual void forward(const LayerSpec& spec, const OpForward& a) const = 0;
  virtual void backward(const LayerSpec& spec, const OpBackward& a) const = 0;
  // The Keras class name, for messages, and the kind as the Python shell names it.
  virtual const char* name() const = 0;
  virtual const char* kind() const = 0;
};

// The op of a layer kind, or null for the kinds the engines still run inline.
const LayerOp* layer_op(LayerSpec::Kind kind);

}  // namespace densefit
