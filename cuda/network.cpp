// CudaNetwork: densefit's Network on a CUDA device (see network.h). Mirrors
// cpp/src/network.cpp step for step; kernels are in gemm.cu, pointwise.cu, loss.cu and
// optimizer.cu.
#include "network.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <stdexcept>
#include <tuple>

#include "cuda_check.h"
#include "densefit/schedules.h"
#include "kernels.h"
#include "run_bounds.h"

namespace densefit {
namespace cuda {
namespace {

constexpr uint64_t kDropoutStream = uint64_t(1) << 32;  // as the CPU Network
constexpr uint64_t kCallDropoutStream = uint64_t(2) << 32;  // model(x, training=True), as the CPU's
constexpr int64_t kMaxStepsPerChunk = 1024;             // bounds the per-run logs

// Owned device memory; grows only (between steps), never shrinks.
template <class T>
struct DeviceArray {
  T* ptr = nullptr;
  int64_t size = 0;
  DeviceArray() = default;
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  ~DeviceArray() { if (ptr) cudaFree(ptr); }
  // True when the pointer moved (captured graphs that use it are stale). The new block is
  // allocated before the old one is freed: a failed allocation leaves the array as it was
  // (contents included), never a freed pointer with its old size.
  bool reserve(int64_t n) {
    if (n <= size) return false;
    if (n > std::numeric_limits<int64_t>::max() / int64_t(sizeof(T)))
      throw std::length_error("a device buffer of " + std::to_string(n) + " elements is more than fits in memory");
    T* fresh = nullptr;
    DF_CUDA_CHECK(cudaMalloc(&fresh, sizeof(T) * size_t(std::max<int64_t>(n, 1))));
    if (ptr) cudaFree(ptr);
    ptr = fresh;
    size = n;
    return true;
  }
  void swap(DeviceArray& other) noexcept {
    std::swap(ptr, other.ptr);
    std::swap(size, other.size);
  }
};

float power_f32(double base, int64_t step) { return std::pow(float(base), float(step)); }

// A cheap fingerprint of a host array: its size and 1024 evenly spaced words. A fit passes
// the same arrays to every epoch's run; the fingerprint catches most in-place edits between
// fits (release_data() drops the copies for certain).
uint64_t fingerprint(const void* data, int64_t bytes) {
  const auto* words = static_cast<const uint32_t*>(data);
  const int64_t n = bytes / 4;
  uint64_t h = 1469598103934665603ull ^ uint64_t(bytes);
  const int64_t stride = std::max<int64_t>(1, n / 1024);
  for (int64_t i = 0; i < n; i += stride) h = (h ^ words[i]) * 1099511628211ull;
  if (n) h = (h ^ words[n - 1]) * 1099511628211ull;
  return h;
}

struct CachedArray {
  int64_t bytes = 0;
  uint64_t print = 0;
  DeviceArray<char> mem;
};

}  // namespace

struct CudaNetwork::Impl {
  cudaStream_t stream = nullptr;
  DeviceArray<float> params, grads, slots, x, y, sw, grad_a, grad_b, per_sample, ws, logs;
  DeviceArray<float> layer_mem;  // z and a of every layer
  DeviceArray<DeviceSegment> segments;
  int segment_count = 0;
  DeviceArray<StepScalars> table;
  DeviceArray<RunState> state;
  DeviceArray<double> reg, batch_out, seg_sq;
  DeviceArray<int> flags;
  DeviceArray<int64_t> order;
  std::map<const void*, std::unique_ptr<CachedArray>> cache;
  std::map<std::tuple<int64_t, int64_t, bool, const void*, const void*, const void*, const void*>,
           cudaGraphExec_t> graphs;

  void clear_graphs() {
    for (auto& g : graphs) cudaGraphExecDestroy(g.second);
    graphs.clear();
  }
  // The device copy of a host array, uploaded when new or changed.
  const float* upload(const void* host, int64_t bytes) {
    if (!host) return nullptr;
    auto& slot = cache[host];
    if (!slot) slot = std::make_unique<CachedArray>();
    const uint64_t print = fingerprint(host, bytes);
    if (slot->bytes != bytes || slot->print != print || !slot->mem.ptr) {
      if (cache.size() > 8) throw std::runtime_error("too many distinct arrays cached on the device");
      if (slot->mem.reserve(bytes)) clear_graphs();
      DF_CUDA_CHECK(cudaMemcpyAsync(slot->mem.ptr, host, size_t(bytes), cudaMemcpyHostToDevice, stream));
      slot->bytes = bytes;
      slot->print = print;
    }
    return reinterpret_cast<const float*>(slot->mem.ptr);
  }
};

int device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) return 0;
  return n;
}

