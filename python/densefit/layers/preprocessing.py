"""Keras's preprocessing layers that are arithmetic on features: Rescaling (x * scale +
offset) and Normalization (the data's mean and variance, from adapt()), both native layer ops
(cpp/src/ops/rescaling.cpp, normalization.cpp)."""

import math

import numpy as np

from densefit.layers.layer import Layer
from densefit.variables import Variable, assign_all


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


def _axes(axis):
    """Keras's axis argument as a tuple (None: every axis reduced, one mean and variance)."""
    if axis is None:
        return ()
    if isinstance(axis, int) and not isinstance(axis, bool):
        return (axis,)
    try:
        return tuple(int(a) for a in axis)
    except (TypeError, ValueError):
        raise TypeError(f"Normalization's axis must be an int, a tuple of ints or None, got "
                        f"axis={axis!r}") from None


class Normalization(Layer):
    """A preprocessing layer that normalizes continuous features: `(x - mean) /
    sqrt(variance)`, with the mean and variance of the data (from `adapt()`) or given.

    The denominator is `max(sqrt(variance), epsilon)` with `epsilon = 1e-7`, as in Keras, so
    a constant feature maps to 0. `mean` and `variance` are non-trainable weights (with
    Keras's `count`) when they come from `adapt()`, and constants in the config when given
    to the constructor. densefit normalizes per feature of the last axis (`axis=-1`) or with
    one mean and variance for every value (`axis=None`).

    Args:
        axis: The axis that keeps a separate mean and variance per index: `-1` (or the
            last axis's positive index) for one per feature, or `None` for a single mean
            and variance. Other axes raise `ValueError`. Defaults to `-1`.
        mean: The mean to use, a float or one value per feature; `mean` and `variance` are
            given together. Defaults to `None` (from `adapt()`).
        variance: The variance to use, the same shape as `mean`. Defaults to `None`.
        invert: If `True`, apply the inverse transformation, `mean + x * sqrt(variance)`:
            normalized values back to the original scale. Defaults to `False`.
        **kwargs: Base layer keyword arguments, such as `name` and `input_shape`.

    Example:

    >>> import numpy as np
    >>> import densefit as keras
    >>> layer = keras.layers.Normalization()
    >>> layer.adapt(np.array([[0.0, 7.0], [2.0, 9.0]]))
    >>> model = keras.Sequential([keras.Input((2,)), layer])
    >>> model.predict(np.array([[1.0, 9.0]]), verbose=0)
    array([[0., 1.]], dtype=float32)
    """

    _STATE_WEIGHTS = ("mean", "variance")

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = _axes(axis)
        if len(self.axis) > 1:
            raise ValueError(f"Normalization {self.name!r}: densefit keeps one mean per feature "
                             f"of the last axis (axis=-1) or one for all values (axis=None), "
                             f"got axis={axis!r}")
        if (mean is None) != (variance is None):
            raise ValueError(f"When setting values directly, both `mean` and `variance` must "
                             f"be set. Received: mean={mean} and variance={variance}")
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(f"When setting values directly, `mean` and `variance` must "
                                 f"have the same shape. Received: mean shape "
                                 f"{np.shape(mean)} and variance shape {np.shape(variance)}")
            if np.ndim(mean) > len(self.axis):  # at most one axis (above)
                raise ValueError(f"The rank of `mean` must be less than or equal to the number "
                                 f"of axes ({len(self.axis)}). Received: mean shape "
                                 f"{np.shape(mean)} for axis {self.axis}")
        self.input_mean, self.input_variance = mean, variance
        self.invert = bool(invert)
        # Keras's `count` weight (kept for old files; adapt() leaves it 0): not in the arena.
        self._count = None if mean is not None else \
            Variable(np.zeros((), dtype=np.int32), f"{self.name}/count", self, trainable=False)

    # ---- shapes and the native op -----------------------------------------------------------
    @property
    def _acts_on_last_axis(self):
        return self.axis != ()  # one mean per feature: the native rows are the last axis

    def _check_axis(self, input_shape):
        if not self.axis:
            return
        rank = len(input_shape) + 1
        axis = self.axis[0]
        if not -rank <= axis < rank:
            raise ValueError(f"All `axis` values must be in the range [-ndim, ndim). Received "
                             f"inputs with ndim={rank}, while axis={self.axis}")
        if axis % rank != rank - 1:
            raise ValueError(f"Normalization {self.name!r}: densefit keeps one mean per feature "
                             f"of the last axis (axis=-1) or one for all values (axis=None), "
                             f"got axis={self.axis} for inputs of rank {rank}")

    def _stat_shape(self, input_shape):
        self._check_axis(input_shape)
        if getattr(self, "_rank", None) is None:  # Keras builds once: adapt's data, or the model
            self._rank = len(input_shape) + 1  # with the batch axis: the shape of `mean`
        return (input_shape[-1],) if self.axis else ()

    def compute_output_shape(self, input_shape):
        self._check_axis(input_shape)
        return tuple(input_shape)

    def weight_shapes(self, input_shape):
        shape = self._stat_shape(input_shape)
        return [("mean", shape), ("variance", shape)]

    def saved_weight_shapes(self, input_shape):
        if self.input_mean is not None:
            return []
        return self.weight_shapes(input_shape) + [("count", ())]

    def initial_value_into(self, name, array):
        given = self.input_mean if name == "mean" else self.input_variance
        if given is None:
            given = 0.0 if name == "mean" else 1.0  # Keras's initializers, before adapt()
        try:
            array[...] = np.broadcast_to(np.asarray(given, dtype=np.float32), array.shape)
        except ValueError:
            raise ValueError(f"Normalization {self.name!r}: `{name}` of shape "
                             f"{np.shape(given)} does not broadcast to the {array.shape} "
                             f"values the layer keeps") from None

    def native_spec(self, input_shape):
        self._check_axis(input_shape)
        return {"kind": "normalization", "invert": self.invert, "scalar": not self.axis}

    # ---- weights: mean and variance in the arena, Keras's count beside them -----------------
    @property
    def weights(self):
        if self.input_mean is not None:
            return []  # constants, as in Keras: nothing to save or set
        return list(self._variables) + ([self._count] if self._variables else [])


    @property
    def mean(self):
        """The mean, shaped to broadcast against the inputs (Keras's `layer.mean`)."""
        return self._stat("mean")

    @property
    def variance(self):
        return self._stat("variance")

    def _stat(self, name):
        if self.input_mean is not None:
            value = self.input_mean if name == "mean" else self.input_variance
        elif self._variables:
            value = self._variables[0 if name == "mean" else 1].numpy()
        else:
            return None
        value = np.asarray(value, dtype=np.float32)
        rank = getattr(self, "_rank", None)
        if rank is None:
            return value
        # Keras's broadcast shape: 1 on every reduced axis, the batch axis included.
        shape = (1,) * rank if not self.axis else (1,) * (rank - 1) + (value.size,)
        return np.broadcast_to(value.reshape(-1) if self.axis else value, shape).copy()

    # ---- adapt ------------------------------------------------------------------------------
    def adapt(self, data):
        """Computes the mean and variance of `data` (a NumPy array, or an iterable of batches
        of arrays) and stores them in the layer's weights, as Keras's `adapt` does; call it
        before `fit`, `evaluate` or `predict`."""
        if self.input_mean is not None:
            raise ValueError(f"Normalization {self.name!r} was given `mean` and `variance`; "
                             f"adapt() would not change them")
        if isinstance(data, np.ndarray):
            mean, variance = self._array_statistics(data)
        elif hasattr(data, "__iter__") and not isinstance(data, (str, bytes, dict)):
            mean, variance = self._batch_statistics(data)
        else:
            raise TypeError(f"Unsupported data type: {type(data)}. `adapt` supports "
                            f"`np.ndarray` and iterables of batches (e.g. a list of arrays "
                            f"or a generator)")
        values = [np.asarray(mean, dtype=np.float32), np.asarray(variance, dtype=np.float32)]
        if self._variables:  # built: one weight version of the model it is in
            assign_all(zip(self._variables, values))
        else:  # arrays of its own until a model binds it (models/shared_layers.py)
            self._variables = [Variable(v.copy(), f"{self.name}/{n}", self, trainable=False)
                               for v, n in zip(values, self._STATE_WEIGHTS)]
            self.built = True

    def _reduce_axes(self, shape):
        if len(shape) == 0:
            raise ValueError("adapt() needs at least one sample: got a scalar")
        self._stat_shape(shape[1:])
        if self._variables and self.axis and self._variables[0].shape != (shape[-1],):
            raise ValueError(f"The layer was built with {self._variables[0].shape[0]} "
                             f"features, but adapt() is being called with data with an "
                             f"incompatible shape, data.shape={tuple(shape)}")
        return tuple(range(len(shape) - 1)) if self.axis else tuple(range(len(shape)))

    def _array_statistics(self, data):
        axes = self._reduce_axes(data.shape)
        return np.mean(data, axis=axes), np.var(data, axis=axes)

    def _batch_statistics(self, batches):
        # Keras's running combination (the lack-of-fit sum of squares), in float32.
        total_mean = total_var = None
        total_count = 0
        for batch in batches:
            if isinstance(batch, tuple):
                batch = batch[0]
            batch = np.asarray(batch, dtype=np.float32)
            axes = self._reduce_axes(batch.shape)
            batch_mean, batch_var = np.mean(batch, axis=axes), np.var(batch, axis=axes)
            if total_mean is None:
                total_mean = np.zeros_like(batch_mean)
                total_var = np.zeros_like(batch_var)
            count = int(np.prod([batch.shape[a] for a in axes])) if axes else 1
            total_count += count
            batch_weight = np.float32(count / total_count)
            existing_weight = np.float32(1.0) - batch_weight
            new_mean = total_mean * existing_weight + batch_mean * batch_weight
            total_var = (total_var + (total_mean - new_mean) ** 2) * existing_weight + \
                (batch_var + (batch_mean - new_mean) ** 2) * batch_weight
            total_mean = new_mean
        if total_mean is None:
            raise ValueError("adapt() received an empty iterable (no batches). Expected at "
                             "least one batch.")
        return total_mean, total_var

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis, "invert": self.invert,
                       "mean": np.array(self.input_mean).tolist(),
                       "variance": np.array(self.input_variance).tolist()})
        return config
