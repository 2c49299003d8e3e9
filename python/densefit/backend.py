"""`keras.backend`: Keras 3's functions (clear_session, floatx, epsilon, image_data_format,
get_uid, dtype helpers) and the Keras 2 math that old scripts call through
`K = keras.backend` (K.mean, K.sum, K.clip, K.epsilon(), ...).

The math functions are densefit.ops, so a custom loss or metric written with them is traced
into the native step like any other (docs/custom-functions.md)."""

import collections

import numpy as np

from densefit import config as _config
from densefit import ops as _ops

# ---- Keras 3's keras.backend ---------------------------------------------------------------
backend = _config.backend
floatx = _config.floatx
epsilon = _config.epsilon

set_floatx, set_epsilon = _config.set_floatx, _config.set_epsilon
image_data_format, set_image_data_format = (_config.image_data_format,
                                            _config.set_image_data_format)
_uids = collections.defaultdict(int)


def get_uid(prefix=""):
    """1, 2, 3, ... for each `prefix`, as Keras counts them (reset by clear_session)."""
    _uids[prefix] += 1
    return _uids[prefix]


def clear_session(free_memory=True):
    """Resets the names Keras would reset: layer names start again from "dense", "dense_1"...
    (so `get_layer("dense")` works in a notebook that rebuilds its model), and get_uid."""
    from densefit.layers import layer

    layer._name_counters.clear()
    _uids.clear()


def standardize_dtype(dtype=None):
    """A dtype's name as Keras writes it ("float32", "int64", "bool", ...)."""
    if dtype is None:
        return floatx()
    # Keras maps int to int64 only on TensorFlow; densefit follows its other backends.
    python_types = {bool: "bool", int: "int32", float: "float32", str: "string", "int": "int32"}
    if isinstance(dtype, (type, str)) and dtype in python_types:
        return python_types[dtype]
    if isinstance(dtype, str) and dtype in ("float", "uint", "complex"):
        raise ValueError(f"Invalid dtype: {dtype}")  # NumPy would pick a width; Keras refuses
    if not isinstance(dtype, (str, type, np.dtype)):
        hash(dtype)  # an array is unhashable: TypeError, as Keras's registry lookup raises
        raise ValueError(f"Invalid dtype: {dtype!r}")
    try:
        return np.dtype(dtype).name
    except TypeError:
        raise ValueError(f"Invalid dtype: {dtype}") from None


def is_float_dtype(dtype):
    return standardize_dtype(dtype).startswith(("float", "bfloat"))


def is_int_dtype(dtype):
    return standardize_dtype(dtype).startswith(("int", "uint"))


def is_keras_tensor(x):
    from densefit.layers.layer import KerasTensor

    return isinstance(x, KerasTensor)


# ---- Keras 2's backend math, as old scripts call it ---------------------------------------
abs = _ops.abs  # noqa: A001 (Keras's name)
clip = _ops.clip
cos, sin, tanh = _ops.cos, _ops.sin, _ops.tanh
equal, not_equal = _ops.equal, _ops.not_equal
greater, greater_equal, less, less_equal = (_ops.greater, _ops.greater_equal, _ops.less,
                                            _ops.less_equal)
exp, log, sqrt, square, sign = _ops.exp, _ops.log, _ops.sqrt, _ops.square, _ops.sign
max, min = _ops.max, _ops.min  # noqa: A001
maximum, minimum = _ops.maximum, _ops.minimum
mean, sum, std, var = _ops.mean, _ops.sum, _ops.std, _ops.var  # noqa: A001
ones_like, zeros_like = _ops.ones_like, _ops.zeros_like
pow = _ops.power  # noqa: A001
relu, sigmoid, softmax, softplus = _ops.relu, _ops.sigmoid, _ops.softmax, _ops.softplus
round = _ops.round  # noqa: A001
cast = _ops.cast
expand_dims, reshape, squeeze = _ops.expand_dims, _ops.reshape, _ops.squeeze
switch = _ops.where  # K.switch(condition, then, else) on tensors
