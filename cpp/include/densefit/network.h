// A dense network on one device: parameters, gradients, optimizer slots, metric accumulators
// and scratch, all allocated up front. Forward, loss, backward and update of a batch are one
// call (train_step); a step run executes many of them over rows gathered by index from the
// caller's arrays.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "densefit/interrupt.h"
#include "densefit/layer_spec.h"
#include "densefit/losses.h"
#include "densefit/metrics.h"
#include "densefit/optimizer.h"
#include "densefit/param_versions.h"

namespace densefit {

class LayerOp;

// A metric the network updates as it computes each batch (MetricSpec: densefit/metrics.h).
// The state may be shared with its Python metric object, which then reads the same counts
// (Keras keeps the variables in the metric object the user passed to compile).
struct CompiledMetric {
  std::shared_ptr<MetricState> state;
  bool weighted = false;  // Keras passes sample weights only to `weighted_metrics`
};

// Arrays of one step run, all row-major float32 and owned by the caller. `order` (may be
// null: rows in order) lists the rows of the run's samples; batch b takes
// order[start + b*batch_size, ...). With `interrupt` set, a run stops between batches (row
// chunks for predict) once it sees a request and throws Interrupted (densefit/interrupt.h).
struct RunData {
  const float* x = nullptr;      // rows x input_dim
  const float* y = nullptr;      // rows x target_dim (train / evaluate)
  int64_t target_dim = 0;        // 1 for sparse labels
  const float* sample_weight = nullptr;  // rows, optional
  const int64_t* order = nullptr;
  int64_t num_samples = 0;  // length of the sample sequence (order's length if given)
  const InterruptWatch* interrupt = nullptr;  // null: runs to the end
};

// What both backends' networks keep on the host and how they answer for it (Network below;
// cuda::CudaNetwork in cuda/network.h): the parameter arena and its segments, the optimizer
// and its slots, the compiled loss and metrics with the running loss, and the seed and step
// counter that dropout draws from.
class NetworkBase {
 public:
  NetworkBase(const NetworkBase&) = delete;
  NetworkBase& operator=(const NetworkBase&) = delete;

  // Parameters, in Keras order: per Dense layer kernel (in x out) then bias (out). Writing
  // through params() bypasses the weight versions below: readers that take no lock may see
  // such a write half done. write_params is the way to change weights while serving.
  int64_t num_params() const { return int64_t(params_.size()); }
  float* params() { return params_.data(); }
  const float* params() const { return params_.data(); }

  // Weight versions (param_versions.h). A version is the arena between two writes; each of
  // these is one: a write_params call, a training run (train_run), the EMA swap
  // (finalize_optimizer). Writes hold the run mutex, so they also serialize with runs.
  struct ParamSpan {
    int64_t offset = 0;          // into params()
    const float* values = nullptr;
    int64_t count = 0;
  };
  // Copies every span into the arena as ONE version. Checks all spans first: one outside
  // the arena throws std::invalid_argument and nothing is written.
  void write_params(const std::vector<ParamSpan>& spans);
  // out[0, count) = params [offset, offset + count) of one whole version: the newest (or,
  // while a write is in progress on another thread, the one before it).
  void read_params(int64_t offset, int64_t count, float* out);
  // The versions lock-free readers pin (Inference::of). Made on the first call; from then on
  // every write first copies the arena once (the version readers keep while it changes), so
  // a served network that changes holds its arena twice.
  const ParamVersions& serve_versions();
  // Counts the writes of the arena that have ended (each kind above). Models that share a
  // layer copy its weights from the network that holds them when this has moved since
  // their last copy; a copy taken during a write sees the count before it, so it is redone.
  uint64_t weights_generation() const { return weights_generation_.load(std::memory_order_acquire); }
  const std::vector<ParamSegment>& segments() const { return segments_; }
  int64_t output_dim() const { return output_dim_; }
  int64_t input_dim() const { return input_dim_; }

