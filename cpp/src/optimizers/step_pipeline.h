// The part of a Keras `apply_gradients` every optimizer shares (loss scale, gradient
// accumulation, clipping, weight decay, EMA), around a per-element update rule.
//
// An update rule is a small struct, one per Keras optimizer (sgd.cpp, adam.cpp, ...):
//   explicit Rule(const OptimizerConfig&);
//   int slot_count() const;                         // its own slot arrays, first in `slots`
//   void init_slots(float* slots, int64_t n) const;
//   void begin_step(float lr, int64_t local_step);  // Keras's iterations + 1
//   void bind(float* slots, int64_t n, int64_t offset);  // point at one segment's slots
//   template <bool kSingle>                         // true for a one-element segment
//   void update(float& param, float grad, int64_t i) const;  // element i of that segment
// RuleOptimizer<Rule> runs `update` in one branch-free loop per segment (it vectorizes), with
// clipping and weight decay folded in; options that change the rule's arithmetic are
// template parameters of the rule, chosen in its factory.
//
// Results are meant to be bit-equal to Keras on its JAX backend, so everything follows what
// XLA computes: float32 throughout, scalars included (0-d float32 ops, powf), each operation
// rounded (no FMA contraction: CMakeLists.txt), and `array / scalar` computed as
// `array * (1 / scalar)` except for single-element arrays (ScalarDivisor).
#pragma once
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "densefit/optimizer.h"
#include "densefit/parallel.h"

namespace densefit {
namespace optimizers {

// XLA's algebraic simplifier rewrites `A / broadcast(b)` as `A * broadcast(1 / b)`; a
// single-element A needs no broadcast and keeps a true division. So Keras's
// `array / scalar` rounds differently depending on the variable's size.
struct ScalarDivisor {
  float value = 1.0f, reciprocal = 1.0f;
  void set(float v) {
    value = v;
    reciprocal = 1.0f / v;
  }
  template <bool kSingle>
  float divide(float x) const {
    if constexpr (kSingle) return x / value;
    return x * reciprocal;
  }
};

// What happens to each gradient element of a segment before the rule sees it.
struct SegmentStep {
  enum class Clip { None, Value, Scale };
  Clip clip = Clip::None;
  float clip_value = 0.0f;  // Value: g = clip(g, -v, v)
  float clip_mul = 1.0f;    // Scale: g = divisor.divide(g * mul)
  ScalarDivisor clip_divisor;
  bool decay = false;       // p -= p * weight_decay * lr before the rule
  float weight_decay = 0.0f, lr = 0.0f;
};

class StepPipeline : public Optimizer {
 public:
  int slot_count() const final;
  void init_slots(const float* params, float* slots, int64_t n) final;
  void apply(float* params, float* grads, float* slots, int64_t n,
             const std::vector<ParamSegment>& segments) final;
  void finalize(float* params, const float* slots, int64_t n) final;
  void finalize(float* params, const float* slots, int64_t n,
                const std::vector<ParamSegment>& segments) final;

 protected:
  StepPipeline(const OptimizerConfig& cfg, int rule_slots);
  virtual void init_rule_slots(float* slots, int64_t n) const = 0;
  virtual void begin_rule_step(float lr, int64_t local_step) = 0;
  virtual void update_segment(float* params, const float* grads, float* slots, int64_t n,
                              const ParamSegment& seg, const SegmentStep& step) = 0;

 private:
  void update_all(float* params, float* grads, float* slots, int64_t n,
                  const std::vector<ParamSegment>& segments);
  void update_ema(float* params, float* slots, int64_t n,
                  const std::vector<ParamSegment>& segments);

  int rule_slots_;
  int accumulator_slot_ = -1, ema_slot_ = -1;  // -1: option off
  // Trainable segments of the last apply(), for the 3-argument finalize(). Refilled each
  // apply; reallocates only when the segment count grows.
  std::vector<ParamSegment> last_segments_;
  bool applied_ = false;
};

// Segments shorter than this are updated by the calling thread alone.
constexpr int64_t kParallelGrain = 32 * 1024;

template <class Rule>
class RuleOptimizer final : public StepPipeline {
 public:
  explicit RuleOptimizer(const OptimizerConfig& cfg) : RuleOptimizer(cfg, Rule(cfg)) {}

