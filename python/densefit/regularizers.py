"""Keras weight regularizers (L1, L2, L1L2); the penalty and its gradient are native."""

import numpy as np

from densefit.utils.naming import resolve_name


class Regularizer:
    """Base class of the weight regularizers.

    A regularizer adds a penalty on a weight (or, as `activity_regularizer`, on a layer's
    output) to the training loss, which pushes the weights towards small values. densefit's
    regularizers are combinations of an L1 and an L2 term, `l1 * sum(abs(x)) + l2 *
    sum(x**2)`; the penalty and its gradient are computed natively during `fit`. Calling a
    regularizer on an array, `regularizer(x)`, returns that penalty as a float.

    Example:

    >>> import densefit as keras
    >>> keras.regularizers.L1L2(l1=0.5, l2=1.0)([1.0, -2.0])
    6.5
    """

    def __call__(self, x):
        x = np.asarray(x, dtype=np.float64)
        return float(self.l1 * np.abs(x).sum() + self.l2 * np.square(x).sum())

    def native(self):
        return {"l1": float(self.l1), "l2": float(self.l2)}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1L2(Regularizer):
    """A regularizer that applies both an L1 and an L2 penalty.

    The penalty is `l1 * sum(abs(x)) + l2 * sum(square(x))`. Also available as
    `densefit.regularizers.l1_l2`.

    Args:
        l1: Non-negative float, the L1 factor. Defaults to `0.0`.
        l2: Non-negative float, the L2 factor. Defaults to `0.0`.

    Example:

    >>> import densefit as keras
    >>> layer = keras.layers.Dense(3, kernel_regularizer=keras.regularizers.L1L2(1e-5, 1e-4))
    """

    def __init__(self, l1=0.0, l2=0.0):
        for name, value in (("l1", l1), ("l2", l2)):
            if not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"{name} must be a non-negative number, got {value!r}")
        self.l1, self.l2 = float(l1), float(l2)

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """A regularizer that applies an L1 penalty, `l1 * sum(abs(x))`.

    It favours sparse weights (many exactly zero). Also available as
    `densefit.regularizers.l1`. The factor is stored as a float32 value, as Keras does.

    Args:
        l1: Non-negative float, the L1 factor; `None` means the default. Defaults to `0.01`.

    Example:

    >>> import densefit as keras
    >>> layer = keras.layers.Dense(3, kernel_regularizer=keras.regularizers.L1(0.01))
    """

    def __init__(self, l1=0.01):
        super().__init__(l1=0.01 if l1 is None else l1)
        # Keras's L1 (only L1) keeps its factor as a float32 tensor: its config reads
        # 0.30000001192092896 for 0.3, and so does ours, so saved files compare equal.
        self.l1 = float(np.float32(self.l1))

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    """A regularizer that applies an L2 penalty, `l2 * sum(square(x))` (weight decay).

    Also available as `densefit.regularizers.l2`.

    Args:
        l2: Non-negative float, the L2 factor; `None` means the default. Defaults to `0.01`.

    Example:

    >>> import densefit as keras
    >>> layer = keras.layers.Dense(3, kernel_regularizer=keras.regularizers.L2(0.01))
    """

    def __init__(self, l2=0.01):
        super().__init__(l2=0.01 if l2 is None else l2)

    def get_config(self):
        return {"l2": self.l2}


# Keras 3's lower-case aliases are the classes themselves (so `l1_l2()` defaults to 0.0 and
# 0.0, not Keras 2's 0.01), and its registry resolves "l1", "l2" and "l1l2" but not "l1_l2".
l1, l2, l1_l2 = L1, L2, L1L2

ALL = {"L1": L1, "L2": L2, "L1L2": L1L2}


def get(identifier):
    if identifier is None:
        return None
    return resolve_name("regularizer", identifier, ALL, {"l1": L1, "l2": L2, "l1l2": L1L2},
                        Regularizer, snake_names=False)


def serialize(reg):
    return None if reg is None else {"module": "keras.regularizers",
                                     "class_name": type(reg).__name__,
                                     "config": reg.get_config(), "registered_name": None}
