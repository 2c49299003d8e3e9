// keras.optimizers.Adagrad.
#include <algorithm>
#include <cmath>

#include "step_pipeline.h"

namespace densefit {
namespace optimizers {
namespace {

struct AdagradRule {
  float initial_accumulator_value, epsilon;
  float lr = 0.0f;
  float* accumulator = nullptr;

  explicit AdagradRule(const OptimizerConfig& c)
      : initial_accumulator_value(float(c.initial_accumulator_value)),
        epsilon(float(c.epsilon)) {}
  int slot_count() const { return 1; }
  void init_slots(float* slots, int64_t n) const {
    std::fill_n(slots, n, initial_accumulator_value);
  }
  void begin_step(float step_lr, int64_t) { lr = step_lr; }
  void bind(float* slots, int64_t, int64_t offset) { accumulator = slots + offset; }
  template <bool>
  void update(float& p, float g, int64_t i) const {
    const float acc = accumulator[i] + g * g;
    accumulator[i] = acc;
    p = p - (lr * g) / std::sqrt(acc + epsilon);
  }
};

}  // namespace

std::unique_ptr<Optimizer> make_adagrad(const OptimizerConfig& cfg) {
  return std::make_unique<RuleOptimizer<AdagradRule>>(cfg);
}

}  // namespace optimizers
}  // namespace densefit
