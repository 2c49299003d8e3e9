// keras.optimizers.RMSprop, with optional momentum and centering.
#include <algorithm>
#include <cmath>

#include "step_pipeline.h"

namespace densefit {
namespace optimizers {
namespace {

template <bool kMomentum, bool kCentered>
struct RmspropRule {
  float rho, one_minus_rho, momentum, epsilon;
  float lr = 0.0f;
  float *velocity = nullptr, *mom = nullptr, *average_grad = nullptr;

  explicit RmspropRule(const OptimizerConfig& c)
      : rho(float(c.rho)), one_minus_rho(float(1.0 - c.rho)), momentum(float(c.momentum)),
        epsilon(float(c.epsilon)) {}
  int slot_count() const { return 1 + kMomentum + kCentered; }
  void init_slots(float* slots, int64_t n) const { std::fill_n(slots, slot_count() * n, 0.0f); }
  void begin_step(float step_lr, int64_t) { lr = step_lr; }
  void bind(float* slots, int64_t n, int64_t offset) {
    velocity = slots + offset;
    mom = kMomentum ? slots + n + offset : nullptr;
    average_grad = kCentered ? slots + (1 + kMomentum) * n + offset : nullptr;
  }
  template <bool>
  void update(float& p, float g, int64_t i) const {
    const float vel = rho * velocity[i] + one_minus_rho * (g * g);
    velocity[i] = vel;
    float denominator;
    if constexpr (kCentered) {
      const float ag = rho * average_grad[i] + one_minus_rho * g;
      average_grad[i] = ag;
      denominator = vel - ag * ag + epsilon;
    } else {
      denominator = vel + epsilon;
    }
    const float increment = (lr * g) / std::sqrt(denominator);
    if constexpr (kMomentum) {
      const float mi = momentum * mom[i] + increment;
      mom[i] = mi;
      p = p - mi;
    } else {
      p = p - increment;
    }
  }
};

template <bool kMomentum>
std::unique_ptr<Optimizer> make(const OptimizerConfig& cfg) {
  if (cfg.centered) return std::make_unique<RuleOptimizer<RmspropRule<kMomentum, true>>>(cfg);
  return std::make_unique<RuleOptimizer<RmspropRule<kMomentum, false>>>(cfg);
}

}  // namespace

std::unique_ptr<Optimizer> make_rmsprop(const OptimizerConfig& cfg) {
  return cfg.momentum > 0 ? make<true>(cfg) : make<false>(cfg);  // Keras: momentum > 0
}

}  // namespace optimizers
}  // namespace densefit
