"""Keras learning-rate schedules: descriptors evaluated natively at every step."""

import numpy as np

from densefit._native import core


class LearningRateSchedule:
    _defaults = {}

    def __init__(self, *args, **kwargs):
        names = list(self._defaults)
        if len(args) > len(names):
            raise TypeError(f"{type(self).__name__} takes at most {len(names)} positional arguments")
        config = dict(self._defaults)
        config.update(zip(names, args))
        unknown = set(kwargs) - set(names)
        if unknown:
            raise TypeError(f"{type(self).__name__} got unexpected arguments {sorted(unknown)}")
        config.update(kwargs)
        missing = [k for k, v in config.items() if v is _REQUIRED]
        if missing:
            raise TypeError(f"{type(self).__name__} missing required arguments {missing}")
        self._config = config
        for key, value in config.items():
            setattr(self, key, value)

    def __call__(self, step):
        """The rate at `step`: a float, or a float32 array of rates for an array of steps
        (Keras's schedules take tensors of steps too)."""
        steps = np.asarray(step)
        if steps.ndim == 0:
            return core.schedule_learning_rate(serialize(self), int(steps))
        config = serialize(self)
        rates = [core.schedule_learning_rate(config, int(s)) for s in steps.reshape(-1)]
        return np.array(rates, dtype=np.float32).reshape(steps.shape)

    def get_config(self):
        return dict(self._config)

    @classmethod
    def from_config(cls, config):
        return cls(**config)


_REQUIRED = object()
_TABLE = {
    "ExponentialDecay": {"initial_learning_rate": _REQUIRED, "decay_steps": _REQUIRED,
                         "decay_rate": _REQUIRED, "staircase": False, "name": "ExponentialDecay"},
    "PiecewiseConstantDecay": {"boundaries": _REQUIRED, "values": _REQUIRED,
                               "name": "PiecewiseConstant"},
    "PolynomialDecay": {"initial_learning_rate": _REQUIRED, "decay_steps": _REQUIRED,
                        "end_learning_rate": 0.0001, "power": 1.0, "cycle": False,
                        "name": "PolynomialDecay"},
    "InverseTimeDecay": {"initial_learning_rate": _REQUIRED, "decay_steps": _REQUIRED,
                         "decay_rate": _REQUIRED, "staircase": False, "name": "InverseTimeDecay"},
    "CosineDecay": {"initial_learning_rate": _REQUIRED, "decay_steps": _REQUIRED, "alpha": 0.0,
                    "name": "CosineDecay", "warmup_target": None, "warmup_steps": 0},
    "CosineDecayRestarts": {"initial_learning_rate": _REQUIRED, "first_decay_steps": _REQUIRED,
                            "t_mul": 2.0, "m_mul": 1.0, "alpha": 0.0, "name": "SGDRDecay"},
}
ALL = {}
for _name, _defaults in _TABLE.items():
    globals()[_name] = ALL[_name] = type(_name, (LearningRateSchedule,),
                                         {"_defaults": _defaults, "__module__": __name__})


def serialize(schedule):
    return {"module": "keras.optimizers.schedules", "class_name": type(schedule).__name__,
            "config": schedule.get_config(), "registered_name": None}


def deserialize(config):
    cls = ALL.get(config.get("class_name"))
    if cls is None:
        raise ValueError(f"Unknown learning rate schedule {config.get('class_name')!r}. "
                         f"Valid names: {', '.join(sorted(ALL))}")
    return cls.from_config(config.get("config") or {})
