"""Keras's activation layers: Softmax, ReLU, LeakyReLU, ELU and PReLU. The plain forms run as
native activations (those of `Activation`), ReLU's general form and PReLU as layer ops
(cpp/src/ops/relu.cpp, prelu.cpp)."""

import math
import warnings

from densefit import constraints, initializers, regularizers
from densefit.layers.layer import Layer
from densefit.layers.normalization import _last_axis_only, _only_none


def _non_negative(layer, name, value, allow_none=False):
    """Keras's check of an activation layer's numeric argument."""
    if value is None and allow_none:
        return None
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not value >= 0:
        raise ValueError(f"{name} of a {layer} layer cannot be None or a negative value. "
                         f"Received: {name}={value!r}")
    return float(value)


class Softmax(Layer):
    """Softmax activation layer: turns each sample's values along `axis` into a probability
    distribution, `exp(x) / sum(exp(x))`.

    Args:
        axis: Integer, the axis along which the softmax is applied; densefit applies it
            along the last axis only (`-1`, or its positive index) and raises `ValueError`
            for others. Defaults to `-1`.
        **kwargs: Base layer keyword arguments, such as `name` and `dtype`.

    Example:

    >>> import numpy as np
    >>> import densefit as keras
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Softmax()])
    >>> [round(float(v), 4) for v in model.predict(np.array([[1.0, 2.0, 3.0]]), verbose=0)[0]]
    [0.09, 0.2447, 0.6652]
    """

    _acts_on_last_axis = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)) and len(axis) == 1:
            axis = axis[0]
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise ValueError(f"densefit's Softmax takes one integer axis, got axis={axis!r}")
        self.axis = axis

    def compute_output_shape(self, input_shape):
        _last_axis_only(self, [self.axis], input_shape)
        return tuple(input_shape)

    def native_spec(self, input_shape):
        _last_axis_only(self, [self.axis], input_shape)
        return {"kind": "activation", "activation": "softmax"}

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config


class ReLU(Layer):
    """Rectified Linear Unit activation layer, with Keras's optional arguments.

    Formula: `f(x) = max_value` for `x >= max_value`, `f(x) = x` for
    `threshold <= x < max_value`, and `f(x) = negative_slope * (x - threshold)` otherwise.

    Args:
        max_value: Float >= 0, the largest value the layer outputs; `None` means no limit.
            Defaults to `None`.
        negative_slope: Float >= 0, the slope below the threshold. Defaults to `0.0`.
        threshold: Float >= 0, the value below which the output is `negative_slope * (x -
            threshold)` (0 with the default slope). Defaults to `0.0`.
        **kwargs: Base layer keyword arguments, such as `name` and `dtype`.

    Example:

    >>> import numpy as np
    >>> import densefit as keras
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.ReLU(max_value=2.0)])
    >>> model.predict(np.array([[-1.0, 0.5, 1.5, 3.0]]), verbose=0)
    array([[0. , 0.5, 1.5, 2. ]], dtype=float32)
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.max_value = _non_negative("ReLU", "max_value", max_value, allow_none=True)
        self.negative_slope = _non_negative("ReLU", "negative_slope", negative_slope)
        self.threshold = _non_negative("ReLU", "threshold", threshold)

    def native_spec(self, input_shape):
        if self.threshold == 0.0 and self.negative_slope == 0.0 and self.max_value is None:
            return {"kind": "activation", "activation": "relu"}
        if self.threshold == 0.0 and self.max_value is None:
            return {"kind": "activation", "activation": "leaky_relu",
                    "activation_alpha": self.negative_slope}
        if self.threshold == 0.0 and self.negative_slope == 0.0 and self.max_value == 6.0:
            return {"kind": "activation", "activation": "relu6"}
        return {"kind": "relu", "negative_slope": self.negative_slope,
                "max_value": math.inf if self.max_value is None else self.max_value,
                "threshold": self.threshold}

    def get_config(self):
        config = super().get_config()
        config.update({"max_value": self.max_value, "negative_slope": self.negative_slope,
                       "threshold": self.threshold})
        return config


class LeakyReLU(Layer):
    """Leaky version of a Rectified Linear Unit: `f(x) = x` for `x >= 0` and
    `f(x) = negative_slope * x` otherwise.

    Args:
        negative_slope: Float >= 0, the slope for negative inputs. Defaults to `0.3`.
        **kwargs: Base layer keyword arguments, such as `name` and `dtype`; Keras's
            deprecated `alpha` is accepted for `negative_slope`, with a warning.

    Example:

    >>> import numpy as np
    >>> import densefit as keras
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.LeakyReLU()])
    >>> [round(float(v), 4) for v in model.predict(np.array([[-3.0, -1.0, 2.0]]), verbose=0)[0]]
    [-0.9, -0.3, 2.0]
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn("Argument `alpha` is deprecated. Use `negative_slope` instead.")
        super().__init__(**kwargs)
        self.negative_slope = _non_negative("Leaky ReLU", "negative_slope", negative_slope)

    def native_spec(self, input_shape):
        return {"kind": "activation", "activation": "leaky_relu",
                "activation_alpha": self.negative_slope}

    def get_config(self):
        config = super().get_config()
        config["negative_slope"] = self.negative_slope
        return config


