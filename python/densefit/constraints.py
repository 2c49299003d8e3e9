"""Keras weight constraints, applied natively after each optimizer update."""

from densefit.utils.naming import resolve_name


class Constraint:
    """Base class of the weight constraints.

    A constraint is a projection applied to a weight after every optimizer update, e.g. to
    keep it non-negative or its norm bounded. Pass one to a layer as `kernel_constraint` or
    `bias_constraint`; densefit applies it natively, right after the update step. Norm
    constraints divide by `norm + 1e-7`, so an all-zero weight stays zero.

    Example:

    >>> import densefit as keras
    >>> layer = keras.layers.Dense(3, kernel_constraint=keras.constraints.NonNeg())
    """

    kind = None

    def get_config(self):
        return {}

    def native(self):
        return {"kind": self.kind, **self.get_config()}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class MaxNorm(Constraint):
    """Constraint that caps the norm of the weights of each unit.

    Each weight vector along `axis` whose L2 norm exceeds `max_value` is scaled down to
    norm `max_value`; smaller ones are left as they are. Also available as `max_norm`.

    Args:
        max_value: Float, the largest norm allowed. Defaults to `2`.
        axis: Int, the axis the norms are taken along. `0` (the default) gives one norm per
            output unit of a `Dense` kernel (over its incoming weights); `1`, one per row.

    Example:

    >>> import densefit as keras
    >>> layer = keras.layers.Dense(3, kernel_constraint=keras.constraints.MaxNorm(3.0))
    """

    kind = "max_norm"

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Constraint that keeps the weights non-negative by setting negative entries to zero.

    Takes no arguments. Also available as `non_neg`.

    Example:

    >>> import densefit as keras
    >>> layer = keras.layers.Dense(3, kernel_constraint=keras.constraints.NonNeg())
    """

    kind = "non_neg"


class UnitNorm(Constraint):
    """Constraint that rescales the weights of each unit to unit L2 norm.

    Also available as `unit_norm`.

    Args:
        axis: Int, the axis the norms are taken along. `0` (the default) gives one norm per
            output unit of a `Dense` kernel (over its incoming weights); `1`, one per row.

    Example:

    >>> import densefit as keras
    >>> layer = keras.layers.Dense(3, kernel_constraint=keras.constraints.UnitNorm())
    """

    kind = "unit_norm"

    def __init__(self, axis=0):
        self.axis = axis

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Constraint that keeps the norm of the weights of each unit within `[min_value, max_value]`.

    Each weight vector along `axis` with norm `n` is rescaled to norm
    `rate * clip(n, min_value, max_value) + (1 - rate) * n`: `rate=1.0` enforces the bounds
    strictly, a smaller rate moves the norm towards them a step at a time. Also available as
    `min_max_norm`.

    Args:
        min_value: Float, the smallest norm allowed. Defaults to `0.0`.
        max_value: Float, the largest norm allowed. Defaults to `1.0`.
        rate: Float in `[0, 1]`, how strongly the bounds are enforced. Defaults to `1.0`.
        axis: Int, the axis the norms are taken along. `0` (the default) gives one norm per
            output unit of a `Dense` kernel (over its incoming weights); `1`, one per row.

    Example:

    >>> import densefit as keras
    >>> c = keras.constraints.MinMaxNorm(min_value=0.5, max_value=1.0, rate=0.5)
    >>> layer = keras.layers.Dense(3, kernel_constraint=c)
    """

    kind = "min_max_norm"

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


ALL = {"MaxNorm": MaxNorm, "NonNeg": NonNeg, "UnitNorm": UnitNorm, "MinMaxNorm": MinMaxNorm}
# Keras's lower-case aliases (its registry resolves the same snake_case names).
max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm


def get(identifier):
    if identifier is None:
        return None
    return resolve_name("constraint", identifier, ALL, {}, Constraint)


def serialize(c):
    return None if c is None else {"module": "keras.constraints", "class_name": type(c).__name__,
                                   "config": c.get_config(), "registered_name": None}
