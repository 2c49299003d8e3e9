// keras.optimizers.Lion.
#include <algorithm>

#include "step_pipeline.h"

namespace densefit {
namespace optimizers {
namespace {

struct LionRule {
  float beta_1, beta_2, one_minus_beta_1, one_minus_beta_2;
  float lr = 0.0f;
  float* m = nullptr;

  explicit LionRule(const OptimizerConfig& c)
      : beta_1(float(c.beta_1)), beta_2(float(c.beta_2)),
        one_minus_beta_1(1.0f - beta_1), one_minus_beta_2(1.0f - beta_2) {}
  int slot_count() const { return 1; }
  void init_slots(float* slots, int64_t n) const { std::fill_n(slots, n, 0.0f); }
  void begin_step(float step_lr, int64_t) { lr = step_lr; }
  void bind(float* slots, int64_t, int64_t offset) { m = slots + offset; }
  template <bool>
  void update(float& p, float g, int64_t i) const {
    const float c = m[i] * beta_1 + g * one_minus_beta_1;
    // jnp.sign: 0 at 0, NaN at NaN; written as one select so that the loop vectorizes.
    const float unit = float(c > 0.0f) - float(c < 0.0f);
    const float sign = c == c ? unit : c;
    p = p - lr * sign;
    m[i] = m[i] * beta_2 + g * one_minus_beta_2;
  }
};

}  // namespace

std::unique_ptr<Optimizer> make_lion(const OptimizerConfig& cfg) {
  return std::make_unique<RuleOptimizer<LionRule>>(cfg);
}

}  // namespace optimizers
}  // namespace densefit