bool device_usable(int device, std::string* why) {
  int n = 0;
  cudaError_t err = cudaGetDeviceCount(&n);
  if (err != cudaSuccess) {
    if (why) *why = std::string("no usable CUDA device: ") + cudaGetErrorString(err);
    return false;
  }
  if (device < 0 || device >= n) {
    if (why) *why = "CUDA device " + std::to_string(device) + " does not exist (" + std::to_string(n) + " found)";
    return false;
  }
  return true;
}

CudaNetwork::CudaNetwork(int64_t input_dim, std::vector<LayerSpec> specs, uint64_t seed,
                         int device)
    : NetworkBase(input_dim, seed), device_(device), impl_(std::make_unique<Impl>()) {
  if (input_dim <= 0) throw std::invalid_argument("input_dim must be positive");
  std::string why;
  if (!device_usable(device, &why)) throw std::runtime_error(why);
  DF_CUDA_CHECK(cudaSetDevice(device));
  DF_CUDA_CHECK(cudaStreamCreateWithFlags(&impl_->stream, cudaStreamNonBlocking));
  LayerPlan plan = plan_layers(input_dim, specs);
  if (plan.layers.empty()) throw std::invalid_argument("the CUDA backend needs at least one layer");
  for (const auto& layout : plan.layers)  // the layer ops have CPU kernels only so far
    if (layout.op)
      throw std::invalid_argument(std::string("the CUDA backend cannot run a ") +
                                  layout.op->name() + " layer yet; run this model on the CPU "
                                  "(densefit.config.set_device('cpu'))");
  for (const auto& layout : plan.layers) layers_.emplace_back(layout);
  segments_ = std::move(plan.segments);
  output_dim_ = plan.output_dim;
  max_width_ = plan.max_width;
  params_.assign(size_t(plan.num_params), 0.0f);
  // One regularization double per active regularizer (kernel, bias, activity).
  for (auto& L : layers_) {
    const bool dense = L.spec.kind == LayerSpec::Kind::Dense;
    reg_slots_.push_back(reg_count_);
    reg_count_ += (dense && L.spec.kernel_regularizer.active()) +
                  (dense && L.spec.use_bias && L.spec.bias_regularizer.active()) +
                  L.spec.activity_regularizer.active();
  }
  impl_->params.reserve(num_params());
  impl_->grads.reserve(num_params());
  impl_->reg.reserve(std::max(reg_count_, 1));
  impl_->state.reserve(1);
  impl_->flags.reserve(1);
}

CudaNetwork::~CudaNetwork() {
  if (!impl_) return;
  impl_->clear_graphs();
  if (impl_->stream) cudaStreamSynchronize(impl_->stream);
  if (impl_->stream) cudaStreamDestroy(impl_->stream);
}

void CudaNetwork::set_seed(uint64_t seed) {
  seed_ = seed;
  training_calls_ = 0;
  impl_->clear_graphs();  // the seed is a kernel argument of the captured dropout
}

void CudaNetwork::release_data() {
  std::lock_guard<std::mutex> lock(run_mutex_);
  impl_->clear_graphs();
  impl_->cache.clear();
}

void CudaNetwork::set_trainable(size_t index, bool trainable) {
  if (index >= layers_.size()) throw std::out_of_range("layer index out of range");
  set_layer_trainable(layers_[index], segments_, trainable);
  impl_->clear_graphs();
}

