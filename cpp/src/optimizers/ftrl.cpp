// keras.optimizers.Ftrl (follow the regularized leader, with L1/L2 and shrinkage).
#include <algorithm>
#include <cmath>

#include "step_pipeline.h"

namespace densefit {
namespace optimizers {
namespace {

struct FtrlRule {
  float initial_accumulator_value, exponent, l1, l2, shrinkage2, beta;
  float two_l2_reg = 0.0f;
  ScalarDivisor lr;
  float *accumulator = nullptr, *linear = nullptr;

  explicit FtrlRule(const OptimizerConfig& c)
      : initial_accumulator_value(float(c.initial_accumulator_value)),
        exponent(float(-c.learning_rate_power)), l1(float(c.l1_regularization_strength)),
        l2(float(c.l2_regularization_strength)),
        shrinkage2(float(2 * c.l2_shrinkage_regularization_strength)), beta(float(c.beta)) {}
  int slot_count() const { return 2; }
  void init_slots(float* slots, int64_t n) const {
    std::fill_n(slots, n, initial_accumulator_value);
    std::fill_n(slots + n, n, 0.0f);
  }
  void begin_step(float step_lr, int64_t) {
    lr.set(step_lr);
    two_l2_reg = 2.0f * (l2 + beta / (2.0f * step_lr));
  }
  void bind(float* slots, int64_t n, int64_t offset) {
    accumulator = slots + offset;
    linear = slots + n + offset;
  }
  // XLA's CPU pow is libm's powf (not sqrt for 0.5): use the same for bit-equal results.
  float power(float x) const { return std::pow(x, exponent); }
  template <bool kSingle>
  void update(float& p, float g, int64_t i) const {
    const float grad_to_use = g + shrinkage2 * p;
    const float accum = accumulator[i];
    const float new_accum = accum + g * g;
    const float new_power = power(new_accum);
    const float lin =
        linear[i] + (grad_to_use - lr.divide<kSingle>(new_power - power(accum)) * p);
    const float quadratic = lr.divide<kSingle>(new_power) + two_l2_reg;
    const float clipped = std::min(std::max(lin, -l1), l1);
    linear[i] = lin;
    accumulator[i] = new_accum;
    p = (clipped - lin) / quadratic;
  }
};

}  // namespace

std::unique_ptr<Optimizer> make_ftrl(const OptimizerConfig& cfg) {
  return std::make_unique<RuleOptimizer<FtrlRule>>(cfg);
}

}  // namespace optimizers
}  // namespace densefit
