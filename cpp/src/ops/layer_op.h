// A layer op: what one layer kind computes, over buffers the engine owns. The training
// network (network.cpp) and serving (inference.cpp, model files) run a layer through its op,
// so adding a layer kind is one op file, not a case in every engine loop. This is Engine v2's
// layer seam on the CPU; Dense, Dropout and Activation still run inline and move here next.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "densefit/layer_spec.h"
#include "densefit/rng.h"

namespace densefit {

// The most parameters one op has (the engines pass them in fixed arrays, not allocations).
constexpr int kMaxOpParams = 8;

// One forward pass of a layer over `rows` rows: out (rows x out_dim) from in (rows x in_dim).
// `params` holds the layer's parameters in Keras's weight order (parameter_sizes), in the
// weight version the pass reads. `training`: Keras's training=True (fit, train_on_batch,
// model(x, training=True)). `saved` (saved_floats of them) is what a training pass keeps for
// backward, and `state` the writable state parameters (those after trainable_parameters) a
// training pass updates; both null at inference. `rng` (training passes only) is this layer's
// random stream and `rng_position` where this batch's draws start (a fresh 2^32 values per
// batch), so a seeded fit draws the same noise every run.
struct OpForward {
  const float* in = nullptr;
  float* out = nullptr;
  int64_t rows = 0, in_dim = 0, out_dim = 0;
  const float* const* params = nullptr;
  float* saved = nullptr;
  bool training = false;
  float* const* state = nullptr;
  const Philox* rng = nullptr;
  uint64_t rng_position = 0;
};

// The backward pass of a training forward: d_in (rows x in_dim, null when no earlier layer
// needs it) from d_out (rows x out_dim), and each trainable parameter's gradient written (not
// added) into `grads` (null when the layer is frozen).
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
  // How many of them (from the first) the optimizer trains; the rest are state the layer
  // updates itself (a moving mean), never trainable.
  virtual size_t trainable_parameters(const LayerSpec& spec, int64_t in_dim) const {
    return parameter_sizes(spec, in_dim).size();
  }
  // Floats a training forward of `rows` rows keeps for backward.
  virtual int64_t saved_floats(const LayerSpec&, int64_t /*in_dim*/, int64_t /*rows*/) const {
    return 0;
  }
  // Whether the layer passes its input through unchanged outside training (the noise
  // layers): serving then leaves it out, as it does Dropout.
  virtual bool identity_at_inference(const LayerSpec&) const { return false; }
  virtual void forward(const LayerSpec& spec, const OpForward& a) const = 0;
  virtual void backward(const LayerSpec& spec, const OpBackward& a) const = 0;
  // The Keras class name, for messages, and the kind as the Python shell and model files
  // name it.
  virtual const char* name() const = 0;
  virtual const char* kind() const = 0;
  virtual LayerSpec::Kind spec_kind() const = 0;
  // The spec's arguments this op reads, in a fixed order (what a model file stores), and
  // their inverse; set_attributes throws std::invalid_argument for a wrong count.
  virtual std::vector<double> attributes(const LayerSpec&) const { return {}; }
  virtual void set_attributes(LayerSpec& spec, const std::vector<double>& values) const {
    expect_attributes(values, 0);
    spec.kind = spec_kind();
  }

 protected:
  void expect_attributes(const std::vector<double>& values, size_t count) const;
};

// The op of a layer kind, or null for the kinds the engines still run inline.
const LayerOp* layer_op(LayerSpec::Kind kind);
// The op whose kind() is `kind` ("layer_normalization"), or null.
const LayerOp* layer_op_named(const std::string& kind);

}  // namespace densefit
