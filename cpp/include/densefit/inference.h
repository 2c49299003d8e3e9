// Read-only forward passes for serving. An Inference views a stack of layers whose parameters
// live elsewhere (a Network's arena, or a model file's buffer) and never writes to them, so
// any number of threads may run one Inference at once: each thread has its own scratch.
#pragma once
#include <cstdint>
#include <vector>

#include "densefit/activations.h"
#include "densefit/interrupt.h"
#include "densefit/layer_spec.h"

namespace densefit {

class LayerOp;
class Network;
class ParamVersions;

// One layer of a forward pass. Dropout is the identity at inference and has no entry.
struct InferenceLayer {
  enum class Kind { Dense, Activation, Op };
  Kind kind = Kind::Dense;
  int64_t in_dim = 0, out_dim = 0;
  const float* kernel = nullptr;  // Dense: in_dim x out_dim, row-major (Keras's layout)
  const float* bias = nullptr;    // Dense: out_dim values, or null (use_bias=False)
  Activation activation = Activation::Linear;
  float activation_alpha = __builtin_nanf("");  // NaN: Keras's default
  // Op: a layer op (cpp/src/ops/layer_op.h) with its spec and parameters in Keras's order.
  const LayerOp* op = nullptr;
  LayerSpec spec;
  std::vector<const float*> params;
};

// Inference::run goes through large batches in chunks of this many rows (so a thread's scratch
// stays small); an interrupt is seen between chunks.
constexpr int64_t kInferenceChunkRows = 512;

class Inference {
 public:
  // Checks that the layers chain (each in_dim is the previous out_dim) and that every Dense
  // has a kernel. Throws std::invalid_argument otherwise.
  Inference(int64_t input_dim, std::vector<InferenceLayer> layers);

  // A view of `net`'s parameter arena (no copy) that must not outlive `net`. Each run reads
  // one whole weight version (ParamVersions): the newest, or, while a write (set_weights,
  // load_weights, a training run) is in progress on another thread, the one before it; never
  // a mix. Makes `net` keep versions (Network::serve_versions: its writes then copy the arena).
  static Inference of(Network& net);

  int64_t input_dim() const { return input_dim_; }
  int64_t output_dim() const { return output_dim_; }
  const std::vector<InferenceLayer>& layers() const { return layers_; }

  // out (rows x output_dim) = the forward pass of x (rows x input_dim), both row-major.
  // Thread-safe; takes no lock and never waits. Allocates only the first time a thread needs
  // more scratch than it has (a larger batch or a wider network). Results equal
  // Network::predict_run's. With `interrupt`, stops between chunks of rows once it sees a
  // request and throws Interrupted (densefit/interrupt.h) with the rows written.
  void run(const float* x, int64_t rows, float* out,
           const InterruptWatch* interrupt = nullptr) const;

 private:
  int64_t input_dim_, output_dim_, max_width_;
  std::vector<InferenceLayer> layers_;
  // Over a network: the layers' pointers lie in `origin_` (the live arena) and each run reads
  // them at the same offsets in the version it pinned. Null for a model file's weights.
  const ParamVersions* versions_ = nullptr;
  const float* origin_ = nullptr;
};

}  // namespace densefit