void CudaNetwork::compile(const LossConfig& loss, const OptimizerConfig& cfg,
                          std::vector<CompiledMetric> metrics, float loss_weight) {
  // The loss kernels (loss.cu) know Keras's built-in losses only; a traced user loss would
  // silently train on the loss its config names instead. Refused until the CUDA backend
  // runs the expression graph (Engine v2's one backend interface).
  if (loss.expression)
    throw std::invalid_argument(
        "the CUDA backend cannot run a custom loss function traced into the native step yet; "
        "compile with a built-in Keras loss, or run this model on the CPU "
        "(densefit.config.set_device('cpu') before building it)");
  auto opt = Optimizer::create(cfg);  // validates the config the same way as the CPU
  RuleParams rp;
  const std::string& name = cfg.name;
  if (name == "sgd") { rp.rule = Rule::Sgd; rp.momentum = cfg.momentum != 0.0; rp.slots = rp.momentum; }
  else if (name == "adam" || name == "adamw") { rp.rule = Rule::Adam; rp.slots = cfg.amsgrad ? 3 : 2; }
  else if (name == "rmsprop") { rp.rule = Rule::Rmsprop; rp.momentum = cfg.momentum > 0.0; rp.slots = 1 + rp.momentum + cfg.centered; }
  else if (name == "adagrad") { rp.rule = Rule::Adagrad; rp.slots = 1; }
  else if (name == "adadelta") { rp.rule = Rule::Adadelta; rp.slots = 2; }
  else if (name == "adamax") { rp.rule = Rule::Adamax; rp.slots = 2; }
  else if (name == "nadam") { rp.rule = Rule::Nadam; rp.slots = 2; }
  else if (name == "lion") { rp.rule = Rule::Lion; rp.slots = 1; }
  else if (name == "ftrl") { rp.rule = Rule::Ftrl; rp.slots = 2; }
  else throw std::invalid_argument("the CUDA backend has no optimizer '" + name + "'");
  rp.nesterov = cfg.nesterov;
  rp.centered = cfg.centered;
  rp.amsgrad = cfg.amsgrad;
  rp.beta_1 = float(cfg.beta_1);
  rp.beta_2 = float(cfg.beta_2);
  // The CPU rules round 1 - beta in double for Adam/Adamax and in float for Nadam/Lion.
  const bool float_complement = rp.rule == Rule::Nadam || rp.rule == Rule::Lion;
  rp.one_minus_beta_1 = float_complement ? 1.0f - rp.beta_1 : float(1.0 - cfg.beta_1);
  rp.one_minus_beta_2 = float_complement ? 1.0f - rp.beta_2 : float(1.0 - cfg.beta_2);
  rp.epsilon = float(cfg.epsilon);
  rp.rho = float(cfg.rho);
  rp.one_minus_rho = float(1.0 - cfg.rho);
  rp.momentum_value = float(cfg.momentum);
  rp.ftrl_exponent = float(-cfg.learning_rate_power);
  rp.l1 = float(cfg.l1_regularization_strength);
  rp.l2 = float(cfg.l2_regularization_strength);
  rp.shrinkage2 = float(2 * cfg.l2_shrinkage_regularization_strength);
  rp.loss_scale = cfg.loss_scale_factor > 0 ? float(cfg.loss_scale_factor) : 0.0f;
  rp.accumulate = int(cfg.gradient_accumulation_steps);
  int next = rp.slots;
  if (rp.accumulate > 0) rp.accumulator_slot = next++;
  if (cfg.use_ema) rp.ema_slot = next++;
  if (cfg.clipnorm > 0) { rp.clip = RuleParams::Clip::Norm; rp.clip_value = float(cfg.clipnorm); }
  else if (cfg.global_clipnorm > 0) { rp.clip = RuleParams::Clip::GlobalNorm; rp.clip_value = float(cfg.global_clipnorm); }
  else if (cfg.clipvalue > 0) { rp.clip = RuleParams::Clip::Value; rp.clip_value = float(cfg.clipvalue); }
  rp.weight_decay = float(cfg.weight_decay);
  if (next != opt->slot_count())
    throw std::logic_error("CUDA optimizer slot layout disagrees with the CPU's for '" + name + "'");

  std::lock_guard<std::mutex> lock(run_mutex_);
  // What can fail (host and device allocations) comes first; the network changes only once
  // all of it exists, so a failed compile leaves it compiled as it was. (A reserve that
  // succeeds only grows a buffer whose contents each run uploads anew.)
  std::vector<float> slots(size_t(checked_floats(num_params(), opt->slot_count(), "optimizer slots")), 0.0f);
  opt->init_slots(params_.data(), slots.data(), num_params());  // the CPU's initial values
  impl_->slots.reserve(int64_t(slots.size()));
  impl_->segments.reserve(int64_t(std::max<size_t>(segments_.size(), 1)));
  impl_->seg_sq.reserve(int64_t(std::max<size_t>(segments_.size(), 1)));
  slots_.swap(slots);
  optimizer_ = std::move(opt);
  rule_ = rp;
  loss_ = loss;
  loss_weight_ = loss_weight;
  metrics_ = std::move(metrics);
  nadam_u_product_ = 1.0f;
  nadam_u_step_ = 0;
  impl_->clear_graphs();
  upload_segments();
  loss_sum_ = loss_weight_sum_ = 0.0;
}

void CudaNetwork::upload_segments() {
  std::vector<DeviceSegment> segs;
  for (const auto& s : segments_)
    if (s.trainable && s.size > 0) segs.push_back({s.offset, s.size, s.use_weight_decay ? 1 : 0});
  impl_->segments.reserve(int64_t(std::max<size_t>(segments_.size(), 1)));
  impl_->segment_count = int(segs.size());
  impl_->seg_sq.reserve(int64_t(std::max<size_t>(segments_.size(), 1)));
  if (!segs.empty())
    DF_CUDA_CHECK(cudaMemcpyAsync(impl_->segments.ptr, segs.data(), sizeof(DeviceSegment) * segs.size(),
                                  cudaMemcpyHostToDevice, impl_->stream));
}

void CudaNetwork::push_state() {
  auto& I = *impl_;
  DF_CUDA_CHECK(cudaMemcpyAsync(I.params.ptr, params_.data(), sizeof(float) * params_.size(), cudaMemcpyHostToDevice, I.stream));
  if (!slots_.empty())
    DF_CUDA_CHECK(cudaMemcpyAsync(I.slots.ptr, slots_.data(), sizeof(float) * slots_.size(), cudaMemcpyHostToDevice, I.stream));
}