class ELU(Layer):
    """Exponential Linear Unit activation layer: `f(x) = x` for `x > 0` and
    `f(x) = alpha * (exp(x) - 1)` otherwise.

    Args:
        alpha: Float, the scale of the negative part. Defaults to `1.0`.
        **kwargs: Base layer keyword arguments, such as `name` and `dtype`.

    Example:

    >>> import numpy as np
    >>> import densefit as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.ELU(alpha=0.5)])
    >>> [round(float(v), 4) for v in model.predict(np.array([[-1.0, 2.0]]), verbose=0)[0]]
    [-0.3161, 2.0]
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or \
                not math.isfinite(alpha):
            raise ValueError(f"ELU's alpha must be a finite float, got alpha={alpha!r}")
        self.alpha = float(alpha)

    def native_spec(self, input_shape):
        return {"kind": "activation", "activation": "elu", "activation_alpha": self.alpha}

    def get_config(self):
        config = super().get_config()
        config["alpha"] = self.alpha
        return config


class PReLU(Layer):
    """Parametric Rectified Linear Unit: `f(x) = x` for `x >= 0` and `f(x) = alpha * x`
    otherwise, with `alpha` a learned array of the input's feature shape.

    Args:
        alpha_initializer: Initializer of `alpha`. Defaults to `"Zeros"`.
        alpha_regularizer: Regularizer of `alpha`; densefit supports only `None` (the
            default) and raises `ValueError` otherwise.
        alpha_constraint: Constraint on `alpha`; only `None` (the default).
        shared_axes: The axes along which `alpha` is shared (one value for the whole axis),
            e.g. `[1]` for inputs of shape `(batch, steps, features)`. densefit learns one
            `alpha` per feature of the last axis, so for inputs of rank 3 or more
            `shared_axes` must cover every axis but the batch and the last one. Defaults
            to `None`.
        **kwargs: Base layer keyword arguments, such as `name` and `dtype`.

    Example:

    >>> import densefit as keras
    >>> model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4),
    ...                           keras.layers.PReLU()])
    >>> model.layers[1].get_weights()[0].shape
    (4,)
    """

    _acts_on_last_axis = True  # one alpha per feature of the native rows

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        _only_none("PReLU", alpha_regularizer=alpha_regularizer,
                   alpha_constraint=alpha_constraint)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(None)
        self.alpha_constraint = constraints.get(None)
        if shared_axes is None:
            self.shared_axes = None
        elif isinstance(shared_axes, (list, tuple)):
            self.shared_axes = list(shared_axes)
        else:
            self.shared_axes = [shared_axes]

    def _alpha_shape(self, input_shape):
        shape = list(input_shape)
        for axis in self.shared_axes or []:
            if not 1 <= axis <= len(shape):
                raise ValueError(f"PReLU {self.name!r}: inputs of shape "
                                 f"{(None,) + tuple(input_shape)} have no axis {axis} to share "
                                 f"(shared_axes={self.shared_axes})")
            shape[axis - 1] = 1
        if any(d != 1 for d in shape[:-1]):
            raise ValueError(f"PReLU {self.name!r}: densefit learns one alpha per feature of "
                             f"the last axis; for inputs of shape "
                             f"{(None,) + tuple(input_shape)} pass shared_axes="
                             f"{list(range(1, len(shape)))}")
        return tuple(shape)

    def compute_output_shape(self, input_shape):
        self._alpha_shape(input_shape)
        return tuple(input_shape)

    def weight_shapes(self, input_shape):
        return [("alpha", self._alpha_shape(input_shape))]

    def initial_value_into(self, name, array):
        self.alpha_initializer.fill(array)

    def native_spec(self, input_shape):
        self._alpha_shape(input_shape)
        return {"kind": "prelu"}

    @property
    def alpha(self):
        return self._variables[0] if self._variables else None

    def get_config(self):
        config = super().get_config()
        config.update({"alpha_initializer": initializers.serialize(self.alpha_initializer),
                       "alpha_regularizer": None, "alpha_constraint": None,
                       "shared_axes": self.shared_axes})
        return config