  bool compiled() const { return bool(optimizer_); }
  Optimizer& optimizer() { return *optimizer_; }
  float* optimizer_slots() { return slots_.data(); }
  int64_t optimizer_slot_size() const { return int64_t(slots_.size()); }

  // Running results since the last reset: the loss (total loss, weighted by batch size as
  // Keras's loss tracker) then each compiled metric's result (its first value where a
  // metric has several: metrics()[i].state->result() has them all).
  void reset_results();
  std::vector<double> results() const;
  double loss_result() const {
    return loss_weight_sum_ > 0.0 ? loss_sum_ / loss_weight_sum_ : 0.0;
  }
  const std::vector<CompiledMetric>& metrics() const { return metrics_; }

  // Dropout and shuffling draw from (seed, stream); the step counter moves dropout on.
  uint64_t seed() const { return seed_; }
  int64_t steps_taken() const { return steps_; }
  void set_steps_taken(int64_t s) { steps_ = s; }

  // How many rows make one sample (time steps: the Python model's row layout). Keras divides
  // an activity penalty by the batch's sample count, which is rows / rows_per_sample.
  int64_t rows_per_sample() const { return rows_per_sample_; }
  void set_rows_per_sample(int64_t r) {
    if (r < 1) throw std::invalid_argument("rows_per_sample must be positive");
    rows_per_sample_ = r;
  }

 protected:
  NetworkBase(int64_t input_dim, uint64_t seed) : input_dim_(input_dim), seed_(seed) {}
  ~NetworkBase() = default;
  // The loss tracker: one batch of `rows` rows and total loss `loss`.
  void track_loss(double loss, int64_t rows) {
    loss_sum_ += loss * double(rows);
    loss_weight_sum_ += double(rows);
  }

  // Runs are serialized by a mutex: they share the scratch buffers, so concurrent calls
  // (from threads that released the GIL) wait for each other instead of corrupting them.
  std::mutex run_mutex_;
  // One write of the arena, with run_mutex_ held: a weight version for lock-free readers
  // (ParamVersions::Write), counted in weights_generation() when it ends. Constructing it may
  // throw before anything changed (then nothing is counted).
  class ArenaWrite {
   public:
    explicit ArenaWrite(NetworkBase& n)
        : generation_(n.weights_generation_), write_(n.versions_.load(std::memory_order_relaxed)) {}
    ~ArenaWrite() { generation_.fetch_add(1, std::memory_order_release); }
    ArenaWrite(const ArenaWrite&) = delete;
    ArenaWrite& operator=(const ArenaWrite&) = delete;

   private:
    std::atomic<uint64_t>& generation_;
    ParamVersions::Write write_;
  };
  std::atomic<uint64_t> weights_generation_{0};
  // Null until serve_versions(); set under run_mutex_, where writers read it.
  std::atomic<ParamVersions*> versions_{nullptr};
  std::unique_ptr<ParamVersions> versions_owner_;
  int64_t input_dim_, output_dim_ = 0, target_dim_ = 0;
  int64_t rows_per_sample_ = 1;
  uint64_t seed_;
  int64_t steps_ = 0;
  std::vector<float> params_, slots_;
  std::vector<ParamSegment> segments_;
  LossConfig loss_;
  float loss_weight_ = 1.0f;
  std::unique_ptr<Optimizer> optimizer_;
  std::vector<CompiledMetric> metrics_;
  // Scratch, sized for `capacity_` rows; grows only between steps.
  int64_t capacity_ = 0, max_width_ = 0;
  double loss_sum_ = 0.0, loss_weight_sum_ = 0.0;  // the loss tracker
};

class Network : public NetworkBase {
 public:
  Network(int64_t input_dim, std::vector<LayerSpec> layers, uint64_t seed);
  ~Network();