 protected:
  void init_rule_slots(float* slots, int64_t n) const override { rule_.init_slots(slots, n); }
  void begin_rule_step(float lr, int64_t local_step) override { rule_.begin_step(lr, local_step); }
  void update_segment(float* params, const float* grads, float* slots, int64_t n,
                      const ParamSegment& seg, const SegmentStep& step) override {
    using C = SegmentStep::Clip;
    float* p = params + seg.offset;
    const float* g = grads + seg.offset;
    const int64_t size = seg.size;
    if (size == 1) {
      Rule rule = rule_;  // a local copy: its slot pointers stay in registers
      rule.bind(slots, n, seg.offset);
      return loop<true, C::None, false>(rule, step, p, g, size);
    }
    // Large segments are split over the CPU pool: the update is element-wise and memory
    // bound (Adam touches 28 bytes a parameter), so W2/W5 spend real time here.
    parallel_for(size, kParallelGrain, [&](int64_t begin, int64_t end) {
      Rule rule = rule_;
      rule.bind(slots, n, seg.offset + begin);
      float* pc = p + begin;
      const float* gc = g + begin;
      const int64_t len = end - begin;
      switch (step.clip) {
        case C::None:
          return step.decay ? loop<false, C::None, true>(rule, step, pc, gc, len)
                            : loop<false, C::None, false>(rule, step, pc, gc, len);
        case C::Value:
          return step.decay ? loop<false, C::Value, true>(rule, step, pc, gc, len)
                            : loop<false, C::Value, false>(rule, step, pc, gc, len);
        case C::Scale:
          return step.decay ? loop<false, C::Scale, true>(rule, step, pc, gc, len)
                            : loop<false, C::Scale, false>(rule, step, pc, gc, len);
      }
    });
  }

 private:
  RuleOptimizer(const OptimizerConfig& cfg, Rule rule)
      : StepPipeline(cfg, rule.slot_count()), rule_(rule) {}

  // kSingle: a one-element segment, where options are tested at run time instead.
  template <bool kSingle, SegmentStep::Clip kClip, bool kDecay>
  static void loop(const Rule& rule, const SegmentStep& step, float* p, const float* g,
                   int64_t size) {
    using C = SegmentStep::Clip;
    const float lo = -step.clip_value, hi = step.clip_value, mul = step.clip_mul;
    const ScalarDivisor div = step.clip_divisor;
    const float wd = step.weight_decay, lr = step.lr;
    for (int64_t i = 0; i < size; ++i) {
      float gi = g[i];
      if (kClip == C::Value || (kSingle && step.clip == C::Value))
        gi = gi < lo ? lo : (gi > hi ? hi : gi);
      if (kClip == C::Scale || (kSingle && step.clip == C::Scale))
        gi = div.template divide<kSingle>(gi * mul);
      float pi = p[i];
      if (kDecay || (kSingle && step.decay)) pi = pi - pi * wd * lr;
      rule.template update<kSingle>(pi, gi, i);
      p[i] = pi;
    }
  }

  Rule rule_;
};

// One factory per update rule (each in its own file).
std::unique_ptr<Optimizer> make_sgd(const OptimizerConfig& cfg);
std::unique_ptr<Optimizer> make_adam(const OptimizerConfig& cfg);  // adam and adamw
std::unique_ptr<Optimizer> make_rmsprop(const OptimizerConfig& cfg);
std::unique_ptr<Optimizer> make_adagrad(const OptimizerConfig& cfg);
std::unique_ptr<Optimizer> make_adadelta(const OptimizerConfig& cfg);
std::unique_ptr<Optimizer> make_adamax(const OptimizerConfig& cfg);
std::unique_ptr<Optimizer> make_nadam(const OptimizerConfig& cfg);
std::unique_ptr<Optimizer> make_lion(const OptimizerConfig& cfg);
std::unique_ptr<Optimizer> make_ftrl(const OptimizerConfig& cfg);

// Keras's `ops.power(ops.cast(base, float32), ops.cast(step, float32))`: XLA's CPU pow is
// libm's powf.
inline float power_f32(double base, int64_t step) { return std::pow(float(base), float(step)); }

}  // namespace optimizers
}  // namespace densefit