void CudaNetwork::pull_state() {
  auto& I = *impl_;
  DF_CUDA_CHECK(cudaMemcpyAsync(params_.data(), I.params.ptr, sizeof(float) * params_.size(), cudaMemcpyDeviceToHost, I.stream));
  if (!slots_.empty())
    DF_CUDA_CHECK(cudaMemcpyAsync(slots_.data(), I.slots.ptr, sizeof(float) * slots_.size(), cudaMemcpyDeviceToHost, I.stream));
  DF_CUDA_CHECK(cudaStreamSynchronize(I.stream));
}

void CudaNetwork::finalize_optimizer() {
  if (!optimizer_) return;
  std::lock_guard<std::mutex> lock(run_mutex_);
  ArenaWrite write(*this);
  optimizer_->finalize(params_.data(), slots_.data(), num_params());  // host arena: the truth
}

void CudaNetwork::ensure_capacity(int64_t rows, int64_t target_dim) {
  if (rows <= capacity_ && target_dim == target_dim_) return;
  // The y scratch is sized by the target width: a new width sizes everything for these rows.
  if (target_dim == target_dim_) rows = std::max(rows, capacity_);
  auto& I = *impl_;
  // Sizes are checked and every buffer allocated before any replaces the old one, and the
  // capacity is recorded last: a batch too large for the device throws with the network as
  // it was (the CPU Network's rule).
  const std::string batch = "a batch of " + std::to_string(rows) + " rows needs ";
  int64_t layer_floats = 0, ws = 0;
  for (auto& L : layers_) {
    const int64_t n = checked_floats(rows, L.out_dim, batch + "layer outputs of");
    layer_floats = checked_sum(layer_floats, checked_floats(n, 2, batch + "layer outputs of"),
                               batch + "layer outputs of");
    if (L.spec.kind == LayerSpec::Kind::Dense) {
      ws = std::max({ws, sgemm_workspace_floats(L.in_dim, L.out_dim, rows),
                     colsum_workspace_floats(rows, L.out_dim)});
    }
  }
  DeviceArray<float> layer_mem, wsa, x, y, sw, grad_a, grad_b, per_sample;
  layer_mem.reserve(layer_floats);
  wsa.reserve(std::max<int64_t>(ws, 1));
  x.reserve(checked_floats(rows, input_dim_, batch + "inputs of"));
  y.reserve(checked_floats(rows, std::max<int64_t>(target_dim, 1), batch + "targets of"));
  sw.reserve(rows);
  grad_a.reserve(checked_floats(rows, max_width_, batch + "gradients of"));
  grad_b.reserve(grad_a.size);
  per_sample.reserve(rows);
  I.clear_graphs();  // scratch moves
  I.layer_mem.swap(layer_mem);
  I.ws.swap(wsa);
  I.x.swap(x);
  I.y.swap(y);
  I.sw.swap(sw);
  I.grad_a.swap(grad_a);
  I.grad_b.swap(grad_b);
  I.per_sample.swap(per_sample);
  float* p = I.layer_mem.ptr;
  for (auto& L : layers_) {
    L.z = p;
    L.a = p + rows * L.out_dim;
    p += 2 * rows * L.out_dim;
  }
  target_dim_ = target_dim;
  capacity_ = rows;
}

const float* CudaNetwork::forward(const float* x, int64_t rows, bool training,
                                  uint64_t dropout_stream) {
  auto& I = *impl_;
  const float* in = x;
  for (size_t i = 0; i < layers_.size(); ++i) {
    Layer& L = layers_[i];
    L.input = in;
    const LayerSpec& s = L.spec;
    switch (s.kind) {
      case LayerSpec::Kind::Dense: {
        const float* W = I.params.ptr + L.kernel_offset;
        const float* b = s.use_bias ? I.params.ptr + L.bias_offset : nullptr;
        sgemm(false, false, rows, L.out_dim, L.in_dim, in, L.in_dim, W, L.out_dim, L.z, L.out_dim,
              false, b, s.activation, s.activation_alpha, L.a, I.ws.ptr, I.ws.size, I.stream);
        if (s.activation == Activation::Linear) {
          L.output = L.z;
        } else {
          if (s.activation == Activation::Softmax || s.activation == Activation::LogSoftmax)
            activation_forward(s.activation, s.activation_alpha, L.z, L.a, rows, L.out_dim, I.stream);
          L.output = L.a;
        }
        break;
      }
      case LayerSpec::Kind::Dropout:
        if (!training || s.rate == 0.0f) {
          L.output = in;
          break;
        }
        dropout(in, L.a, rows * L.out_dim, s.rate, seed_, dropout_stream + i,
                &I.state.ptr->dropout_step, I.stream);
        L.output = L.a;
        break;
      case LayerSpec::Kind::Activation:
        activation_forward(s.activation, s.activation_alpha, in, L.a, rows, L.out_dim, I.stream);
        L.output = L.a;
        break;
    }
    if (s.activity_regularizer.active()) {
      const int slot = reg_slots_[i] + (s.kind == LayerSpec::Kind::Dense) *
                       (s.kernel_regularizer.active() + (s.use_bias && s.bias_regularizer.active()));
      add_l1_l2(L.output, rows * L.out_dim, s.activity_regularizer.l1, s.activity_regularizer.l2,
                double(rows / rows_per_sample_), I.reg.ptr + slot, I.stream);  // by the samples
    }
    in = L.output;
  }
  return in;
}

