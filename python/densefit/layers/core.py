"""The layers of a dense network: Dense, Dropout, Activation, Flatten, InputLayer."""

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


class Dense(Layer):
    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 lora_rank=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(units, bool) or not isinstance(units, int) and not (
                hasattr(units, "__index__")):
            raise TypeError(f"units must be a positive int, got {units!r}")
        if int(units) <= 0:
            raise ValueError(f"Received an invalid value for `units`, expected a positive "
                             f"integer. Received: units={units}")
        if lora_rank is not None:
            raise ValueError("lora_rank is not supported by densefit")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
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
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        return config


class Dropout(Layer):
    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate < 1:
            raise ValueError(f"Invalid value received for argument `rate`. Expected a float "
                             f"value between 0 and 1 (1 excluded). Received: rate={rate}")
        if noise_shape is not None:
            raise ValueError("noise_shape is not supported by densefit's Dropout")
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
