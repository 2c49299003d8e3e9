// Keras 3 learning-rate schedules, evaluated natively at each optimizer step.
#pragma once
#include <cstdint>
#include <vector>

namespace densefit {

struct LearningRateSchedule {
  enum class Kind {
    Constant, ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay,
    CosineDecay, CosineDecayRestarts
  };
  Kind kind = Kind::Constant;
  double initial_learning_rate = 0.001;  // Constant: the learning rate itself
  double decay_steps = 1.0;              // also CosineDecayRestarts' first_decay_steps
  double decay_rate = 0.96;
  bool staircase = false;
  std::vector<double> boundaries, values;  // PiecewiseConstantDecay
  double end_learning_rate = 0.0001;       // PolynomialDecay
  double power = 1.0;
  bool cycle = false;
  double alpha = 0.0;                      // CosineDecay(Restarts)
  bool has_warmup = false;                 // CosineDecay warmup_target given
  double warmup_target = 0.0;
  double warmup_steps = 0.0;
  double t_mul = 2.0, m_mul = 1.0;         // CosineDecayRestarts
};

// The learning rate at optimizer step `step` (Keras passes `optimizer._iterations`: with
// gradient accumulation, every call to apply() counts). Computed in double; Keras computes
// in float32, so expect differences of float32 rounding (larger where 1 + cos(x) cancels).
double schedule_learning_rate(const LearningRateSchedule& s, int64_t step);

// Keras's constructor checks (decay_steps > 0, one more value than boundaries...); throws
// std::invalid_argument.
void validate_schedule(const LearningRateSchedule& s);

}  // namespace densefit