void CudaNetwork::backward(int64_t rows) {
  auto& I = *impl_;
  float* d_out = I.grad_a.ptr;
  float* spare = I.grad_b.ptr;
  for (size_t i = layers_.size(); i-- > 0;) {
    Layer& L = layers_[i];
    const LayerSpec& s = L.spec;
    const int64_t n = rows * L.out_dim;
    if (s.activity_regularizer.active())
      add_activity_grad(L.output, d_out, n, s.activity_regularizer.l1, s.activity_regularizer.l2,
                        rows / rows_per_sample_, I.stream);
    switch (s.kind) {
      case LayerSpec::Kind::Dense: {
        if (s.activation != Activation::Linear)
          activation_backward(s.activation, s.activation_alpha, L.z, L.a, d_out, d_out, rows, L.out_dim, I.stream);
        if (s.trainable) {
          float* gW = I.grads.ptr + L.kernel_offset;
          sgemm(true, false, L.in_dim, L.out_dim, rows, L.input, L.in_dim, d_out, L.out_dim, gW,
                L.out_dim, false, nullptr, Activation::Linear, 0.0f, nullptr, I.ws.ptr, I.ws.size, I.stream);
          if (s.kernel_regularizer.active())
            add_regularizer_grad(I.params.ptr + L.kernel_offset, gW, L.in_dim * L.out_dim,
                                 s.kernel_regularizer.l1, s.kernel_regularizer.l2, I.stream);
          if (s.use_bias) {
            float* gb = I.grads.ptr + L.bias_offset;
            column_sums(d_out, rows, L.out_dim, gb, I.ws.ptr, I.stream);
            if (s.bias_regularizer.active())
              add_regularizer_grad(I.params.ptr + L.bias_offset, gb, L.out_dim,
                                   s.bias_regularizer.l1, s.bias_regularizer.l2, I.stream);
          }
        }
        if (!L.needs_input_grad) return;
        sgemm(false, true, rows, L.in_dim, L.out_dim, d_out, L.out_dim, I.params.ptr + L.kernel_offset,
              L.out_dim, spare, L.in_dim, false, nullptr, Activation::Linear, 0.0f, nullptr,
              I.ws.ptr, I.ws.size, I.stream);
        std::swap(d_out, spare);
        break;
      }
      case LayerSpec::Kind::Dropout:
        if (s.rate != 0.0f)
          dropout(d_out, d_out, n, s.rate, seed_, kDropoutStream + i, &I.state.ptr->dropout_step, I.stream);
        break;
      case LayerSpec::Kind::Activation:
        activation_backward(s.activation, s.activation_alpha, L.input, L.a, d_out, d_out, rows, L.out_dim, I.stream);
        break;
    }
    if (!L.needs_input_grad) return;
  }
}

