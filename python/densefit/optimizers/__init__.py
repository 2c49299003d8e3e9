"""Keras optimizers. Each is a descriptor (name + options); the update rule runs natively over
the model's parameter arena once the model is compiled."""

from densefit.optimizers import schedules
from densefit.optimizers.learning_rate import LearningRateVariable
from densefit.optimizers.schedules import LearningRateSchedule

_COMMON = {"weight_decay": None, "clipnorm": None, "clipvalue": None, "global_clipnorm": None,
           "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
           "loss_scale_factor": None, "gradient_accumulation_steps": None}
_ADAM = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}

# Keras class name -> (native name, its own options with Keras's defaults). learning_rate is
# always the first positional argument.
_TABLE = {
    "SGD": ("sgd", {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False}),
    "Adam": ("adam", {"learning_rate": 0.001, **_ADAM, "amsgrad": False}),
    "AdamW": ("adamw", {"learning_rate": 0.001, "weight_decay": 0.004, **_ADAM, "amsgrad": False}),
    "RMSprop": ("rmsprop", {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0,
                            "epsilon": 1e-7, "centered": False}),
    "Adagrad": ("adagrad", {"learning_rate": 0.001, "initial_accumulator_value": 0.1,
                            "epsilon": 1e-7}),
    "Adadelta": ("adadelta", {"learning_rate": 0.001, "rho": 0.95, "epsilon": 1e-7}),
    "Adamax": ("adamax", {"learning_rate": 0.001, **_ADAM}),
    "Nadam": ("nadam", {"learning_rate": 0.001, **_ADAM}),
    "Lion": ("lion", {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.99}),
    "Ftrl": ("ftrl", {"learning_rate": 0.001, "learning_rate_power": -0.5,
                      "initial_accumulator_value": 0.1, "l1_regularization_strength": 0.0,
                      "l2_regularization_strength": 0.0,
                      "l2_shrinkage_regularization_strength": 0.0, "beta": 0.0}),
}


class Optimizer:
    """Base of densefit's optimizers (Keras's `keras.optimizers.Optimizer`)."""

    _native_name = None
    _defaults = {}

    def __init__(self, *args, name=None, **kwargs):
        own = list(self._defaults)
        if len(args) > len(own):
            raise TypeError(f"{type(self).__name__} takes at most {len(own)} positional arguments")
        config = {**_COMMON, **self._defaults}
        config.update(zip(own, args))
        unknown = set(kwargs) - set(config)
        if unknown:
            raise ValueError(f"Argument(s) not recognized: { {k: kwargs[k] for k in sorted(unknown)} }")
        config.update(kwargs)
        lr = config["learning_rate"]
        if isinstance(lr, dict):
            lr = schedules.deserialize(lr)
        if not isinstance(lr, LearningRateSchedule) and (
                isinstance(lr, bool) or not isinstance(lr, (int, float))):
            raise ValueError(f"learning_rate must be a float or a LearningRateSchedule, got {lr!r}")
        config["learning_rate"] = lr
        if config["clipnorm"] is not None and config["global_clipnorm"] is not None:
            raise ValueError("Only one of `clipnorm` and `global_clipnorm` can be set. Received: "
                             f"clipnorm={config['clipnorm']}, global_clipnorm={config['global_clipnorm']}")
        self.name = name or self._native_name
        self._config = config
        self._network = None  # set by compile: then state lives natively

    # The model's compile binds the optimizer to its network.
    def _bind(self, network):
        self._network = network
        # State loaded from a file before the native step existed (densefit.saving).
        restore = self.__dict__.pop("_pending_restore", None)
        if restore is not None:
            restore(network)

    def native(self):
        cfg = dict(self._config)
        cfg["name"] = self._native_name
        lr = cfg["learning_rate"]
        cfg["learning_rate"] = schedules.serialize(lr) if isinstance(lr, LearningRateSchedule) else float(lr)
        cfg.pop("loss_scale_factor", None)
        return cfg

    @property
    def learning_rate(self):
        """A float32 variable (`.numpy()`, `.assign()`, `float()`), as Keras's; the current
        rate, read-only, when a LearningRateSchedule sets it."""
        if isinstance(self._config["learning_rate"], LearningRateSchedule):
            return self._current_learning_rate()
        return LearningRateVariable(self)

    @learning_rate.setter
    def learning_rate(self, value):
        self._set_learning_rate(float(value))

    def _current_learning_rate(self):
        if self._network is not None:
            return self._network.learning_rate
        lr = self._config["learning_rate"]
        return lr(0) if isinstance(lr, LearningRateSchedule) else lr

    def _set_learning_rate(self, value):
        if isinstance(self._config["learning_rate"], LearningRateSchedule):
            raise TypeError("This optimizer was created with a `LearningRateSchedule` instance "
                            "as the `learning_rate` argument, so the learning rate cannot be set")
        self._config["learning_rate"] = value
        if self._network is not None:
            self._network.learning_rate = value

    lr = learning_rate

    @property
    def iterations(self):
        if self._network is not None:
            return self._network.iterations
        return self.__dict__.get("_pending_iterations", 0)

    def get_config(self):
        cfg = {"name": self.name, **self._config}
        lr = cfg["learning_rate"]
        if isinstance(lr, LearningRateSchedule):
            cfg["learning_rate"] = schedules.serialize(lr)
        return cfg

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __getattr__(self, key):
        config = self.__dict__.get("_config", {})
        if key in config:
            return config[key]
        raise AttributeError(key)


ALL = {}
for _cls_name, (_native, _defaults) in _TABLE.items():
    globals()[_cls_name] = ALL[_cls_name] = type(
        _cls_name, (Optimizer,), {"_native_name": _native, "_defaults": _defaults,
                                  "__module__": __name__})


def get(identifier):
    """An optimizer from a Keras name ("adam"), a config dict or an instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    by_name = {**ALL, **{n: ALL[c] for c, (n, _) in _TABLE.items()}}
    if isinstance(identifier, dict) and "class_name" in identifier:
        name, config = identifier["class_name"], identifier.get("config") or {}
    elif isinstance(identifier, str):
        name, config = identifier, {}
    else:
        raise TypeError(f"Could not interpret optimizer identifier: {identifier!r} (expected a "
                        f"name, a config dict or a densefit.optimizers.Optimizer)")
    cls = by_name.get(name) or by_name.get(name.lower())
    if cls is None:
        valid = ", ".join(sorted(n for n, _ in _TABLE.values()))
        raise ValueError(f"Could not interpret optimizer identifier: {name!r}. Valid names: {valid}")
    return cls.from_config(config)


def serialize(optimizer):
    return {"module": "keras.optimizers", "class_name": type(optimizer).__name__,
            "config": optimizer.get_config(), "registered_name": None}
