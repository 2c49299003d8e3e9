// keras.optimizers.Nadam (Adam with Nesterov momentum and Dozat's momentum schedule).
#include <algorithm>
#include <cmath>

#include "step_pipeline.h"

namespace densefit {
namespace optimizers {
namespace {

struct NadamRule {
  float beta_1, beta_2, one_minus_beta_1, one_minus_beta_2, epsilon;
  // Keras's `_u_product` (prod of u_k for k <= t) is optimizer state; it is a function of
  // the step, so we recompute it when the step jumps (set_iterations) instead of storing it.
  float u_product = 1.0f;
  int64_t u_product_step = 0;
  // Per step: m_hat = (u_next * m) / den_next + (one_minus_u * g) / den; v_hat = v / den_v.
  float lr = 0.0f, u_next = 0.0f, one_minus_u = 0.0f;
  ScalarDivisor den_next, den, den_v;
  float *m = nullptr, *v = nullptr;

  explicit NadamRule(const OptimizerConfig& c)
      : beta_1(float(c.beta_1)), beta_2(float(c.beta_2)),
        one_minus_beta_1(1.0f - beta_1), one_minus_beta_2(1.0f - beta_2),
        epsilon(float(c.epsilon)) {}
  int slot_count() const { return 2; }
  void init_slots(float* slots, int64_t n) const { std::fill_n(slots, 2 * n, 0.0f); }
  float momentum_at(int64_t t) const {  // u_t = beta_1 * (1 - 0.5 * 0.96^t), in float32
    return beta_1 * (1.0f - 0.5f * power_f32(0.96, t));
  }
  void begin_step(float step_lr, int64_t t) {
    if (u_product_step != t - 1) {
      u_product = 1.0f;
      u_product_step = 0;
    }
    while (u_product_step < t) {
      ++u_product_step;
      u_product = u_product * beta_1 * (1.0f - 0.5f * power_f32(0.96, u_product_step));
    }
    lr = step_lr;
    const float u_t = momentum_at(t);
    u_next = momentum_at(t + 1);
    den_next.set(1.0f - u_product * u_next);
    one_minus_u = 1.0f - u_t;
    den.set(1.0f - u_product);
    den_v.set(1.0f - power_f32(beta_2, t));
  }
  void bind(float* slots, int64_t n, int64_t offset) {
    m = slots + offset;
    v = slots + n + offset;
  }
  template <bool kSingle>
  void update(float& p, float g, int64_t i) const {
    const float mi = m[i] + (g - m[i]) * one_minus_beta_1;
    const float vi = v[i] + (g * g - v[i]) * one_minus_beta_2;
    m[i] = mi;
    v[i] = vi;
    const float m_hat =
        den_next.divide<kSingle>(u_next * mi) + den.divide<kSingle>(one_minus_u * g);
    const float v_hat = den_v.divide<kSingle>(vi);
    p = p - (m_hat * lr) / (std::sqrt(v_hat) + epsilon);
  }
};

}  // namespace

std::unique_ptr<Optimizer> make_nadam(const OptimizerConfig& cfg) {
  return std::make_unique<RuleOptimizer<NadamRule>>(cfg);
}

}  // namespace optimizers
}  // namespace densefit