// One step on the stream: gather, forward, loss, backward, update, constraints, advance.
// Everything it reads that changes from step to step lives in device memory (RunState, the
// scalar table), so the same launches replay as the next step.
void CudaNetwork::enqueue_step(int64_t rows, int64_t batch_size, bool training, const float* x, const float* y,
                               const float* sw, const int64_t* order) {
  auto& I = *impl_;
  RunState* st = I.state.ptr;
  gather_rows(x, input_dim_, order, &st->first, rows, I.x.ptr, I.stream);
  gather_rows(y, target_dim_, order, &st->first, rows, I.y.ptr, I.stream);
  const float* swb = nullptr;
  if (sw) {
    gather_rows(sw, 1, order, &st->first, rows, I.sw.ptr, I.stream);
    swb = I.sw.ptr;
  }
  if (reg_count_) DF_CUDA_CHECK(cudaMemsetAsync(I.reg.ptr, 0, sizeof(double) * size_t(reg_count_), I.stream));
  const float* y_pred = forward(I.x.ptr, rows, training, kDropoutStream);
  // Parameter regularizers of trainable Dense layers (the CPU's regularization_loss).
  for (size_t i = 0; i < layers_.size(); ++i) {
    const Layer& L = layers_[i];
    if (L.spec.kind != LayerSpec::Kind::Dense || !L.spec.trainable) continue;
    int slot = reg_slots_[i];
    if (L.spec.kernel_regularizer.active())
      add_l1_l2(I.params.ptr + L.kernel_offset, L.in_dim * L.out_dim, L.spec.kernel_regularizer.l1,
                L.spec.kernel_regularizer.l2, 1.0, I.reg.ptr + slot++, I.stream);
    if (L.spec.use_bias && L.spec.bias_regularizer.active())
      add_l1_l2(I.params.ptr + L.bias_offset, L.out_dim, L.spec.bias_regularizer.l1,
                L.spec.bias_regularizer.l2, 1.0, I.reg.ptr + slot, I.stream);
  }
  loss_per_sample(loss_, I.y.ptr, y_pred, rows, output_dim_, I.per_sample.ptr, I.flags.ptr, I.stream);
  reduce_batch_loss(loss_, I.per_sample.ptr, swb, I.y.ptr, rows, loss_weight_, I.reg.ptr, reg_count_,
                    I.batch_out.ptr, &st->step, I.stream);
  if (!metrics_.empty())
    log_rows(y_pred, rows * output_dim_, batch_size * output_dim_, I.logs.ptr, st, I.stream);
  if (training) {
    loss_backward(loss_, I.y.ptr, y_pred, swb, I.batch_out.ptr, &st->step, rows, output_dim_,
                  I.grad_a.ptr, I.flags.ptr, I.stream);
    backward(rows);
    optimizer_step(rule_, I.params.ptr, I.grads.ptr, I.slots.ptr, num_params(), I.segments.ptr,
                   I.segment_count, I.table.ptr, &st->step, I.seg_sq.ptr, I.stream);
    for (const auto& L : layers_) {
      if (L.spec.kind != LayerSpec::Kind::Dense || !L.spec.trainable) continue;
      apply_constraint(L.spec.kernel_constraint, I.params.ptr + L.kernel_offset, L.in_dim, L.out_dim, I.stream);
      if (L.spec.use_bias)
        apply_constraint(L.spec.bias_constraint, I.params.ptr + L.bias_offset, L.out_dim, 1, I.stream);
    }
  }
  advance_run(st, rows, training, I.stream);
}

// The per-step optimizer scalars of the next `steps` steps, with the CPU's formulas
// (StepPipeline::update_all and each rule's begin_step).
std::vector<StepScalars> CudaNetwork::step_table(int64_t steps) {
  std::vector<StepScalars> table(size_t(std::max<int64_t>(steps, 1)));
  const OptimizerConfig& cfg = optimizer_->config();
  const int64_t base = optimizer_->apply_count();
  const int64_t acc = cfg.gradient_accumulation_steps;
  for (int64_t j = 0; j < steps; ++j) {
    StepScalars& s = table[size_t(j)];
    const int64_t applies = base + j;
    const int64_t it = acc > 0 ? applies / acc : applies;
    s.update = acc > 0 ? int((applies + 1) % acc == 0) : 1;
    const float lr = float(schedule_learning_rate(cfg.learning_rate, applies));
    const int64_t t = it + 1;
    s.lr = lr;
    switch (rule_.rule) {
      case Rule::Adam:
        s.a[0] = lr * std::sqrt(1.0f - power_f32(cfg.beta_2, t)) / (1.0f - power_f32(cfg.beta_1, t));
        break;
      case Rule::Adamax: s.a[0] = 1.0f - power_f32(cfg.beta_1, t); break;
      case Rule::Nadam: {
        if (!s.update) break;
        const float b1 = rule_.beta_1;
        if (nadam_u_step_ != t - 1) { nadam_u_product_ = 1.0f; nadam_u_step_ = 0; }
        while (nadam_u_step_ < t) {
          ++nadam_u_step_;
          nadam_u_product_ = nadam_u_product_ * b1 * (1.0f - 0.5f * power_f32(0.96, nadam_u_step_));
        }
        const float u_t = b1 * (1.0f - 0.5f * power_f32(0.96, t));
        const float u_next = b1 * (1.0f - 0.5f * power_f32(0.96, t + 1));
        const float den_next = 1.0f - nadam_u_product_ * u_next, den = 1.0f - nadam_u_product_;
        const float den_v = 1.0f - power_f32(cfg.beta_2, t);
        float v[8] = {u_next, 1.0f - u_t, den_next, 1.0f / den_next, den, 1.0f / den, den_v, 1.0f / den_v};
        std::copy(v, v + 8, s.a);
        break;
      }
      case Rule::Ftrl:
        s.a[0] = 1.0f / lr;
        s.a[1] = 2.0f * (rule_.l2 + float(cfg.beta) / (2.0f * lr));
        break;
      default: break;
    }
    if (rule_.ema_slot >= 0) {
      s.ema_momentum = it != 0 ? float(cfg.ema_momentum) : 0.0f;
      const int64_t every = cfg.ema_overwrite_frequency;
      s.ema_overwrite = every > 0 && (it + 1) % every == 0;
    }
  }
  return table;
}

