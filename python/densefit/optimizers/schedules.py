"""Keras learning-rate schedules: descriptors evaluated natively at every step."""

import numpy as np

from densefit._native import core


class LearningRateSchedule:
    """Base class of the learning-rate schedules.

    A schedule maps the optimizer's step count to a learning rate. Pass one as an
    optimizer's `learning_rate` and densefit evaluates it natively before every update, at
    the number of updates done so far. Calling it, `schedule(step)`, returns the rate at
    `step`: a float, or a float32 array of rates for an array of steps. A schedule is fully
    described by its arguments, which `get_config()` returns and `from_config()` takes back.
    Use one of the subclasses (`ExponentialDecay`, `CosineDecay`, ...).

    Args:
        *args: The subclass's arguments, by position, in the order it documents them.
        **kwargs: The same arguments by name; unknown or missing ones raise `TypeError`.
    """

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
_DOCS = {
    "ExponentialDecay": """A schedule that decays the learning rate exponentially.

    The rate at `step` is `initial_learning_rate * decay_rate ** (step / decay_steps)`; with
    `staircase=True` the exponent is floored, so the rate drops in steps every
    `decay_steps` updates.

    Args:
        initial_learning_rate: Float, the rate at step 0.
        decay_steps: Positive int, the number of steps over which the rate is multiplied
            by `decay_rate` once.
        decay_rate: Float, the decay factor.
        staircase: Boolean, whether to decay at discrete intervals. Defaults to `False`.
        name: String, kept in the config. Defaults to `"ExponentialDecay"`.

    Example:

    >>> import densefit as keras
    >>> lr = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.5)
    >>> optimizer = keras.optimizers.SGD(learning_rate=lr)
    >>> lr(200)
    0.025
    """,
    "PiecewiseConstantDecay": """A schedule that is constant between given step boundaries.

    The rate is `values[0]` while `step <= boundaries[0]`, `values[i]` while
    `boundaries[i - 1] < step <= boundaries[i]`, and `values[-1]` after the last boundary.

    Args:
        boundaries: List of increasing step numbers (at least one).
        values: List of rates, one more than `boundaries`.
        name: String, kept in the config. Defaults to `"PiecewiseConstant"`.

    Example:

    >>> import densefit as keras
    >>> lr = keras.optimizers.schedules.PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1])
    >>> lr(100), lr(150), lr(1000)
    (1.0, 0.5, 0.1)
    """,
    "PolynomialDecay": """A schedule that decays the learning rate polynomially.

    Over `decay_steps` steps the rate goes from `initial_learning_rate` to
    `end_learning_rate` as `(initial_learning_rate - end_learning_rate) *
    (1 - step / decay_steps) ** power + end_learning_rate`, then stays at
    `end_learning_rate`. With `cycle=True`, `decay_steps` is instead stretched to the first
    multiple of itself at or above `step`, so the decay starts again from a lower peak.

    Args:
        initial_learning_rate: Float, the rate at step 0.
        decay_steps: Positive int, the length of the decay.
        end_learning_rate: Float, the final rate. Defaults to `0.0001`.
        power: Float, the polynomial's power; `1.0` is a straight line. Defaults to `1.0`.
        cycle: Boolean, whether to cycle past `decay_steps`. Defaults to `False`.
        name: String, kept in the config. Defaults to `"PolynomialDecay"`.

    Example:

    >>> import densefit as keras
    >>> lr = keras.optimizers.schedules.PolynomialDecay(0.1, 100, end_learning_rate=0.0)
    >>> lr(50), lr(500)
    (0.05, 0.0)
    """,
    "InverseTimeDecay": """A schedule that divides the learning rate by a growing factor.

    The rate at `step` is `initial_learning_rate / (1 + decay_rate * step / decay_steps)`;
    with `staircase=True`, `step / decay_steps` is floored.

    Args:
        initial_learning_rate: Float, the rate at step 0.
        decay_steps: Positive int, how many steps make one unit of decay.
        decay_rate: Float, the decay rate.
        staircase: Boolean, whether to decay at discrete intervals. Defaults to `False`.
        name: String, kept in the config. Defaults to `"InverseTimeDecay"`.

    Example:

    >>> import densefit as keras
    >>> lr = keras.optimizers.schedules.InverseTimeDecay(0.1, decay_steps=10, decay_rate=1.0)
    >>> lr(10)
    0.05
    """,
    "CosineDecay": """A schedule that follows a cosine curve down, after an optional linear warmup.

    Without warmup the rate is `initial_learning_rate * ((1 - alpha) * c + alpha)` where
    `c = 0.5 * (1 + cos(pi * min(step, decay_steps) / decay_steps))`, i.e. it falls from
    `initial_learning_rate` to `alpha` times that. With `warmup_target` set, the rate first
    climbs linearly from `initial_learning_rate` to `warmup_target` over `warmup_steps`
    steps and then decays from `warmup_target` the same way
    ([Loshchilov & Hutter, 2016](https://arxiv.org/abs/1608.03983)).

    Args:
        initial_learning_rate: Float, the rate at step 0.
        decay_steps: Positive int, the length of the decay.
        alpha: Float, the final rate as a fraction of the decay's starting rate.
            Defaults to `0.0`.
        name: String, kept in the config. Defaults to `"CosineDecay"`.
        warmup_target: Float or `None`, the rate at the end of the warmup; `None` means
            no warmup. Defaults to `None`.
        warmup_steps: Int, the length of the warmup. Defaults to `0`.

    Example:

    >>> import densefit as keras
    >>> lr = keras.optimizers.schedules.CosineDecay(0.1, decay_steps=100)
    >>> round(lr(50), 6), lr(100)
    (0.05, 0.0)
    """,
    "CosineDecayRestarts": """A cosine-decay schedule with warm restarts (SGDR).

    The rate follows a cosine from `initial_learning_rate` down to `alpha` times that over
    `first_decay_steps` steps, then restarts. Period `i` lasts `first_decay_steps * t_mul**i`
    steps and starts from `initial_learning_rate * m_mul**i`
    ([Loshchilov & Hutter, 2016](https://arxiv.org/abs/1608.03983)).

    Args:
        initial_learning_rate: Float, the rate at step 0.
        first_decay_steps: Positive int, the length of the first period.
        t_mul: Float, how much longer each period is than the one before. Defaults to `2.0`.
        m_mul: Float, how much lower each period starts than the one before.
            Defaults to `1.0`.
        alpha: Float, the lowest rate as a fraction of `initial_learning_rate`.
            Defaults to `0.0`.
        name: String, kept in the config. Defaults to `"SGDRDecay"`.

    Example:

    >>> import densefit as keras
    >>> lr = keras.optimizers.schedules.CosineDecayRestarts(0.1, first_decay_steps=100)
    >>> lr(0), lr(100)
    (0.1, 0.1)
    """,
}
ALL = {}
for _name, _defaults in _TABLE.items():
    globals()[_name] = ALL[_name] = type(_name, (LearningRateSchedule,),
                                         {"_defaults": _defaults, "__module__": __name__,
                                          "__doc__": _DOCS[_name]})


def serialize(schedule):
    return {"module": "keras.optimizers.schedules", "class_name": type(schedule).__name__,
            "config": schedule.get_config(), "registered_name": None}


def deserialize(config):
    cls = ALL.get(config.get("class_name"))
    if cls is None:
        raise ValueError(f"Unknown learning rate schedule {config.get('class_name')!r}. "
                         f"Valid names: {', '.join(sorted(ALL))}")
    return cls.from_config(config.get("config") or {})
