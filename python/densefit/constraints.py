"""Keras weight constraints, applied natively after each optimizer update."""

from densefit.utils.naming import resolve_name


class Constraint:
    kind = None

    def get_config(self):
        return {}

    def native(self):
        return {"kind": self.kind, **self.get_config()}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class MaxNorm(Constraint):
    kind = "max_norm"

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    kind = "non_neg"


class UnitNorm(Constraint):
    kind = "unit_norm"

    def __init__(self, axis=0):
        self.axis = axis

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
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
