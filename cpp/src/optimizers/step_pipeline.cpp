// Keras 3's BaseOptimizer.apply + JaxOptimizer._backend_apply_gradients, in that order:
// loss-scale division, gradient accumulation, clipping, weight decay, update rule, EMA.
#include "step_pipeline.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace densefit {
namespace optimizers {

namespace {

void check_segments(const std::vector<ParamSegment>& segments, int64_t n) {
  for (const ParamSegment& s : segments)
    if (s.offset < 0 || s.size < 0 || s.offset > n || s.size > n - s.offset)
      throw std::invalid_argument("parameter segment [" + std::to_string(s.offset) + ", " +
                                  std::to_string(s.offset + s.size) +
                                  ") lies outside the " + std::to_string(n) + " parameters");
}

// In double (XLA sums float32 in its own order; double is closer to both), with 8 partial sums
// so that the loop vectorizes.
double squared_norm(const float* g, int64_t size) {
  double part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= size; i += 8)
    for (int k = 0; k < 8; ++k) part[k] += double(g[i + k]) * double(g[i + k]);
  double sum = 0.0;
  for (; i < size; ++i) sum += double(g[i]) * double(g[i]);
  for (double x : part) sum += x;
  return sum;
}

}  // namespace

StepPipeline::StepPipeline(const OptimizerConfig& cfg, int rule_slots)
    : Optimizer(cfg), rule_slots_(rule_slots) {
  int next = rule_slots;
  if (cfg.gradient_accumulation_steps > 0) accumulator_slot_ = next++;
  if (cfg.use_ema) ema_slot_ = next++;
}

int StepPipeline::slot_count() const {
  return rule_slots_ + (accumulator_slot_ >= 0) + (ema_slot_ >= 0);
}

void StepPipeline::init_slots(const float* params, float* slots, int64_t n) {
  init_rule_slots(slots, n);
  if (accumulator_slot_ >= 0) std::fill_n(slots + accumulator_slot_ * n, n, 0.0f);
  // Keras starts the average at zeros but its first update copies the variable
  // (momentum 0 at iterations == 0); starting from the parameters differs only when
  // finalize() runs before any step, where ours is a no-op instead of zeroing the weights.
  if (ema_slot_ >= 0) std::copy_n(params, n, slots + ema_slot_ * n);
}

void StepPipeline::apply(float* params, float* grads, float* slots, int64_t n,
                         const std::vector<ParamSegment>& segments) {
  check_segments(segments, n);
  last_segments_.clear();
  for (const ParamSegment& s : segments)
    if (s.trainable) last_segments_.push_back(s);
  applied_ = true;

  if (cfg_.loss_scale_factor > 0) {
    ScalarDivisor scale;
    scale.set(float(cfg_.loss_scale_factor));
    for (const ParamSegment& s : last_segments_) {
      if (s.size == 1) {
        grads[s.offset] = scale.divide<true>(grads[s.offset]);
        continue;
      }
      for (int64_t i = s.offset; i < s.offset + s.size; ++i)
        grads[i] = scale.divide<false>(grads[i]);
    }
  }

  const int64_t accumulate = cfg_.gradient_accumulation_steps;
  if (accumulate > 0) {
    // JAX's version computes the update on every call and keeps it only on the last call of
    // each cycle; on the other calls only the accumulators change.
    float* acc = slots + accumulator_slot_ * n;
    const bool update_step = (apply_count_ + 1) % accumulate == 0;
    ScalarDivisor steps;
    steps.set(float(accumulate));
    for (const ParamSegment& s : last_segments_) {
      const int64_t end = s.offset + s.size;
      if (!update_step) {
        for (int64_t i = s.offset; i < end; ++i) acc[i] = grads[i] + acc[i];
      } else if (s.size == 1) {
        grads[s.offset] = steps.divide<true>(grads[s.offset] + acc[s.offset]);
        acc[s.offset] = 0.0f;
      } else {
        for (int64_t i = s.offset; i < end; ++i) {
          grads[i] = steps.divide<false>(grads[i] + acc[i]);
          acc[i] = 0.0f;
        }
      }
    }
    if (update_step) update_all(params, grads, slots, n, last_segments_);
  } else {
    update_all(params, grads, slots, n, last_segments_);
  }

  if (ema_slot_ >= 0) update_ema(params, slots, n, last_segments_);
  ++apply_count_;
}

