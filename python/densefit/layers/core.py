"""The layers of a dense network: Dense, Dropout, Activation, Flatten, InputLayer."""

import os

from densefit import activations, constraints, initializers, regularizers
from densefit.layers.layer import KerasTensor, Layer, _as_shape, flat_size


def _activation_spec(identifier):
    name = activations.get(identifier)
    return {"activation": {"swish": "silu", "hard_swish": "hard_silu"}.get(name, name)}


class InputLayer(Layer):
    def __init__(self, shape=None, batch_size=None, dtype=None, name=None, **kwargs):
        shape = kwargs.pop("input_shape", shape)
        if "batch_shape" in kwargs:
            shape = tuple(kwargs.pop("batch_shape"))[1:]
        if shape is None:
            raise ValueError("InputLayer needs a `shape` (the shape of one sample)")
        super().__init__(name=name, dtype=dtype, **kwargs)
        self._input_shape_arg = _as_shape(shape, "shape")
        self.batch_size = batch_size

    def get_config(self):
        return {"batch_shape": (None,) + self._input_shape_arg, "dtype": self.dtype,
                "sparse": False, "name": self.name}


def Input(shape=None, batch_size=None, dtype=None, name=None, batch_shape=None, **kwargs):
    layer = InputLayer(shape=shape if batch_shape is None else tuple(batch_shape)[1:],
                       batch_size=batch_size, dtype=dtype, name=name, **kwargs)
    return KerasTensor(layer._input_shape_arg, layer.name, layer)


def _weights_memory_holds():
    """How many float32 weights one layer may have: what this machine's memory holds (the
    weights alone; gradients and optimizer slots come on top), and never more than 64-bit
    sizes address (larger counts would overflow the native offsets)."""
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows): the address bound
        memory = 1 << 62
    return min(memory // 4, 1 << 60)


_MAX_WEIGHTS = _weights_memory_holds()


def _positive_int(value):
    """`value` as a positive int if it is an integer (NumPy's too, not a bool), else None."""
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        return None
    try:
        number = value.__index__()
    except TypeError:  # an ndarray that is not one integer
        return None
    return number if number > 0 else None


class Dense(Layer):
    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 lora_rank=None, **kwargs):
        super().__init__(**kwargs)
        # Keras raises this ValueError for any units but a positive int (NumPy integers are
        # accepted here too; bools, which Keras reads as 1 unit, are not).
        count = _positive_int(units)
        if count is None:
            raise ValueError(f"Received an invalid value for `units`, expected a positive "
                             f"integer. Received: units={units!r}")
        if lora_rank is not None:
            raise ValueError("lora_rank is not supported by densefit")
        self.units = count
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        # Keras: None is add_weight's default, GlorotUniform for float weights (the bias's
        # too, not zeros), and the config keeps None.
        self._default_initializers = {name for name, value in (
            ("kernel_initializer", kernel_initializer), ("bias_initializer", bias_initializer))
            if value is None}
        self.kernel_initializer = initializers.get(
            "glorot_uniform" if kernel_initializer is None else kernel_initializer)
        self.bias_initializer = initializers.get(
            "glorot_uniform" if bias_initializer is None else bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def compute_output_shape(self, input_shape):
        # As Keras: a Dense acts on the last axis, leading sample axes (time steps) pass through.
        if len(input_shape) == 0:
            raise ValueError(f"Dense layer {self.name!r} needs inputs with at least one feature "
                             f"axis, got sample shape ()")
        weights = (input_shape[-1] + 1) * self.units if isinstance(input_shape[-1], int) else 0
        if weights > _MAX_WEIGHTS:
            raise ValueError(f"Dense layer {self.name!r} with units={self.units} on "
                             f"{input_shape[-1]} input features would hold {weights} weights "
                             f"({weights / 2**28:.3g} GiB): more than this machine's memory "
                             f"holds ({_MAX_WEIGHTS / 2**28:.3g} GiB of float32 values)")
        return tuple(input_shape[:-1]) + (self.units,)

    def weight_shapes(self, input_shape):
        shapes = [("kernel", (input_shape[-1], self.units))]
        if self.use_bias:
            shapes.append(("bias", (self.units,)))
        return shapes

    def initial_value_into(self, name, array):
        (self.kernel_initializer if name == "kernel" else self.bias_initializer).fill(array)

    def native_spec(self, input_shape):
        spec = {"kind": "dense", "units": self.units, "use_bias": self.use_bias,
                "trainable": self.trainable, **_activation_spec(self.activation)}
        for key in ("kernel_regularizer", "bias_regularizer", "activity_regularizer"):
            reg = getattr(self, key)
            if reg is not None:
                spec[key] = reg.native()
        for key in ("kernel_constraint", "bias_constraint"):
            c = getattr(self, key)
            if c is not None:
                spec[key] = c.native()
        return spec

    @property
    def kernel(self):
        return self._variables[0] if self._variables else None

    @property
    def bias(self):
        return self._variables[1] if self.use_bias and self._variables else None

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units, "activation": self.activation, "use_bias": self.use_bias,
            "kernel_initializer": self._initializer_config("kernel_initializer"),
            "bias_initializer": self._initializer_config("bias_initializer"),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        return config


    def _initializer_config(self, name):
        if name in getattr(self, "_default_initializers", ()):
            return None
        return initializers.serialize(getattr(self, name))


class Dropout(Layer):
    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate < 1:
            raise ValueError(f"Invalid value received for argument `rate`. Expected a float "
                             f"value between 0 and 1 (1 excluded). Received: rate={rate}")
        if noise_shape is not None:
            raise ValueError("noise_shape is not supported by densefit's Dropout")
        # Keras's SeedGenerator: an integer (its uint32 range) or None.
        if seed is not None and (not hasattr(seed, "__index__") or not 0 <= seed < 2**32):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed}")
        self.rate = float(rate)
        self.seed = seed

    def native_spec(self, input_shape):
        return {"kind": "dropout", "rate": self.rate}

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "noise_shape": None})
        return config


class Activation(Layer):
    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def native_spec(self, input_shape):
        if self.activation == "linear":
            return None
        return {"kind": "activation", **_activation_spec(self.activation)}

    def get_config(self):
        config = super().get_config()
        config["activation"] = self.activation
        return config


class Flatten(Layer):
    """Row-major flattening: a no-op on C-contiguous data, so it costs nothing natively."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format

    def compute_output_shape(self, input_shape):
        return (flat_size(input_shape),)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format or "channels_last"
        return config
