// keras.optimizers.Adamax.
#include <algorithm>
#include <cmath>

#include "step_pipeline.h"

namespace densefit {
namespace optimizers {
namespace {

struct AdamaxRule {
  float beta_1, one_minus_beta_1, beta_2, epsilon;
  float lr = 0.0f, bias_correction = 1.0f;  // 1 - beta_1^t
  float *m = nullptr, *u = nullptr;

  explicit AdamaxRule(const OptimizerConfig& c)
      : beta_1(float(c.beta_1)), one_minus_beta_1(float(1.0 - c.beta_1)),
        beta_2(float(c.beta_2)), epsilon(float(c.epsilon)) {}
  int slot_count() const { return 2; }
  void init_slots(float* slots, int64_t n) const { std::fill_n(slots, 2 * n, 0.0f); }
  void begin_step(float step_lr, int64_t t) {
    lr = step_lr;
    bias_correction = 1.0f - power_f32(beta_1, t);
  }
  void bind(float* slots, int64_t n, int64_t offset) {
    m = slots + offset;
    u = slots + n + offset;
  }
  template <bool>
  void update(float& p, float g, int64_t i) const {
    const float mi = m[i] + (g - m[i]) * one_minus_beta_1;
    const float ui = std::max(beta_2 * u[i], std::fabs(g));
    m[i] = mi;
    u[i] = ui;
    p = p - (lr * mi) / (bias_correction * (ui + epsilon));
  }
};

}  // namespace

std::unique_ptr<Optimizer> make_adamax(const OptimizerConfig& cfg) {
  return std::make_unique<RuleOptimizer<AdamaxRule>>(cfg);
}

}  // namespace optimizers
}  // namespace densefit
