// keras.optimizers.Adam and AdamW (AdamW is Adam with the shared weight decay switched on).
#include <algorithm>
#include <cmath>

#include "step_pipeline.h"

namespace densefit {
namespace optimizers {
namespace {

template <bool kAmsgrad>
struct AdamRule {
  float beta_1, beta_2, one_minus_beta_1, one_minus_beta_2, epsilon;
  float alpha = 0.0f;  // lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
  float *m = nullptr, *v = nullptr, *v_hat = nullptr;

  explicit AdamRule(const OptimizerConfig& c)
      : beta_1(float(c.beta_1)), beta_2(float(c.beta_2)),
        one_minus_beta_1(float(1.0 - c.beta_1)), one_minus_beta_2(float(1.0 - c.beta_2)),
        epsilon(float(c.epsilon)) {}
  int slot_count() const { return kAmsgrad ? 3 : 2; }
  void init_slots(float* slots, int64_t n) const { std::fill_n(slots, slot_count() * n, 0.0f); }
  void begin_step(float lr, int64_t t) {
    alpha = lr * std::sqrt(1.0f - power_f32(beta_2, t)) / (1.0f - power_f32(beta_1, t));
  }
  void bind(float* slots, int64_t n, int64_t offset) {
    m = slots + offset;
    v = slots + n + offset;
    v_hat = kAmsgrad ? slots + 2 * n + offset : nullptr;
  }
  template <bool>
  void update(float& p, float g, int64_t i) const {
    const float mi = m[i] + (g - m[i]) * one_minus_beta_1;
    float vi = v[i] + (g * g - v[i]) * one_minus_beta_2;
    m[i] = mi;
    v[i] = vi;
    if constexpr (kAmsgrad) {
      vi = std::max(v_hat[i], vi);
      v_hat[i] = vi;
    }
    p = p - (mi * alpha) / (std::sqrt(vi) + epsilon);
  }
};

}  // namespace

std::unique_ptr<Optimizer> make_adam(const OptimizerConfig& cfg) {
  if (cfg.amsgrad) return std::make_unique<RuleOptimizer<AdamRule<true>>>(cfg);
  return std::make_unique<RuleOptimizer<AdamRule<false>>>(cfg);
}

}  // namespace optimizers
}  // namespace densefit
