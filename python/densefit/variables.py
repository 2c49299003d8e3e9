"""Variable: a named view of one weight inside a model's native parameter arena."""

import numpy as np


class Variable:
    def __init__(self, array, path, layer=None):
        self._array = array  # a view into the arena: writes go straight to the native weights
        self.path = path
        self.name = path.rsplit("/", 1)[-1]
        self._layer = layer

    @property
    def shape(self):
        return self._array.shape

    @property
    def size(self):
        return self._array.size

    @property
    def dtype(self):
        return "float32"

    @property
    def trainable(self):
        return self._layer.trainable if self._layer is not None else True

    @property
    def value(self):
        return self.numpy()

    def numpy(self):
        return self._array.copy()

    def assign(self, value):
        value = np.asarray(value, dtype=np.float32)
        if value.shape != self._array.shape:
            raise ValueError(f"Cannot assign a value of shape {value.shape} to variable "
                             f"{self.path!r} of shape {self._array.shape}")
        self._array[...] = value
        return self

    def __array__(self, dtype=None, copy=None):
        return self._array.astype(dtype) if dtype else self._array.copy()

    def __repr__(self):
        return f"<Variable path={self.path}, shape={self.shape}, dtype=float32>"
