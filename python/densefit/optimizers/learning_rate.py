"""`optimizer.learning_rate` as Keras hands it out: a scalar float32 variable.

Scripts call `.numpy()`, `float()`, `.assign()` on it, pass it to `np.array` or
`keras.ops.convert_to_tensor`, and do arithmetic with it. This object is a live view of its
optimizer's rate (the native step's once compiled), so `lr = opt.learning_rate;
lr.assign(0.01)` changes the rate the next step uses, as it does in Keras.
"""

import operator

import numpy as np


class LearningRateVariable:
    """The optimizer's learning rate, read and written through the optimizer."""

    trainable = False
    dtype = "float32"
    shape = ()
    ndim = 0
    name = "learning_rate"

    def __init__(self, optimizer):
        self._optimizer = optimizer

    @property
    def path(self):
        return f"{self._optimizer.name}/learning_rate"

    @property
    def value(self):
        return np.array(self._optimizer._current_learning_rate(), dtype=np.float32)

    def numpy(self):
        return self.value

    def assign(self, value):
        self._optimizer._set_learning_rate(_as_rate(value))
        return self.value

    def assign_add(self, value):
        return self.assign(self.value + _as_rate(value))

    def assign_sub(self, value):
        return self.assign(self.value - _as_rate(value))

    def __float__(self):
        return float(self.value)

    def __array__(self, dtype=None, copy=None):
        return self.value if dtype is None else self.value.astype(dtype)

    def __repr__(self):
        return (f"<Variable path={self.path}, shape=(), dtype=float32, "
                f"value={float(self)}>")

    def __bool__(self):
        return bool(self.value)

    # Arithmetic and comparisons give float32 scalars, as on a Keras variable.
    def __neg__(self):
        return -self.value

    def __abs__(self):
        return abs(self.value)

    __hash__ = object.__hash__


def _binary(op, reflected=False):
    def method(self, other):
        if isinstance(other, LearningRateVariable):
            other = other.value
        # A Python number stays "weak" (NumPy 2 keeps float32 * 2 in float32, as Keras does).
        return op(other, self.value) if reflected else op(self.value, other)
    return method


for _name, _op in (("add", operator.add), ("sub", operator.sub), ("mul", operator.mul),
                   ("truediv", operator.truediv), ("floordiv", operator.floordiv),
                   ("pow", operator.pow), ("mod", operator.mod)):
    setattr(LearningRateVariable, f"__{_name}__", _binary(_op))
    setattr(LearningRateVariable, f"__r{_name}__", _binary(_op, reflected=True))
for _name in ("lt", "le", "gt", "ge", "eq", "ne"):
    setattr(LearningRateVariable, f"__{_name}__", _binary(getattr(operator, _name)))


def _as_rate(value):
    value = np.asarray(value, dtype=np.float64)
    if value.shape != () or not np.isfinite(value):
        raise ValueError(f"a learning rate must be a finite scalar, got {value!r}")
    return float(value)
