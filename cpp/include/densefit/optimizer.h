// Keras 3 optimizers over one contiguous parameter arena.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "densefit/schedules.h"

namespace densefit {

struct OptimizerConfig {
  std::string name = "adam";  // sgd adam adamw rmsprop adagrad adadelta adamax nadam lion ftrl
  LearningRateSchedule learning_rate;  // Constant kind for a plain float learning rate
  // Defaults below are Adam's; the Python shell always passes each optimizer's own defaults.
  double beta_1 = 0.9, beta_2 = 0.999, epsilon = 1e-7;
  bool amsgrad = false;
  double momentum = 0.0;  // SGD, RMSprop
  bool nesterov = false;
  double rho = 0.9;  // RMSprop, Adadelta
  bool centered = false;
  double initial_accumulator_value = 0.1;  // Adagrad, Ftrl
  double learning_rate_power = -0.5;       // Ftrl
  double l1_regularization_strength = 0.0, l2_regularization_strength = 0.0;
  double l2_shrinkage_regularization_strength = 0.0, beta = 0.0;
  // Options common to all optimizers; 0 / false = off.
  double weight_decay = 0.0;
  double clipnorm = 0.0, clipvalue = 0.0, global_clipnorm = 0.0;
  bool use_ema = false;
  double ema_momentum = 0.99;
  int64_t ema_overwrite_frequency = 0;
  int64_t gradient_accumulation_steps = 0;
  // Keras's loss_scale_factor: apply() divides the gradients by it first, so the caller must
  // have multiplied the loss by it (Keras's `optimizer.scale_loss`).
  double loss_scale_factor = 0.0;
};

// One Keras variable inside the arena: Keras clips (clipnorm) and decays per variable.
struct ParamSegment {
  int64_t offset = 0, size = 0;
  bool trainable = true;
  // False for variables excluded from weight decay (Keras's exclude_from_weight_decay).
  bool use_weight_decay = true;
};

// An optimizer updates params[n] from grads[n] using `slot_count()` float arrays of n elements
// each, laid out contiguously in `slots` (slot k of element i at slots[k * n + i]), all owned
// by the caller (the Network arena). Nothing is allocated in `apply`.
class Optimizer {
 public:
  virtual ~Optimizer() = default;
  static std::unique_ptr<Optimizer> create(const OptimizerConfig& cfg);  // throws invalid_argument

  // How many n-element slot arrays this optimizer needs (moments, EMA copy, accumulators).
  virtual int slot_count() const = 0;
  // Fill slots with their initial values (e.g. Adagrad's initial accumulator, EMA = params).
  virtual void init_slots(const float* params, float* slots, int64_t n) = 0;
  // One Keras `apply_gradients`: clipping, accumulation, weight decay, the update rule,
  // EMA; constraints are the caller's (Keras applies them after the EMA update too). Skips
  // segments with trainable == false. May scale grads in place. Increments apply_count().
  // Throws invalid_argument when a segment lies outside [0, n).
  virtual void apply(float* params, float* grads, float* slots, int64_t n,
                     const std::vector<ParamSegment>& segments) = 0;
  // After training with use_ema: replace params by their EMA (Keras's
  // finalize_variable_values) in the segments that were trainable in the last apply() (all
  // of them before any apply). No-op otherwise.
  virtual void finalize(float* params, const float* slots, int64_t n) = 0;
  // The same over the trainable segments of `segments`.
  virtual void finalize(float* params, const float* slots, int64_t n,
                        const std::vector<ParamSegment>& segments) = 0;

  // Keras's `optimizer.iterations`: optimizer steps taken. With gradient accumulation that
  // is apply_count() / gradient_accumulation_steps (one step per accumulated update).
  int64_t iterations() const;
  // Sets apply_count() to it * gradient_accumulation_steps (to `it` without accumulation).
  void set_iterations(int64_t it);
  // Calls to apply() so far: Keras's `optimizer._iterations`, the counter a Keras checkpoint
  // stores and learning-rate schedules read. Save and restore this one.
  int64_t apply_count() const { return apply_count_; }
  void set_apply_count(int64_t count) { apply_count_ = count; }
  // The learning rate the next apply() will use, rounded to float32 as Keras holds it.
  double current_learning_rate() const;
  // Replaces the schedule by a constant (what Keras allows only without a schedule).
  void set_learning_rate(double lr);
  bool has_schedule() const {
    return cfg_.learning_rate.kind != LearningRateSchedule::Kind::Constant;
  }
  const OptimizerConfig& config() const { return cfg_; }

 protected:
  explicit Optimizer(const OptimizerConfig& cfg) : cfg_(cfg) {}
  OptimizerConfig cfg_;
  int64_t apply_count_ = 0;
};

}  // namespace densefit
