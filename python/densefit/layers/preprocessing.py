"""Rescaling: x * scale + offset (a native layer op, cpp/src/ops/rescaling.cpp)."""

import math

from densefit.layers.layer import Layer


def _finite_number(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not math.isfinite(value):
        raise ValueError(f"densefit's Rescaling takes a finite number as `{name}` (arrays that "
                         f"broadcast are not supported yet), got {name}={value!r}")
    return float(value)


class Rescaling(Layer):
    """Rescales its inputs: `outputs = inputs * scale + offset`, in float32.

    To bring pixel values in `[0, 255]` to `[0, 1]`, pass `scale=1./255`; to `[-1, 1]`,
    `scale=1./127.5, offset=-1`.

    Args:
        scale: Float, the factor the inputs are multiplied by.
        offset: Float, the value added after scaling. Defaults to `0.0`.
        **kwargs: Base layer keyword arguments, such as `name` and `input_shape`.

    Example:

    >>> import numpy as np
    >>> import densefit as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Rescaling(1 / 127.5, -1)])
    >>> [round(float(v), 4) for v in model.predict(np.array([[0.0, 255.0]]), verbose=0)[0]]
    [-1.0, 1.0]
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = _finite_number("scale", scale)
        self.offset = _finite_number("offset", offset)

    def native_spec(self, input_shape):
        return {"kind": "rescaling", "factor": self.scale, "offset": self.offset}

    def get_config(self):
        config = super().get_config()
        config.update({"scale": self.scale, "offset": self.offset})
        return config
