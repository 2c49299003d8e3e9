// keras.optimizers.SGD: plain, momentum and Nesterov momentum.
#include <algorithm>

#include "step_pipeline.h"

namespace densefit {
namespace optimizers {
namespace {

template <bool kMomentum, bool kNesterov>
struct SgdRule {
  float momentum;
  float lr = 0.0f;
  float* m = nullptr;

  explicit SgdRule(const OptimizerConfig& c) : momentum(float(c.momentum)) {}
  int slot_count() const { return kMomentum ? 1 : 0; }  // Keras keeps no slot at momentum 0
  void init_slots(float* slots, int64_t n) const { std::fill_n(slots, slot_count() * n, 0.0f); }
  void begin_step(float step_lr, int64_t) { lr = step_lr; }
  void bind(float* slots, int64_t, int64_t offset) { m = slots + offset; }
  template <bool>
  void update(float& p, float g, int64_t i) const {
    if constexpr (!kMomentum) {
      p = p - g * lr;
    } else {
      const float mi = m[i] * momentum - g * lr;
      m[i] = mi;
      p = kNesterov ? p + (mi * momentum - g * lr) : p + mi;
    }
  }
};

}  // namespace

std::unique_ptr<Optimizer> make_sgd(const OptimizerConfig& cfg) {
  if (cfg.momentum == 0) return std::make_unique<RuleOptimizer<SgdRule<false, false>>>(cfg);
  if (cfg.nesterov) return std::make_unique<RuleOptimizer<SgdRule<true, true>>>(cfg);
  return std::make_unique<RuleOptimizer<SgdRule<true, false>>>(cfg);
}

}  // namespace optimizers
}  // namespace densefit
