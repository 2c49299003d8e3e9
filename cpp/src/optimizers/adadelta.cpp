// keras.optimizers.Adadelta.
#include <algorithm>
#include <cmath>

#include "step_pipeline.h"

namespace densefit {
namespace optimizers {
namespace {

struct AdadeltaRule {
  float rho, one_minus_rho, epsilon;
  float lr = 0.0f;
  float *accumulated_grad = nullptr, *accumulated_delta = nullptr;

  explicit AdadeltaRule(const OptimizerConfig& c)
      : rho(float(c.rho)), one_minus_rho(float(1.0 - c.rho)), epsilon(float(c.epsilon)) {}
  int slot_count() const { return 2; }
  void init_slots(float* slots, int64_t n) const { std::fill_n(slots, 2 * n, 0.0f); }
  void begin_step(float step_lr, int64_t) { lr = step_lr; }
  void bind(float* slots, int64_t n, int64_t offset) {
    accumulated_grad = slots + offset;
    accumulated_delta = slots + n + offset;
  }
  template <bool>
  void update(float& p, float g, int64_t i) const {
    const float ag = rho * accumulated_grad[i] + one_minus_rho * (g * g);
    accumulated_grad[i] = ag;
    const float ad = accumulated_delta[i];
    const float delta = -((std::sqrt(ad + epsilon) * g) / std::sqrt(ag + epsilon));
    accumulated_delta[i] = rho * ad + one_minus_rho * (delta * delta);
    p = p + lr * delta;
  }
};

}  // namespace

std::unique_ptr<Optimizer> make_adadelta(const OptimizerConfig& cfg) {
  return std::make_unique<RuleOptimizer<AdadeltaRule>>(cfg);
}

}  // namespace optimizers
}  // namespace densefit