  void set_trainable(size_t layer, bool trainable);
  // One layer as a read-only forward pass sees it (inference.h): its spec, widths and where
  // its kernel and bias sit in params() (-1 where it has none).
  struct LayerInfo {
    LayerSpec spec;
    int64_t in_dim, out_dim, kernel_offset, bias_offset;
    const LayerOp* op;                  // the kinds that run as layer ops (ops/layer_op.h)
    std::vector<int64_t> param_offsets;  // an op's parameters, in Keras's order
  };
  std::vector<LayerInfo> layer_infos() const;

  // Loss, optimizer and metrics for training and evaluation. Resets optimizer state.
  void compile(const LossConfig& loss, const OptimizerConfig& optimizer,
               std::vector<CompiledMetric> metrics, float loss_weight = 1.0f);
  // The same with a fresh state per spec (weighted as spec.weighted).
  void compile(const LossConfig& loss, const OptimizerConfig& optimizer,
               std::vector<MetricSpec> metrics, float loss_weight = 1.0f);
  // End of fit: EMA weights replace the parameters when the optimizer keeps them.
  void finalize_optimizer();

  // Runs `num_batches` batches starting at sample `start` of `data` (one run at a time); a
  // batch_size past the end of the data makes one batch of what is left. Accumulates into
  // the running results; returns nothing (read results()). Interrupted(done) leaves the
  // network as a run of `done` batches would have.
  void train_run(const RunData& data, int64_t start, int64_t batch_size, int64_t num_batches);
  void evaluate_run(const RunData& data, int64_t start, int64_t batch_size, int64_t num_batches);
  // Forward pass of rows [start, start + count) (or order[...]), writing count x output_dim.
  // Interrupted(done): rows [start, start + done) are written. `training` runs it as
  // Keras's model(x, training=True): dropout active (inverted scaling), each batch with fresh
  // masks from streams fit does not use, and layer state updated as Keras does (the moving
  // statistics of BatchNormalization); trained weights, optimizer and fit's step counter
  // unchanged.
  void predict_run(const RunData& data, int64_t start, int64_t count, int64_t batch_size,
                   float* out, bool training = false);

  // Restoring a checkpoint puts the stream back where the saved network had it; a new seed
  // also restarts the masks of training-mode calls.
  void set_seed(uint64_t seed) {
    seed_ = seed;
    training_calls_ = 0;
  }

 private:
  struct Layer;
  void ensure_capacity(int64_t rows, int64_t target_dim);
  const float* gather(const float* src, int64_t width, const RunData& d, int64_t first,
                      int64_t count, float* buffer) const;
  // Where a training-mode forward draws its dropout masks: Philox(seed_, stream + layer) at
  // `counter`. forward(..., nullptr) is the inference pass (dropout is the identity).
  struct DropoutDraw {
    uint64_t stream, counter;
  };
  const float* forward(const float* x, int64_t rows, const DropoutDraw* dropout);
  double loss_and_grad(const float* y, const float* sw, int64_t rows, bool want_grad);
  void backward(int64_t rows);
  static void add_regularizer_grad(const Regularizer& reg, const float* w, float* g, int64_t n);
  double regularization_loss() const;
  void apply_constraints();
  void accumulate_metrics(const float* y, const float* sw, int64_t rows, double total_loss);
  void run_batches(const RunData& d, int64_t start, int64_t batch_size, int64_t num_batches,
                   bool training);

  std::vector<Layer> layers_;
  std::vector<float> grads_;
  double activity_loss_ = 0.0;  // of the current batch
  int64_t training_calls_ = 0;   // training-mode predict batches so far (their mask counter)
  bool has_state_ = false;       // some layer updates state in training (a moving mean)
  std::unique_ptr<ExpressionEvaluator> loss_expression_;  // a traced user loss, if any
  std::vector<float> x_buf_, y_buf_, sw_buf_, grad_a_, grad_b_, per_sample_, scale_;  // scratch
};

}  // namespace densefit