void CudaNetwork::run(const RunData& d, int64_t start, int64_t batch_size, int64_t num_batches,
                      bool training) {
  if (!optimizer_) throw std::logic_error("the network is not compiled");
  check_run_arguments(start, batch_size, num_batches);
  auto& I = *impl_;
  DF_CUDA_CHECK(cudaSetDevice(device_));
  // Steps of this run: full batches, then possibly one ragged batch.
  const int64_t steps = batches_in_run(d.num_samples, start, batch_size, num_batches);
  if (steps == 0) return;
  // A batch_size past the end of the data is one batch of what is left; the logs' stride
  // and the scratch then follow the rows that exist, not the caller's 2**62.
  batch_size = std::min(batch_size, d.num_samples - start);
  ensure_capacity(batch_size, d.target_dim);
  // The caller's arrays, uploaded once per fit (cached by address and fingerprint).
  int64_t data_rows = 0;
  if (d.order) {
    for (int64_t k = 0; k < d.num_samples; ++k) data_rows = std::max(data_rows, d.order[k] + 1);
  } else {
    data_rows = d.num_samples;
  }
  const float* x = I.upload(d.x, data_rows * input_dim_ * 4);
  const float* y = I.upload(d.y, data_rows * target_dim_ * 4);
  const float* sw = I.upload(d.sample_weight, data_rows * 4);
  const int64_t* order = nullptr;
  if (d.order) {
    if (I.order.reserve(d.num_samples)) I.clear_graphs();
    DF_CUDA_CHECK(cudaMemcpyAsync(I.order.ptr, d.order, sizeof(int64_t) * size_t(d.num_samples), cudaMemcpyHostToDevice, I.stream));
    order = I.order.ptr;
  }
  push_state();
  if (training && (I.table.reserve(kMaxStepsPerChunk) )) I.clear_graphs();
  if (I.batch_out.reserve(2 * kMaxStepsPerChunk)) I.clear_graphs();
  if (!metrics_.empty() &&
      I.logs.reserve(checked_floats(kMaxStepsPerChunk, checked_floats(capacity_, output_dim_, "metric logs"),
                                    "metric logs")))
    I.clear_graphs();
  if (I.reg.reserve(std::max(reg_count_, 1))) I.clear_graphs();

  std::vector<double> batch_out;
  std::vector<float> logs;
  for (int64_t done = 0; done < steps;) {
    int64_t chunk = std::min(kMaxStepsPerChunk, steps - done);
    const int64_t chunk_first = start + done * batch_size;
    if (training) {
      auto table = step_table(chunk);
      DF_CUDA_CHECK(cudaMemcpyAsync(I.table.ptr, table.data(), sizeof(StepScalars) * table.size(), cudaMemcpyHostToDevice, I.stream));
    }
    RunState init{0, chunk_first, steps_};
    DF_CUDA_CHECK(cudaMemcpyAsync(I.state.ptr, &init, sizeof(RunState), cudaMemcpyHostToDevice, I.stream));
    bool interrupted = false;
    for (int64_t k = 0; k < chunk; ++k) {
      // Launches are asynchronous: stopping here lets the ones queued finish, and the chunk
      // is then accounted as those k steps (as a run of done + k batches would be).
      if (d.interrupt && d.interrupt->requested()) {
        interrupted = true;
        chunk = k;
        break;
      }
      const int64_t first = chunk_first + k * batch_size;
      const int64_t rows = std::min(batch_size, d.num_samples - first);
      if (!use_graphs_) {
        enqueue_step(rows, batch_size, training, x, y, sw, order);
        continue;
      }
      auto key = std::make_tuple(rows, batch_size, training, (const void*)x, (const void*)y, (const void*)sw, (const void*)order);
      auto it = I.graphs.find(key);
      if (it == I.graphs.end()) {
        if (I.graphs.size() >= 16) I.clear_graphs();
        cudaGraph_t graph;
        DF_CUDA_CHECK(cudaStreamBeginCapture(I.stream, cudaStreamCaptureModeThreadLocal));
        try {
          enqueue_step(rows, batch_size, training, x, y, sw, order);
        } catch (...) {
          cudaStreamEndCapture(I.stream, &graph);
          throw;
        }
        DF_CUDA_CHECK(cudaStreamEndCapture(I.stream, &graph));
        cudaGraphExec_t exec;
        DF_CUDA_CHECK(cudaGraphInstantiate(&exec, graph, 0));
        cudaGraphDestroy(graph);
        it = I.graphs.emplace(key, exec).first;
      }
      DF_CUDA_CHECK(cudaGraphLaunch(it->second, I.stream));
    }
    // The scalars come back once per chunk: the loss of each step, and the predictions the
    // host metrics need.
    batch_out.resize(size_t(2 * chunk));
    DF_CUDA_CHECK(cudaMemcpyAsync(batch_out.data(), I.batch_out.ptr, sizeof(double) * batch_out.size(), cudaMemcpyDeviceToHost, I.stream));
    if (!metrics_.empty()) {
      logs.resize(size_t(chunk * batch_size * output_dim_));
      DF_CUDA_CHECK(cudaMemcpyAsync(logs.data(), I.logs.ptr, sizeof(float) * logs.size(), cudaMemcpyDeviceToHost, I.stream));
    }
    DF_CUDA_CHECK(cudaStreamSynchronize(I.stream));
    std::vector<float> yt, wt;
    for (int64_t k = 0; k < chunk; ++k) {
      const int64_t first = chunk_first + k * batch_size;
      const int64_t rows = std::min(batch_size, d.num_samples - first);
      track_loss(batch_out[size_t(2 * k)], rows);
      if (metrics_.empty()) continue;
      // Host rows of y and sample_weight for the metric states (the CPU's gather).
      yt.resize(size_t(rows * target_dim_));
      wt.resize(size_t(rows));
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t row = d.order ? d.order[first + r] : first + r;
        std::memcpy(yt.data() + r * target_dim_, d.y + row * target_dim_, sizeof(float) * size_t(target_dim_));
        if (d.sample_weight) wt[size_t(r)] = d.sample_weight[row];
      }
      const float* pred = logs.data() + k * batch_size * output_dim_;  // log_rows' stride
      for (auto& m : metrics_)
        m.state->update(yt.data(), target_dim_, pred, output_dim_,
                        m.weighted && d.sample_weight ? wt.data() : nullptr, rows);
    }
    if (training) {
      optimizer_->set_apply_count(optimizer_->apply_count() + chunk);
      steps_ += chunk;
    }
    done += chunk;
    if (interrupted) {
      if (done > 0) pull_state();  // the host arena is the truth between runs
      throw Interrupted(done);
    }
  }
  pull_state();
}

