// keras.optimizers.SGD: plain, momentum and Nesterov momentum.
#include <algorithm>

#include "step_pipeline.h"

namespace densefit {
namespace optimizers {
namespace {

struct SgdRule {
  bool has_momentum, nesterov;
  float momentum;
  float lr = 0.0f;
  float* m = nullptr;

  explicit SgdRule(const OptimizerConfig& c)
      : has_momentum(c.momentum != 0), nesterov(c.nesterov), momentum(float(c.momentum)) {}
  int slot_count() const { return has_momentum ? 1 : 0; }  // Keras builds no slot at 0
  void init_slots(float* slots, int64_t n) const { std::fill_n(slots, slot_count() * n, 0.0f); }
  void begin_step(float step_lr, int64_t) { lr = step_lr; }
  void bind(float* slots, int64_t, int64_t offset, int64_t) { m = slots + offset; }
  void update(float& p, float g, int64_t i) const {
    if (!has_momentum) {
      p = p - g * lr;
      return;
    }
    const float mi = m[i] * momentum - g * lr;
    m[i] = mi;
    p = nesterov ? p + (mi * momentum - g * lr) : p + mi;
  }
};

}  // namespace

std::unique_ptr<Optimizer> make_sgd(const OptimizerConfig& cfg) {
  return std::make_unique<RuleOptimizer<SgdRule>>(cfg);
}

}  // namespace optimizers
}  // namespace densefit
