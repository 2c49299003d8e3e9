// Keras 3's learning-rate schedules (keras/src/optimizers/schedules/learning_rate_schedule.py),
// formula for formula, in double.
#include "densefit/schedules.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace densefit {

namespace {

constexpr double kPi = 3.14159265358979323846;

// CosineDecay's decay phase from `from_lr` to `from_lr * alpha` over `decay_steps`.
double cosine_decay(double step, double decay_steps, double from_lr, double alpha) {
  const double completed_fraction = step / decay_steps;
  const double cosine_decayed = 0.5 * (1.0 + std::cos(kPi * completed_fraction));
  return from_lr * ((1.0 - alpha) * cosine_decayed + alpha);
}

double piecewise_constant(const LearningRateSchedule& s, int64_t step) {
  // Keras casts the boundaries to the step's integer dtype (truncation), then sums
  // value * (step in interval) over the intervals; we keep the sum so that out-of-order
  // boundaries behave the same.
  const size_t nb = s.boundaries.size();
  auto b = [&](size_t i) { return std::trunc(s.boundaries[i]); };
  const double x = double(step);
  double result = 0.0;
  if (x <= b(0)) result += s.values[0];
  if (x > b(nb - 1)) result += s.values[nb];
  for (size_t i = 0; i + 1 < nb; ++i)
    if (x > b(i) && x <= b(i + 1)) result += s.values[i + 1];
  return result;
}

double cosine_decay_restarts(const LearningRateSchedule& s, double step) {
  double completed_fraction = step / s.decay_steps;
  double i_restart;
  if (s.t_mul == 1.0) {
    i_restart = std::floor(completed_fraction);
    completed_fraction -= i_restart;
  } else {
    i_restart = std::floor(std::log(1.0 - completed_fraction * (1.0 - s.t_mul)) /
                           std::log(s.t_mul));
    const double sum_r = (1.0 - std::pow(s.t_mul, i_restart)) / (1.0 - s.t_mul);
    completed_fraction = (completed_fraction - sum_r) / std::pow(s.t_mul, i_restart);
  }
  const double m_fac = std::pow(s.m_mul, i_restart);
  const double cosine_decayed = 0.5 * m_fac * (1.0 + std::cos(kPi * completed_fraction));
  return s.initial_learning_rate * ((1.0 - s.alpha) * cosine_decayed + s.alpha);
}

}  // namespace

void validate_schedule(const LearningRateSchedule& s) {
  using K = LearningRateSchedule::Kind;
  switch (s.kind) {
    case K::Constant:
      return;
    case K::PiecewiseConstantDecay:
      if (s.boundaries.empty() || s.values.size() != s.boundaries.size() + 1)
        throw std::invalid_argument(
            "PiecewiseConstantDecay needs at least one boundary and exactly one more value "
            "than boundaries");
      return;
    case K::CosineDecayRestarts:
      if (!(s.decay_steps > 0))
        throw std::invalid_argument("Argument `first_decay_steps` must be > 0");
      return;
    default:
      if (!(s.decay_steps > 0)) throw std::invalid_argument("Argument `decay_steps` must be > 0");
  }
}

double schedule_learning_rate(const LearningRateSchedule& s, int64_t step_count) {
  using K = LearningRateSchedule::Kind;
  const double step = double(step_count);
  switch (s.kind) {
    case K::Constant:
      return s.initial_learning_rate;
    case K::ExponentialDecay: {
      double p = step / s.decay_steps;
      if (s.staircase) p = std::floor(p);
      return s.initial_learning_rate * std::pow(s.decay_rate, p);
    }
    case K::PiecewiseConstantDecay:
      return piecewise_constant(s, step_count);
    case K::PolynomialDecay: {
      double steps = s.decay_steps, x = step;
      if (s.cycle)
        steps *= (x == 0.0) ? 1.0 : std::ceil(x / s.decay_steps);
      else
        x = std::min(x, steps);
      const double p = x / steps;
      return (s.initial_learning_rate - s.end_learning_rate) * std::pow(1.0 - p, s.power) +
             s.end_learning_rate;
    }
    case K::InverseTimeDecay: {
      double p = step / s.decay_steps;
      if (s.staircase) p = std::floor(p);
      return s.initial_learning_rate / (1.0 + s.decay_rate * p);
    }
    case K::CosineDecay: {
      if (!s.has_warmup)
        return cosine_decay(std::min(step, s.decay_steps), s.decay_steps,
                            s.initial_learning_rate, s.alpha);
      const double x = std::min(step, s.decay_steps + s.warmup_steps);
      if (x < s.warmup_steps)
        return (s.warmup_target - s.initial_learning_rate) * (x / s.warmup_steps) +
               s.initial_learning_rate;
      return cosine_decay(x - s.warmup_steps, s.decay_steps, s.warmup_target, s.alpha);
    }
    case K::CosineDecayRestarts:
      return cosine_decay_restarts(s, step);
  }
  return s.initial_learning_rate;
}

}  // namespace densefit
