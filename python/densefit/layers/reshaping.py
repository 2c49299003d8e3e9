"""Reshape: a new sample shape over the same values (row-major, so free natively)."""

import math

from densefit.layers.layer import Layer


class Reshape(Layer):
    """Reshapes each sample to `target_shape`; the batch axis is left alone.

    The values are read and written in row-major order, as Keras's (and NumPy's) reshape
    does, so the layer costs nothing natively. Layers after it that act on the last axis
    (`Dense`, `Softmax`, normalizations) see the new last axis, as in Keras.

    Args:
        target_shape: Tuple of ints, the shape of one output sample without the batch axis.
            One entry may be `-1`: it is inferred from the sample size.
        **kwargs: Base layer keyword arguments, such as `name` and `input_shape`.

    Example:

    >>> import densefit as keras
    >>> x = keras.Input(shape=(12,))
    >>> keras.layers.Reshape((3, 4))(x).shape
    (None, 3, 4)
    >>> keras.layers.Reshape((-1, 2))(x).shape
    (None, 6, 2)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        if isinstance(target_shape, int) and not isinstance(target_shape, bool):
            target_shape = (target_shape,)
        try:
            shape = tuple(int(d) for d in target_shape)
        except (TypeError, ValueError):
            raise TypeError(f"Reshape's target_shape must be a tuple of ints, got "
                            f"{target_shape!r}") from None
        if any(d == 0 or d < -1 for d in shape) or shape.count(-1) > 1:
            raise ValueError(f"Reshape's target_shape holds positive ints and at most one -1, "
                             f"got target_shape={target_shape!r}")
        self.target_shape = shape

    def compute_output_shape(self, input_shape):
        size = math.prod(input_shape)
        known = math.prod(d for d in self.target_shape if d != -1)
        if -1 in self.target_shape:
            if size % known:
                raise ValueError(self._mismatch(input_shape))
            return tuple(size // known if d == -1 else d for d in self.target_shape)
        if known != size:
            raise ValueError(self._mismatch(input_shape))
        return self.target_shape

    def _mismatch(self, input_shape):
        return (f"The total size of the tensor must be unchanged. Received: "
                f"input_shape={(None,) + tuple(input_shape)}, "
                f"target_shape={self.target_shape}")

    def get_config(self):
        config = super().get_config()
        config["target_shape"] = self.target_shape
        return config
