// Optimizer::create (Keras's constructor argument checks, then the rule by name) and the
// iteration / learning-rate bookkeeping every optimizer shares.
#include "densefit/optimizer.h"

#include <stdexcept>
#include <string>

#include "step_pipeline.h"

namespace densefit {

namespace {

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

void validate(const OptimizerConfig& c) {
  const int clips = (c.clipnorm > 0) + (c.clipvalue > 0) + (c.global_clipnorm > 0);
  require(clips <= 1, "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set");
  require(c.gradient_accumulation_steps == 0 || c.gradient_accumulation_steps >= 2,
          "`gradient_accumulation_steps` must be an integer >= 2");
  if (c.use_ema) {
    require(c.ema_momentum >= 0 && c.ema_momentum <= 1, "`ema_momentum` must be in [0, 1]");
    require(c.ema_overwrite_frequency >= 0,
            "`ema_overwrite_frequency` must be an integer >= 1 or None");
  }
  if (c.name == "sgd")
    require(c.momentum >= 0 && c.momentum <= 1, "`momentum` must be a float between [0, 1]");
  if (c.name == "lion")
    require(c.beta_1 > 0 && c.beta_1 <= 1, "Argument `beta_1` must be in the [0, 1] range");
  if (c.name == "ftrl") {
    require(c.initial_accumulator_value >= 0,
            "`initial_accumulator_value` needs to be positive or zero");
    require(c.learning_rate_power <= 0, "`learning_rate_power` needs to be negative or zero");
    require(c.l1_regularization_strength >= 0,
            "`l1_regularization_strength` needs to be positive or zero");
    require(c.l2_regularization_strength >= 0,
            "`l2_regularization_strength` needs to be positive or zero");
    require(c.l2_shrinkage_regularization_strength >= 0,
            "`l2_shrinkage_regularization_strength` needs to be positive or zero");
  }
  validate_schedule(c.learning_rate);
}

}  // namespace

std::unique_ptr<Optimizer> Optimizer::create(const OptimizerConfig& cfg) {
  validate(cfg);
  namespace o = optimizers;
  const std::string& name = cfg.name;
  if (name == "sgd") return o::make_sgd(cfg);
  if (name == "adam" || name == "adamw") return o::make_adam(cfg);
  if (name == "rmsprop") return o::make_rmsprop(cfg);
  if (name == "adagrad") return o::make_adagrad(cfg);
  if (name == "adadelta") return o::make_adadelta(cfg);
  if (name == "adamax") return o::make_adamax(cfg);
  if (name == "nadam") return o::make_nadam(cfg);
  if (name == "lion") return o::make_lion(cfg);
  if (name == "ftrl") return o::make_ftrl(cfg);
  throw std::invalid_argument("unknown optimizer '" + name +
                              "' (sgd, adam, adamw, rmsprop, adagrad, adadelta, adamax, "
                              "nadam, lion, ftrl)");
}

int64_t Optimizer::iterations() const {
  const int64_t accumulate = cfg_.gradient_accumulation_steps;
  return accumulate > 0 ? apply_count_ / accumulate : apply_count_;
}

void Optimizer::set_iterations(int64_t it) {
  const int64_t accumulate = cfg_.gradient_accumulation_steps;
  apply_count_ = accumulate > 0 ? it * accumulate : it;
}

double Optimizer::current_learning_rate() const {
  return double(float(schedule_learning_rate(cfg_.learning_rate, apply_count_)));
}

void Optimizer::set_learning_rate(double lr) {
  cfg_.learning_rate = LearningRateSchedule{};
  cfg_.learning_rate.initial_learning_rate = lr;
}

}  // namespace densefit
