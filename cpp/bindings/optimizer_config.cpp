#include "optimizer_config.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include "config_dict.h"

namespace py = pybind11;
using densefit::LearningRateSchedule;
using densefit::OptimizerConfig;

namespace {

using Keys = std::set<std::string>;

using densefit::bindings::config::get;
using densefit::bindings::config::present;

void reject_unknown_keys(const py::dict& d, const Keys& known, const std::string& what) {
  for (auto item : d) {
    const std::string key = py::str(item.first);
    if (!known.count(key))
      throw py::value_error("Argument(s) not recognized by " + what + ": '" + key + "'");
  }
}

// "Adam", "adam", "adam_1", "AdamW", "adam_w", "RMSprop", "rm_sprop" -> "adam", "adamw"...
std::string optimizer_kind(std::string name) {
  static const Keys kinds = {"sgd",     "adam",   "adamw", "rmsprop", "adagrad",
                             "adadelta", "adamax", "nadam", "lion",    "ftrl"};
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
    return char(std::tolower(c));
  });
  if (kinds.count(name)) return name;
  std::string base = name;
  const size_t underscore = base.find_last_of('_');
  if (underscore != std::string::npos && underscore + 1 < base.size() &&
      std::all_of(base.begin() + long(underscore) + 1, base.end(),
                  [](unsigned char c) { return std::isdigit(c); }))
    base.erase(underscore);  // Keras's uniquifying suffix: adam_1
  base.erase(std::remove(base.begin(), base.end(), '_'), base.end());
  if (kinds.count(base)) return base;
  throw py::value_error("unknown optimizer '" + name +
                        "' (sgd, adam, adamw, rmsprop, adagrad, adadelta, adamax, nadam, "
                        "lion, ftrl)");
}

LearningRateSchedule schedule_from_dict(const std::string& class_name, const py::dict& c) {
  using K = LearningRateSchedule::Kind;
  LearningRateSchedule s;
  auto required = [&](const char* key) {
    if (!present(c, key))
      throw py::value_error(class_name + " needs `" + std::string(key) + "`");
    return get<double>(c, key, 0.0);
  };
  Keys known = {"name", "initial_learning_rate"};
  if (class_name == "ExponentialDecay" || class_name == "InverseTimeDecay") {
    s.kind = class_name == "ExponentialDecay" ? K::ExponentialDecay : K::InverseTimeDecay;
    s.initial_learning_rate = required("initial_learning_rate");
    s.decay_steps = required("decay_steps");
    s.decay_rate = required("decay_rate");
    s.staircase = get<bool>(c, "staircase", false);
    known.insert({"decay_steps", "decay_rate", "staircase"});
  } else if (class_name == "PiecewiseConstantDecay") {
    s.kind = K::PiecewiseConstantDecay;
    if (!present(c, "boundaries") || !present(c, "values"))
      throw py::value_error("PiecewiseConstantDecay needs `boundaries` and `values`");
    for (auto b : c["boundaries"]) s.boundaries.push_back(b.cast<double>());
    for (auto v : c["values"]) s.values.push_back(v.cast<double>());
    known = {"name", "boundaries", "values"};
  } else if (class_name == "PolynomialDecay") {
    s.kind = K::PolynomialDecay;
    s.initial_learning_rate = required("initial_learning_rate");
    s.decay_steps = required("decay_steps");
    s.end_learning_rate = get<double>(c, "end_learning_rate", 0.0001);
    s.power = get<double>(c, "power", 1.0);
    s.cycle = get<bool>(c, "cycle", false);
    known.insert({"decay_steps", "end_learning_rate", "power", "cycle"});
  } else if (class_name == "CosineDecay") {
    s.kind = K::CosineDecay;
    s.initial_learning_rate = required("initial_learning_rate");
    s.decay_steps = required("decay_steps");
    s.alpha = get<double>(c, "alpha", 0.0);
    s.has_warmup = present(c, "warmup_target");
    s.warmup_target = get<double>(c, "warmup_target", 0.0);
    s.warmup_steps = get<double>(c, "warmup_steps", 0.0);
    known.insert({"decay_steps", "alpha", "warmup_target", "warmup_steps"});
  } else if (class_name == "CosineDecayRestarts") {
    s.kind = K::CosineDecayRestarts;
    s.initial_learning_rate = required("initial_learning_rate");
    s.decay_steps = required("first_decay_steps");
    s.t_mul = get<double>(c, "t_mul", 2.0);
    s.m_mul = get<double>(c, "m_mul", 1.0);
    s.alpha = get<double>(c, "alpha", 0.0);
    known.insert({"first_decay_steps", "t_mul", "m_mul", "alpha"});
  } else {
    throw py::value_error("unknown learning rate schedule '" + class_name +
                          "' (ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, "
                          "InverseTimeDecay, CosineDecay, CosineDecayRestarts)");
  }
  reject_unknown_keys(c, known, class_name);
  try {
    densefit::validate_schedule(s);
  } catch (const std::invalid_argument& e) {
    throw py::value_error(e.what());
  }
  return s;
}

}  // namespace

