#include "densefit/network.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <stdexcept>

#include "densefit/gemm.h"
#include "densefit/rng.h"
#include "network_layer.h"
#include "run_bounds.h"

#include "cpu/dense_forward.h"
#include "cpu/denormals.h"

namespace densefit {
namespace {


// Dropout masks use stream 2^32 + layer index; shuffling uses its own streams (bindings).
constexpr uint64_t kDropoutStream = uint64_t(1) << 32;
// model(x, training=True) draws its masks from streams of its own, so calling the model in
// training mode never changes the masks fit's next steps draw (nor they its).
constexpr uint64_t kCallDropoutStream = uint64_t(2) << 32;

inline float sign(float v) { return float((v > 0.0f) - (v < 0.0f)); }

}  // namespace

LayerPlan plan_layers(int64_t input_dim, const std::vector<LayerSpec>& specs) {
  if (input_dim <= 0) throw std::invalid_argument("input_dim must be positive");
  LayerPlan plan;
  int64_t width = input_dim, offset = 0;
  plan.max_width = input_dim;
  for (size_t i = 0; i < specs.size(); ++i) {
    const LayerSpec& spec = specs[i];
    LayerLayout layer;
    layer.spec = spec;
    layer.in_dim = width;
    if (spec.kind == LayerSpec::Kind::Dense) {
      if (spec.units <= 0) throw std::invalid_argument("Dense units must be positive");
      // Sizes checked before they are used: a wrapped product would lay out a small arena
      // that the layer's kernel then runs past.
      const std::string what = "layer " + std::to_string(i) + " (Dense, " +
                               std::to_string(spec.units) + " units) has a kernel of";
      const int64_t kernel = checked_floats(width, spec.units, what);
      layer.out_dim = spec.units;
      layer.kernel_offset = offset;
      offset = checked_sum(offset, kernel, "the network's parameters");
      plan.segments.push_back({layer.kernel_offset, kernel, spec.trainable});
      if (spec.use_bias) {
        layer.bias_offset = offset;
        offset = checked_sum(offset, spec.units, "the network's parameters");
        plan.segments.push_back({layer.bias_offset, spec.units, spec.trainable});
      }
    } else if (const LayerOp* op = layer_op(spec.kind)) {
      layer.op = op;
      layer.out_dim = op->output_width(spec, width);
      const std::vector<int64_t> sizes = op->parameter_sizes(spec, width);
      if (sizes.size() > size_t(kMaxOpParams))
        throw std::logic_error(std::string(op->name()) + " has more parameters than ops may");
      layer.trainable_params = op->trainable_parameters(spec, width);
      for (size_t k = 0; k < sizes.size(); ++k) {
        layer.param_offsets.push_back(offset);
        // State (a moving mean) is never trained, whatever the layer's trainable flag.
        plan.segments.push_back({offset, sizes[k], spec.trainable && k < layer.trainable_params});
        offset = checked_sum(offset, sizes[k], "the network's parameters");
      }
    } else {
      if (spec.kind == LayerSpec::Kind::Dropout && !(spec.rate >= 0.0f && spec.rate < 1.0f))
        throw std::invalid_argument("Dropout rate must be in [0, 1)");
      layer.out_dim = width;
    }
    width = layer.out_dim;
    plan.max_width = std::max(plan.max_width, width);
    plan.layers.push_back(layer);
  }
  plan.output_dim = width;
  plan.num_params = offset;
  // Backward needs dX of a layer only if some layer before it has parameters to train.
  bool params_before = false;
  for (auto& layer : plan.layers) {
    layer.needs_input_grad = params_before;
    if (layer.spec.kind == LayerSpec::Kind::Dense || !layer.param_offsets.empty())
      params_before = true;
  }
  return plan;
}

void set_layer_trainable(LayerLayout& layer, std::vector<ParamSegment>& segments,
                         bool trainable) {
  layer.spec.trainable = trainable;
  const auto trained_end = layer.param_offsets.begin() + std::ptrdiff_t(layer.trainable_params);
  auto is_own = [&](int64_t offset) {
    return offset == layer.kernel_offset || offset == layer.bias_offset ||
           std::find(layer.param_offsets.begin(), trained_end, offset) != trained_end;
  };
  for (auto& seg : segments)
    if (seg.size > 0 && is_own(seg.offset)) seg.trainable = trainable;
}

Network::Network(int64_t input_dim, std::vector<LayerSpec> specs, uint64_t seed)
    : NetworkBase(input_dim, seed) {
  LayerPlan plan = plan_layers(input_dim, specs);
  for (const auto& layout : plan.layers) {
    layers_.emplace_back(layout);
    has_state_ |= layout.trainable_params < layout.param_offsets.size();
  }
  segments_ = std::move(plan.segments);
  output_dim_ = plan.output_dim;
  max_width_ = plan.max_width;
  try {
    params_.assign(size_t(plan.num_params), 0.0f);
  } catch (const std::bad_alloc&) {
    throw OutOfMemory("the network's parameters need " + describe_floats(plan.num_params) +
                      ", more than is free");
  }
}

Network::~Network() = default;

std::vector<Network::LayerInfo> Network::layer_infos() const {
  std::vector<LayerInfo> out;
  for (const auto& L : layers_)
    out.push_back({L.spec, L.in_dim, L.out_dim, L.kernel_offset, L.bias_offset, L.op,
                   L.param_offsets});
  return out;
}

void Network::set_trainable(size_t index, bool trainable) {
  if (index >= layers_.size()) throw std::out_of_range("layer index out of range");
  set_layer_trainable(layers_[index], segments_, trainable);
}

void Network::compile(const LossConfig& loss, const OptimizerConfig& optimizer,
                      std::vector<CompiledMetric> metrics, float loss_weight) {
  for (const auto& m : metrics)
    if (!m.state) throw std::invalid_argument("a compiled metric has no state");
  // Everything is built aside first and swapped in only when all of it exists, so a compile
  // that fails (an allocation too large for memory, a bad config) leaves the network
  // compiled as it was. The lock keeps a run on another thread from seeing half of it.
  std::lock_guard<std::mutex> lock(run_mutex_);
  auto opt = Optimizer::create(optimizer);
  std::unique_ptr<ExpressionEvaluator> expression(
      loss.expression ? new ExpressionEvaluator(loss.expression) : nullptr);
  const int64_t slot_floats = checked_floats(num_params(), opt->slot_count(), "optimizer slots");
  std::vector<float> grads, slots;
  try {
    grads.assign(params_.size(), 0.0f);
    slots.assign(size_t(slot_floats), 0.0f);
  } catch (const std::bad_alloc&) {
    throw OutOfMemory("compile: gradients and optimizer slots need " +
                      describe_floats(num_params() + slot_floats) + ", more than is free");
  }
  opt->init_slots(params_.data(), slots.data(), num_params());
  loss_ = loss;  // nothing from here on throws
  loss_expression_ = std::move(expression);
  loss_weight_ = loss_weight;
  metrics_ = std::move(metrics);
  grads_.swap(grads);
  slots_.swap(slots);
  optimizer_ = std::move(opt);
  reset_results();
}

void Network::compile(const LossConfig& loss, const OptimizerConfig& optimizer,
                      std::vector<MetricSpec> specs, float loss_weight) {
  std::vector<CompiledMetric> metrics;
  for (auto& spec : specs) {
    bool weighted = spec.weighted;
    metrics.push_back({std::make_shared<MetricState>(std::move(spec)), weighted});
  }
  compile(loss, optimizer, std::move(metrics), loss_weight);
}

void Network::finalize_optimizer() {
  if (!optimizer_) return;
  std::lock_guard<std::mutex> lock(run_mutex_);
  ArenaWrite write(*this);  // the EMA swap
  optimizer_->finalize(params_.data(), slots_.data(), num_params());
}

void Network::ensure_capacity(int64_t rows, int64_t target_dim) {
  if (rows <= capacity_ && target_dim == target_dim_) return;
  // y_buf_ is sized by the target width: a new width sizes everything for this run's rows.
  if (target_dim == target_dim_) rows = std::max(rows, capacity_);
  // Every buffer is made before any replaces the old one, and the capacity is recorded last:
  // a batch too large for memory throws with the network as it was, not half grown.
  const std::string batch = "a batch of " + std::to_string(rows) + " rows needs ";
  auto floats = [&](int64_t width, const char* what) {
    return size_t(checked_floats(rows, width, batch + what));
  };
  std::vector<std::vector<float>> z(layers_.size()), a(layers_.size()), saved(layers_.size());
  std::vector<float> x, y, grad_a, grad_b, sw, per_sample, scale;
  // Dense layers keep their pre-activation z (for backward) and, unless linear, the output
  // a; the other layers write a only.
  auto has_z = [](const Layer& L) { return L.spec.kind == LayerSpec::Kind::Dense; };
  auto has_a = [](const Layer& L) {
    return L.spec.kind != LayerSpec::Kind::Dense || L.spec.activation != Activation::Linear;
  };
  double per_row = double(input_dim_) + double(std::max<int64_t>(target_dim, 1)) + 2.0 * max_width_ + 3;
  auto saved_floats = [rows](const Layer& L) {
    return L.op ? L.op->saved_floats(L.spec, L.in_dim, rows) : 0;
  };
  double fixed = 0.0;  // scratch whose size does not grow with the batch
  for (const Layer& L : layers_) {
    per_row += double(L.out_dim) * (has_z(L) + has_a(L));
    fixed += double(saved_floats(L));
  }
  try {
    for (size_t i = 0; i < layers_.size(); ++i) {
      const size_t n = floats(layers_[i].out_dim, "layer outputs of");
      if (has_z(layers_[i])) z[i].assign(n, 0.0f);
      if (has_a(layers_[i])) a[i].assign(n, 0.0f);
      if (saved_floats(layers_[i])) saved[i].assign(size_t(saved_floats(layers_[i])), 0.0f);
    }
    x.assign(floats(input_dim_, "inputs of"), 0.0f);
    y.assign(floats(std::max<int64_t>(target_dim, 1), "targets of"), 0.0f);
    grad_a.assign(floats(max_width_, "gradients of"), 0.0f);
    grad_b.assign(grad_a.size(), 0.0f);
    sw.assign(size_t(rows), 1.0f);
    per_sample.assign(size_t(rows), 0.0f);
    scale.assign(size_t(rows), 0.0f);
  } catch (const std::bad_alloc&) {
    const double mib = (double(rows) * per_row + fixed) * sizeof(float) / double(1 << 20);
    throw OutOfMemory(batch + "about " + std::to_string(int64_t(mib)) +
                      " MiB of scratch, more than is free");
  }
  for (size_t i = 0; i < layers_.size(); ++i) {
    layers_[i].z.swap(z[i]);
    layers_[i].a.swap(a[i]);
    layers_[i].saved.swap(saved[i]);
  }
  x_buf_.swap(x);
  y_buf_.swap(y);
  sw_buf_.swap(sw);
  grad_a_.swap(grad_a);
  grad_b_.swap(grad_b);
  per_sample_.swap(per_sample);
  scale_.swap(scale);
  target_dim_ = target_dim;
  capacity_ = rows;
}

const float* Network::gather(const float* src, int64_t width, const RunData& d, int64_t first,
                             int64_t count, float* buffer) const {
  if (!d.order) return src + first * width;  // zero copy: rows are already in order
  for (int64_t r = 0; r < count; ++r)
    std::memcpy(buffer + r * width, src + d.order[first + r] * width, sizeof(float) * size_t(width));
  return buffer;
}

const float* Network::forward(const float* x, int64_t rows, const DropoutDraw* dropout) {
  const float* in = x;
  activity_loss_ = 0.0;
  for (size_t i = 0; i < layers_.size(); ++i) {
    Layer& L = layers_[i];
    L.input = in;
    const LayerSpec& s = L.spec;
    switch (s.kind) {
      case LayerSpec::Kind::Dense: {
        const float* bias = s.use_bias ? params_.data() + L.bias_offset : nullptr;
        const bool linear = s.activation == Activation::Linear;
        dense_forward(in, rows, L.in_dim, L.out_dim, params_.data() + L.kernel_offset, bias,
                      s.activation, s.activation_alpha, L.z.data(), L.a.data());
        L.output = linear ? L.z.data() : L.a.data();
        break;
      }
      case LayerSpec::Kind::Dropout: {
        if (!dropout || s.rate == 0.0f) {
          L.output = in;
          break;
        }
        // Inverted dropout: keep with probability 1 - rate, scale kept values by 1/(1-rate).
        // The mask is regenerated in backward from the same counter, so none is stored.
        float* a = L.a.data();
        int64_t n = rows * L.out_dim;
        Philox(seed_, dropout->stream + i).uniform(dropout->counter, a, n);
        float keep = 1.0f - s.rate, inv = 1.0f / keep;
        for (int64_t k = 0; k < n; ++k) a[k] = a[k] < keep ? in[k] * inv : 0.0f;
        L.output = a;
        break;
      }
      case LayerSpec::Kind::Activation:
        activation_forward(s.activation, s.activation_alpha, in, L.a.data(), rows, L.out_dim);
        L.output = L.a.data();
        break;
      default: {  // a layer op; a training pass keeps what its backward reads
        const float* p[kMaxOpParams];
        float* state[kMaxOpParams];
        for (size_t k = 0; k < L.param_offsets.size(); ++k) {
          p[k] = params_.data() + L.param_offsets[k];
          if (k >= L.trainable_params) state[k - L.trainable_params] = params_.data() + L.param_offsets[k];
        }
        const bool training = dropout != nullptr;
        const Philox rng(seed_, training ? dropout->stream + i : 0);
        L.op->forward(s, {in, L.a.data(), rows, L.in_dim, L.out_dim, p,
                          training ? L.saved.data() : nullptr, training,
                          training ? state : nullptr, training ? &rng : nullptr,
                          training ? dropout->counter : 0});
        L.output = L.a.data();
        break;
      }
    }
    if (s.activity_regularizer.active()) {
      double sum = 0.0;
      for (int64_t k = 0, n = rows * L.out_dim; k < n; ++k) {
        float v = L.output[k];
        sum += s.activity_regularizer.l1 * std::fabs(v) + s.activity_regularizer.l2 * v * v;
      }
      activity_loss_ += sum / double(rows / rows_per_sample_);  // Keras 3: by the samples
    }
    in = L.output;
  }
  return in;
}

double Network::loss_and_grad(const float* y, const float* sw, int64_t rows, bool want_grad) {
  const float* y_pred = layers_.empty() ? nullptr : layers_.back().output;
  if (loss_expression_) {  // a traced user loss: its graph weights and reduces the batch
    const Expression& e = loss_expression_->expression();
    if (e.y_true_cols() != target_dim_ || e.y_pred_cols() != output_dim_)
      throw std::invalid_argument("the custom loss was traced for other y_true / y_pred widths");
    const float loss = *loss_expression_->forward(y, y_pred, sw, rows);
    if (want_grad) loss_expression_->backward(loss_weight_, grad_a_.data());
    return double(loss_weight_) * double(loss);
  }
  loss_per_sample(loss_, y, y_pred, rows, output_dim_, per_sample_.data());
  double sum = 0.0, weight_sum = 0.0;
  for (int64_t r = 0; r < rows; ++r) {
    double w = sw ? sw[r] : 1.0;
    sum += double(per_sample_[r]) * w;
    weight_sum += w;
  }
  // Keras's "sum_over_batch_size" divides by the number of samples, not the weight sum;
  // rows masked by ignore_class leave the count (Keras adds epsilon to the valid count).
  double divisor = double(rows);
  switch (loss_.reduction) {
    case Reduction::Sum: divisor = 1.0; break;
    case Reduction::MeanWithSampleWeight: divisor = sw ? weight_sum : double(rows); break;
    default:
      if (loss_.has_ignore_class) {
        int64_t valid = 0;
        for (int64_t r = 0; r < rows; ++r) valid += int64_t(y[r]) != loss_.ignore_class;
        divisor = double(valid) + 1e-7;
      }
  }
  if (want_grad) {
    float f = float(double(loss_weight_) / divisor);
    for (int64_t r = 0; r < rows; ++r) scale_[r] = (sw ? sw[r] : 1.0f) * f;
    loss_backward(loss_, y, y_pred, scale_.data(), rows, output_dim_, grad_a_.data());
  }
  return divisor > 0.0 ? double(loss_weight_) * sum / divisor : 0.0;
}

void Network::backward(int64_t rows) {
  float* d_out = grad_a_.data();  // d loss / d (output of the current layer)
  float* spare = grad_b_.data();
  for (size_t i = layers_.size(); i-- > 0;) {
    Layer& L = layers_[i];
    const LayerSpec& s = L.spec;
    int64_t n = rows * L.out_dim;
    if (s.activity_regularizer.active()) {
      const float samples = float(rows / rows_per_sample_);
      float l1 = s.activity_regularizer.l1 / samples, l2 = 2.0f * s.activity_regularizer.l2 / samples;
      for (int64_t k = 0; k < n; ++k) d_out[k] += l1 * sign(L.output[k]) + l2 * L.output[k];
    }
    switch (s.kind) {
      case LayerSpec::Kind::Dense: {
        if (s.activation != Activation::Linear)
          activation_backward(s.activation, s.activation_alpha, L.z.data(), L.a.data(), d_out,
                              d_out, rows, L.out_dim);
        if (s.trainable) {
          float* gW = grads_.data() + L.kernel_offset;
          sgemm(true, false, L.in_dim, L.out_dim, rows, L.input, L.in_dim, d_out, L.out_dim,
                0.0f, gW, L.out_dim);
          add_regularizer_grad(s.kernel_regularizer, params_.data() + L.kernel_offset, gW,
                               L.in_dim * L.out_dim);
          if (s.use_bias) {
            float* gb = grads_.data() + L.bias_offset;
            std::fill(gb, gb + L.out_dim, 0.0f);
            for (int64_t r = 0; r < rows; ++r)
              for (int64_t c = 0; c < L.out_dim; ++c) gb[c] += d_out[r * L.out_dim + c];
            add_regularizer_grad(s.bias_regularizer, params_.data() + L.bias_offset, gb, L.out_dim);
          }
        }
        if (!L.needs_input_grad) return;
        sgemm(false, true, rows, L.in_dim, L.out_dim, d_out, L.out_dim,
              params_.data() + L.kernel_offset, L.out_dim, 0.0f, spare, L.in_dim);
        std::swap(d_out, spare);
        break;
      }
      case LayerSpec::Kind::Dropout:
        if (s.rate != 0.0f) {  // the mask's zeros are exactly where the output is zero...
          // ...unless the input was zero too; regenerate the mask from its counter instead.
          Philox(seed_, kDropoutStream + i).uniform(uint64_t(steps_) << 32, spare, n);
          float keep = 1.0f - s.rate, inv = 1.0f / keep;
          for (int64_t k = 0; k < n; ++k) d_out[k] = spare[k] < keep ? d_out[k] * inv : 0.0f;
        }
        break;
      case LayerSpec::Kind::Activation:
        activation_backward(s.activation, s.activation_alpha, L.input, L.a.data(), d_out, d_out,
                            rows, L.out_dim);
        break;
      default: {  // a layer op: dX into the spare buffer, parameter gradients when trainable
        const float* p[kMaxOpParams];
        float* g[kMaxOpParams];
        for (size_t k = 0; k < L.param_offsets.size(); ++k) {
          p[k] = params_.data() + L.param_offsets[k];
          g[k] = grads_.data() + L.param_offsets[k];
        }
        L.op->backward(s, {L.input, L.output, d_out, L.needs_input_grad ? spare : nullptr, rows,
                           L.in_dim, L.out_dim, p, s.trainable ? g : nullptr, L.saved.data()});
        if (!L.needs_input_grad) return;
        std::swap(d_out, spare);
        break;
      }
    }
    if (!L.needs_input_grad) return;
  }
}

void Network::add_regularizer_grad(const Regularizer& reg, const float* w, float* g, int64_t n) {
  if (!reg.active()) return;
  float l1 = reg.l1, l2 = 2.0f * reg.l2;
  for (int64_t k = 0; k < n; ++k) g[k] += l1 * sign(w[k]) + l2 * w[k];
}

double Network::regularization_loss() const {
  double total = 0.0;
  auto add = [&](const Regularizer& reg, int64_t offset, int64_t n) {
    if (!reg.active()) return;
    double l1 = 0.0, l2 = 0.0;
    for (int64_t k = 0; k < n; ++k) {
      float v = params_[size_t(offset + k)];
      l1 += std::fabs(v);
      l2 += double(v) * v;
    }
    total += reg.l1 * l1 + reg.l2 * l2;
  };
  for (const auto& L : layers_) {
    if (L.spec.kind != LayerSpec::Kind::Dense || !L.spec.trainable) continue;
    add(L.spec.kernel_regularizer, L.kernel_offset, L.in_dim * L.out_dim);
    if (L.spec.use_bias) add(L.spec.bias_regularizer, L.bias_offset, L.out_dim);
  }
  return total + activity_loss_;
}

void Network::apply_constraints() {
  for (const auto& L : layers_) {
    if (L.spec.kind != LayerSpec::Kind::Dense || !L.spec.trainable) continue;
    apply_constraint(L.spec.kernel_constraint, params_.data() + L.kernel_offset, L.in_dim, L.out_dim);
    if (L.spec.use_bias)
      apply_constraint(L.spec.bias_constraint, params_.data() + L.bias_offset, L.out_dim, 1);
  }
}

void Network::accumulate_metrics(const float* y, const float* sw, int64_t rows, double loss) {
  track_loss(loss, rows);
  const float* y_pred = layers_.empty() ? nullptr : layers_.back().output;
  for (auto& m : metrics_)
    m.state->update(y, target_dim_, y_pred, output_dim_, m.weighted ? sw : nullptr, rows);
}

void Network::run_batches(const RunData& d, int64_t start, int64_t batch_size,
                          int64_t num_batches, bool training) {
  if (!optimizer_) throw std::logic_error("the network is not compiled");
  check_run_arguments(start, batch_size, num_batches);
  const int64_t batches = batches_in_run(d.num_samples, start, batch_size, num_batches);
  if (batches == 0) return;
  FlushDenormals ftz;
  // Scratch for the largest batch the run computes: a batch_size past the end of the data
  // (a caller's 2**62) is one batch of what is left, not a buffer of batch_size rows.
  ensure_capacity(std::min(batch_size, d.num_samples - start), d.target_dim);
  for (int64_t b = 0; b < batches; ++b) {
    // Between batches only: the one before has updated weights, optimizer, step counter and
    // running results together, so stopping here is a run of b batches.
    check_interrupt(d.interrupt, b);
    const int64_t first = start + b * batch_size;
    const int64_t count = std::min(batch_size, d.num_samples - first);
    const float* x = gather(d.x, input_dim_, d, first, count, x_buf_.data());
    const float* y = gather(d.y, target_dim_, d, first, count, y_buf_.data());
    const float* sw = d.sample_weight ? gather(d.sample_weight, 1, d, first, count, sw_buf_.data()) : nullptr;
    const DropoutDraw draw{kDropoutStream, uint64_t(steps_) << 32};
    forward(x, count, training ? &draw : nullptr);
    double loss = loss_and_grad(y, sw, count, training);
    loss += regularization_loss();
    accumulate_metrics(y, sw, count, loss);
    if (training) {
      backward(count);
      optimizer_->apply(params_.data(), grads_.data(), slots_.data(), num_params(), segments_);
      apply_constraints();
      ++steps_;
    }
  }
}

void Network::train_run(const RunData& d, int64_t start, int64_t batch_size, int64_t num_batches) {
  std::lock_guard<std::mutex> lock(run_mutex_);
  // The whole run is one weight version to lock-free readers: they keep the one before it.
  ArenaWrite write(*this);
  run_batches(d, start, batch_size, num_batches, true);
}

void Network::evaluate_run(const RunData& d, int64_t start, int64_t batch_size,
                           int64_t num_batches) {
  std::lock_guard<std::mutex> lock(run_mutex_);
  run_batches(d, start, batch_size, num_batches, false);
}

void Network::predict_run(const RunData& d, int64_t start, int64_t count, int64_t batch_size,
                          float* out, bool training) {
  if (batch_size <= 0) throw std::invalid_argument("batch_size must be positive");
  if (start < 0 || count < 0 || count > d.num_samples - start)
    throw std::out_of_range("predict_run: rows [" + std::to_string(start) + ", +" +
                            std::to_string(count) + ") are outside the " +
                            std::to_string(d.num_samples) + " samples");
  if (count == 0) return;
  std::lock_guard<std::mutex> lock(run_mutex_);
  FlushDenormals ftz;
  ensure_capacity(std::min(batch_size, count), target_dim_);
  // A training-mode call updates layer state (BatchNormalization's moving statistics), as
  // Keras's does: then it is a write of the arena, one weight version to lock-free readers.
  std::optional<ArenaWrite> write;
  if (training && has_state_) write.emplace(*this);
  for (int64_t done = 0; done < count;) {
    check_interrupt(d.interrupt, done);  // rows before `done` are written, none after
    const int64_t rows = std::min(capacity_, count - done);
    const float* x = gather(d.x, input_dim_, d, start + done, rows, x_buf_.data());
    // Each training-mode batch draws fresh masks; the counter moves only once it is done.
    const DropoutDraw draw{kCallDropoutStream, uint64_t(training_calls_) << 32};
    const float* y_pred = forward(x, rows, training ? &draw : nullptr);
    if (training) ++training_calls_;
    std::memcpy(out + done * output_dim_, y_pred, sizeof(float) * size_t(rows * output_dim_));
    done += rows;
  }
}

void NetworkBase::reset_results() {
  loss_sum_ = loss_weight_sum_ = 0.0;
  for (auto& m : metrics_) m.state->reset();
}

std::vector<double> NetworkBase::results() const {
  std::vector<double> out = {loss_result()};
  for (const auto& m : metrics_) {
    std::vector<double> r = m.state->result();
    out.push_back(r.empty() ? 0.0 : r[0]);
  }
  return out;
}

}  // namespace densefit