void StepPipeline::update_all(float* params, float* grads, float* slots, int64_t n,
                              const std::vector<ParamSegment>& segments) {
  // Keras evaluates the schedule at `_iterations` (every apply() counts) but the rules'
  // bias corrections at `iterations + 1` (accumulated steps).
  const float lr = float(schedule_learning_rate(cfg_.learning_rate, apply_count_));
  begin_rule_step(lr, iterations() + 1);

  SegmentStep step;
  step.decay = cfg_.weight_decay != 0.0;
  step.weight_decay = float(cfg_.weight_decay);
  step.lr = lr;
  const bool clipnorm = cfg_.clipnorm > 0;
  if (clipnorm) {
    step.clip = SegmentStep::Clip::Scale;
    step.clip_mul = float(cfg_.clipnorm);
  } else if (cfg_.global_clipnorm > 0) {
    double sum = 0.0;
    for (const ParamSegment& s : segments) sum += squared_norm(grads + s.offset, s.size);
    const float norm = float(std::sqrt(sum));
    const float c = float(cfg_.global_clipnorm);
    // clip_by_global_norm: c * min(1 / norm, 1 / c), NaN when the norm is not finite.
    float scale = c * std::min(1.0f / norm, float(1.0 / cfg_.global_clipnorm));
    if (!std::isfinite(norm)) scale = std::numeric_limits<float>::quiet_NaN();
    step.clip = SegmentStep::Clip::Scale;
    step.clip_mul = scale;
    step.clip_divisor.set(1.0f);
  } else if (cfg_.clipvalue > 0) {
    step.clip = SegmentStep::Clip::Value;
    step.clip_value = float(cfg_.clipvalue);
  }

  for (const ParamSegment& s : segments) {
    if (s.size == 0) continue;
    SegmentStep seg_step = step;
    seg_step.decay = step.decay && s.use_weight_decay;
    if (clipnorm) {
      // _clip_by_norm: g * c / max(norm, c), with norm 0 for an all-zero gradient.
      const float l2sum = float(squared_norm(grads + s.offset, s.size));
      const float norm = l2sum > 0 ? std::sqrt(l2sum) : l2sum;
      seg_step.clip_divisor.set(std::max(norm, seg_step.clip_mul));
    }
    update_segment(params, grads, slots, n, s, seg_step);
  }
}

void StepPipeline::update_ema(float* params, float* slots, int64_t n,
                              const std::vector<ParamSegment>& segments) {
  // Runs on every apply(), accumulation steps included, like Keras's JAX optimizer.
  const int64_t it = iterations();
  const float momentum = it != 0 ? float(cfg_.ema_momentum) : 0.0f;
  const float keep = 1.0f - momentum;
  const int64_t every = cfg_.ema_overwrite_frequency;
  const bool overwrite = every > 0 && (it + 1) % every == 0;
  float* ema = slots + ema_slot_ * n;
  for (const ParamSegment& s : segments)
    for (int64_t i = s.offset; i < s.offset + s.size; ++i) {
      ema[i] = momentum * ema[i] + keep * params[i];
      if (overwrite) params[i] = ema[i];
    }
}

void StepPipeline::finalize(float* params, const float* slots, int64_t n) {
  if (ema_slot_ < 0) return;
  if (!applied_) {
    std::copy_n(slots + ema_slot_ * n, n, params);
    return;
  }
  finalize(params, slots, n, last_segments_);
}

void StepPipeline::finalize(float* params, const float* slots, int64_t n,
                            const std::vector<ParamSegment>& segments) {
  if (ema_slot_ < 0) return;
  check_segments(segments, n);
  const float* ema = slots + ema_slot_ * n;
  for (const ParamSegment& s : segments)
    if (s.trainable) std::copy_n(ema + s.offset, s.size, params + s.offset);
}

}  // namespace optimizers
}  // namespace densefit