LearningRateSchedule schedule_from_object(py::handle lr) {
  if (py::isinstance<py::bool_>(lr))
    throw py::value_error("`learning_rate` must be a float or a learning rate schedule");
  if (py::isinstance<py::float_>(lr) || py::isinstance<py::int_>(lr) ||
      py::hasattr(lr, "__float__")) {
    LearningRateSchedule s;
    s.initial_learning_rate = lr.cast<double>();
    return s;
  }
  if (py::isinstance<py::dict>(lr)) {
    py::dict d = py::reinterpret_borrow<py::dict>(lr);
    if (!present(d, "class_name") || !present(d, "config"))
      throw py::value_error(
          "a serialized learning rate schedule has `class_name` and `config` keys");
    return schedule_from_dict(py::str(d["class_name"]), d["config"].cast<py::dict>());
  }
  if (py::hasattr(lr, "get_config")) {
    const std::string class_name = py::str(py::type::handle_of(lr).attr("__name__"));
    return schedule_from_dict(class_name, lr.attr("get_config")().cast<py::dict>());
  }
  throw py::value_error("`learning_rate` must be a float or a learning rate schedule, got " +
                        py::repr(lr).cast<std::string>());
}

OptimizerConfig optimizer_config_from_dict(const py::dict& given) {
  py::dict d = given;
  std::string kind;
  if (present(given, "class_name")) {
    kind = optimizer_kind(py::str(given["class_name"]));
    d = present(given, "config") ? given["config"].cast<py::dict>() : py::dict();
  } else if (present(given, "name")) {
    kind = optimizer_kind(py::str(given["name"]));
  } else {
    throw py::value_error("an optimizer config needs `name` (or `class_name`)");
  }

  OptimizerConfig c;
  c.name = kind;
  Keys known = {"name",        "learning_rate",   "weight_decay",
                "clipnorm",    "clipvalue",       "global_clipnorm",
                "use_ema",     "ema_momentum",    "ema_overwrite_frequency",
                "loss_scale_factor", "gradient_accumulation_steps", "decay"};
  double default_lr = 0.001;
  if (kind == "sgd") {
    default_lr = 0.01;
    c.momentum = get<double>(d, "momentum", 0.0);
    c.nesterov = get<bool>(d, "nesterov", false);
    known.insert({"momentum", "nesterov"});
  } else if (kind == "adam" || kind == "adamw" || kind == "adamax" || kind == "nadam") {
    c.beta_1 = get<double>(d, "beta_1", 0.9);
    c.beta_2 = get<double>(d, "beta_2", 0.999);
    c.epsilon = get<double>(d, "epsilon", 1e-7);
    known.insert({"beta_1", "beta_2", "epsilon"});
    if (kind == "adam" || kind == "adamw") {
      c.amsgrad = get<bool>(d, "amsgrad", false);
      known.insert("amsgrad");
    }
  } else if (kind == "rmsprop") {
    c.rho = get<double>(d, "rho", 0.9);
    c.momentum = get<double>(d, "momentum", 0.0);
    c.epsilon = get<double>(d, "epsilon", 1e-7);
    c.centered = get<bool>(d, "centered", false);
    known.insert({"rho", "momentum", "epsilon", "centered"});
  } else if (kind == "adagrad") {
    c.initial_accumulator_value = get<double>(d, "initial_accumulator_value", 0.1);
    c.epsilon = get<double>(d, "epsilon", 1e-7);
    known.insert({"initial_accumulator_value", "epsilon"});
  } else if (kind == "adadelta") {
    c.rho = get<double>(d, "rho", 0.95);
    c.epsilon = get<double>(d, "epsilon", 1e-7);
    known.insert({"rho", "epsilon"});
  } else if (kind == "lion") {
    c.beta_1 = get<double>(d, "beta_1", 0.9);
    c.beta_2 = get<double>(d, "beta_2", 0.99);
    known.insert({"beta_1", "beta_2"});
  } else if (kind == "ftrl") {
    c.learning_rate_power = get<double>(d, "learning_rate_power", -0.5);
    c.initial_accumulator_value = get<double>(d, "initial_accumulator_value", 0.1);
    c.l1_regularization_strength = get<double>(d, "l1_regularization_strength", 0.0);
    c.l2_regularization_strength = get<double>(d, "l2_regularization_strength", 0.0);
    c.l2_shrinkage_regularization_strength =
        get<double>(d, "l2_shrinkage_regularization_strength", 0.0);
    c.beta = get<double>(d, "beta", 0.0);
    known.insert({"learning_rate_power", "initial_accumulator_value",
                  "l1_regularization_strength", "l2_regularization_strength",
                  "l2_shrinkage_regularization_strength", "beta"});
  }
  reject_unknown_keys(d, known, kind);

  if (present(d, "learning_rate")) {
    c.learning_rate = schedule_from_object(d["learning_rate"]);
  } else {
    c.learning_rate.initial_learning_rate = default_lr;
  }
  if (kind == "adamw") {
    if (d.contains("weight_decay") && d["weight_decay"].is_none())
      throw py::value_error("Argument `weight_decay` must be a float. Received: None");
    c.weight_decay = get<double>(d, "weight_decay", 0.004);
  } else {
    c.weight_decay = get<double>(d, "weight_decay", 0.0);
  }
  c.clipnorm = get<double>(d, "clipnorm", 0.0);
  c.clipvalue = get<double>(d, "clipvalue", 0.0);
  c.global_clipnorm = get<double>(d, "global_clipnorm", 0.0);
  c.use_ema = get<bool>(d, "use_ema", false);
  c.ema_momentum = get<double>(d, "ema_momentum", 0.99);
  c.ema_overwrite_frequency = get<int64_t>(d, "ema_overwrite_frequency", 0);
  c.loss_scale_factor = get<double>(d, "loss_scale_factor", 0.0);
  c.gradient_accumulation_steps = get<int64_t>(d, "gradient_accumulation_steps", 0);
  if (c.gradient_accumulation_steps == 1)
    throw py::value_error("`gradient_accumulation_steps` must be an integer >= 2. Received: 1");
  return c;
}
