// densefit::Network on a CUDA device: the same API and the same math (cpp/src/network.cpp),
// with the parameters, gradients, optimizer slots, scratch and the run's data on the device.
// A step run uploads the arrays once (cached across the runs of a fit), gathers batches on
// the device, and replays one captured CUDA graph per batch shape. Loss values and metric
// inputs stay on the device until the run ends; metrics are then updated on the host by the
// core's MetricState (one implementation of every metric for both backends).
//
// The host arena (params(), optimizer_slots()) stays the source of truth between runs: the
// Python layers hold views of it. Each run uploads it first and downloads it at the end.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "densefit/network.h"
#include "layer_plan.h"
#include "optimizer_kernels.h"

namespace densefit {
namespace cuda {

bool device_usable(int device, std::string* why);
int device_count();

// The host side (arena, segments, optimizer, slots, metrics, loss tracker, seed, steps) is
// NetworkBase's, as the CPU Network's.
class CudaNetwork : public NetworkBase {
 public:
  CudaNetwork(int64_t input_dim, std::vector<LayerSpec> layers, uint64_t seed, int device = 0);
  ~CudaNetwork();

  void set_trainable(size_t layer, bool trainable);

  void compile(const LossConfig& loss, const OptimizerConfig& optimizer,
               std::vector<CompiledMetric> metrics, float loss_weight = 1.0f);
  void finalize_optimizer();

  void train_run(const RunData& data, int64_t start, int64_t batch_size, int64_t num_batches);
  void evaluate_run(const RunData& data, int64_t start, int64_t batch_size, int64_t num_batches);
  // `training`: Keras's model(x, training=True), as Network::predict_run.
  void predict_run(const RunData& data, int64_t start, int64_t count, int64_t batch_size,
                   float* out, bool training = false);

  void set_seed(uint64_t seed);

  // CUDA only: replay captured graphs (default) or launch every kernel eagerly. Both give
  // bit-identical results (the tests check it).
  void set_use_graphs(bool on) { use_graphs_ = on; }
  bool use_graphs() const { return use_graphs_; }
  int device() const { return device_; }
  // Drops the device copies of the caller's arrays (the next run uploads them again).
  void release_data();

  struct Impl;  // device buffers, stream, graphs (network.cpp)

 private:
  struct Layer : LayerLayout {  // the CPU's layout (plan_layers)
    explicit Layer(const LayerLayout& layout) : LayerLayout(layout) {}
    float *z = nullptr, *a = nullptr;  // device scratch, capacity x out_dim
    const float* input = nullptr;
    const float* output = nullptr;
  };
  void run(const RunData& d, int64_t start, int64_t batch_size, int64_t num_batches,
           bool training);
  void enqueue_step(int64_t rows, int64_t batch_size, bool training, const float* x, const float* y,
                    const float* sw, const int64_t* order);
  // Dropout (when training) draws from Philox(seed_, dropout_stream + layer).
  const float* forward(const float* x, int64_t rows, bool training, uint64_t dropout_stream);
  void backward(int64_t rows);
  void ensure_capacity(int64_t rows, int64_t target_dim);
  void upload_segments();
  std::vector<StepScalars> step_table(int64_t steps);
  void push_state();
  void pull_state();

  int device_;
  bool use_graphs_ = true;
  std::vector<Layer> layers_;
  RuleParams rule_;
  std::vector<int> reg_slots_;  // per layer: index of its regularization double, or -1
  int reg_count_ = 0;
  // Nadam's running product of momentum factors (host side of its step scalars).
  float nadam_u_product_ = 1.0f;
  int64_t nadam_u_step_ = 0;
  int64_t training_calls_ = 0;  // training-mode predict batches so far (their mask counter)
  std::unique_ptr<Impl> impl_;
};

}  // namespace cuda
}  // namespace densefit