void CudaNetwork::train_run(const RunData& d, int64_t start, int64_t batch_size, int64_t num_batches) {
  std::lock_guard<std::mutex> lock(run_mutex_);
  ArenaWrite write(*this);  // as the CPU's
  run(d, start, batch_size, num_batches, true);
}

void CudaNetwork::evaluate_run(const RunData& d, int64_t start, int64_t batch_size, int64_t num_batches) {
  std::lock_guard<std::mutex> lock(run_mutex_);
  run(d, start, batch_size, num_batches, false);
}

void CudaNetwork::predict_run(const RunData& d, int64_t start, int64_t count, int64_t batch_size,
                              float* out, bool training) {
  if (batch_size <= 0) throw std::invalid_argument("batch_size must be positive");
  if (start < 0 || count < 0 || count > d.num_samples - start)
    throw std::out_of_range("predict_run: rows [" + std::to_string(start) + ", +" +
                            std::to_string(count) + ") are outside the " +
                            std::to_string(d.num_samples) + " samples");
  if (count == 0) return;
  std::lock_guard<std::mutex> lock(run_mutex_);
  auto& I = *impl_;
  DF_CUDA_CHECK(cudaSetDevice(device_));
  ensure_capacity(std::min(batch_size, count), target_dim_);
  int64_t data_rows = d.num_samples;
  if (d.order) {
    data_rows = 0;
    for (int64_t k = 0; k < d.num_samples; ++k) data_rows = std::max(data_rows, d.order[k] + 1);
    if (I.order.reserve(d.num_samples)) I.clear_graphs();
    DF_CUDA_CHECK(cudaMemcpyAsync(I.order.ptr, d.order, sizeof(int64_t) * size_t(d.num_samples), cudaMemcpyHostToDevice, I.stream));
  }
  const float* x = I.upload(d.x, data_rows * input_dim_ * 4);
  push_state();
  for (int64_t done = 0; done < count;) {
    check_interrupt(d.interrupt, done);  // rows before `done` are written, none after
    const int64_t rows = std::min(capacity_, count - done);
    // A training-mode batch counts its masks by training_calls_, as the CPU Network does.
    RunState init{0, start + done, training ? training_calls_ : steps_};
    DF_CUDA_CHECK(cudaMemcpyAsync(I.state.ptr, &init, sizeof(RunState), cudaMemcpyHostToDevice, I.stream));
    gather_rows(x, input_dim_, d.order ? I.order.ptr : nullptr, &I.state.ptr->first, rows, I.x.ptr, I.stream);
    const float* y_pred = forward(I.x.ptr, rows, training, kCallDropoutStream);
    if (training) ++training_calls_;
    DF_CUDA_CHECK(cudaMemcpyAsync(out + done * output_dim_, y_pred, sizeof(float) * size_t(rows * output_dim_), cudaMemcpyDeviceToHost, I.stream));
    DF_CUDA_CHECK(cudaStreamSynchronize(I.stream));  // `init` is reused next iteration
    done += rows;
  }
}

}  // namespace cuda
}  // namespace densefit
