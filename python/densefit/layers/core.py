"""The layers of a dense network: Dense, Dropout, Activation, Flatten, InputLayer."""

import os

from densefit import activations, constraints, initializers, regularizers
from densefit.layers.layer import KerasTensor, Layer, _as_shape, flat_size


def _activation_spec(identifier):
    name = activations.get(identifier)
    return {"activation": {"swish": "silu", "hard_swish": "hard_silu"}.get(name, name)}


class InputLayer(Layer):
    """The entry point of a model: declares the shape of one input sample.

    An `InputLayer` holds no weights and computes nothing; it only records the sample shape
    (and batch size, if given) that the rest of the network is built from. Most code creates
    it through `Input` (functional models) or by putting one first in a `Sequential`; giving
    the first layer an `input_shape` does the same thing.

    Args:
        shape: Tuple of ints (`None` allowed for a free dimension), or an int, giving the
            shape of one sample without the batch axis. Required unless `batch_shape` (or
            the legacy `input_shape`) is passed through `**kwargs`. Defaults to `None`.
        batch_size: Optional int, a fixed batch size. Defaults to `None`.
        dtype: The input's data type; densefit computes in `"float32"`. Defaults to `None`.
        name: Optional string name of the layer. Defaults to `None` (a unique name is made).
        **kwargs: Base layer keyword arguments (`trainable`, ...), plus `batch_shape`: a
            shape that includes the batch axis, used instead of `shape`.

    Example:

    >>> import densefit as keras
    >>> model = keras.Sequential([keras.layers.InputLayer(shape=(16,)),
    ...                           keras.layers.Dense(4)])
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, name=None, **kwargs):
        shape = kwargs.pop("input_shape", shape)
        if "batch_shape" in kwargs:
            shape = _sample_shape(kwargs.pop("batch_shape"))
        if shape is None:
            raise ValueError("InputLayer needs a `shape` (the shape of one sample)")
        super().__init__(name=name, dtype=dtype, **kwargs)
        self._input_shape_arg = _as_shape(shape, "shape")
        self.batch_size = batch_size

    def get_config(self):
        return {"batch_shape": (None,) + self._input_shape_arg, "dtype": self.dtype,
                "sparse": False, "name": self.name}


def _sample_shape(batch_shape):
    """The sample shape of a `batch_shape` (batch axis first), checked before it is used."""
    if not isinstance(batch_shape, (list, tuple)) or not batch_shape:
        raise TypeError(f"batch_shape must be a tuple of ints with the batch axis first, got "
                        f"{batch_shape!r}")
    return _as_shape(tuple(batch_shape)[1:], "batch_shape")


def Input(shape=None, batch_size=None, dtype=None, name=None, batch_shape=None, **kwargs):
    """Creates a symbolic input tensor, the starting point of a functional model.

    The returned `KerasTensor` has no data: it stands for a batch of samples of the given
    shape. Calling layers on it builds a graph, and `Model(inputs, outputs)` turns that graph
    into a trainable model. Under the hood it makes an `InputLayer`.

    Args:
        shape: Tuple of ints (or `None` for a free dimension) giving the shape of one
            sample, batch axis excluded; e.g. `shape=(32,)` means batches of 32-vectors.
            Defaults to `None`.
        batch_size: Optional int, a fixed batch size. Defaults to `None`.
        dtype: Data type of the input; densefit computes in `"float32"`. Defaults to `None`.
        name: Optional string name of the input layer; keep it unique within a model.
            Defaults to `None` (a unique name is generated).
        batch_shape: Optional shape tuple that includes the batch axis; when given, its
            first entry is dropped and the rest is used as `shape`. Defaults to `None`.
        **kwargs: Further keyword arguments of `InputLayer`.

    Returns:
        A `KerasTensor` whose `shape` is `(None,) + shape`.

    Example:

    >>> import densefit as keras
    >>> inputs = keras.Input(shape=(8,))
    >>> outputs = keras.layers.Dense(1)(inputs)
    >>> model = keras.Model(inputs, outputs)
    """
    layer = InputLayer(shape=shape if batch_shape is None else _sample_shape(batch_shape),
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
    """A fully connected layer: every output unit sees every input feature.

    `Dense` computes `output = activation(dot(input, kernel) + bias)`, where `kernel` is a
    weight matrix of shape `(input_dim, units)` created when the model is built and `bias`
    is a vector of `units` values (only when `use_bias` is `True`). For inputs with more
    than one axis per sample, the product runs over the last axis and the leading axes are
    kept: `(batch, d0, d1)` becomes `(batch, d0, units)`.

    Args:
        units: Positive int, the number of output units (size of the last output axis).
        activation: Activation to apply, as a name or callable. Defaults to `None`, i.e.
            the identity (`"linear"`).
        use_bias: Boolean, whether to add a bias vector. Defaults to `True`.
        kernel_initializer: Initializer of the kernel. Defaults to `"glorot_uniform"`.
        bias_initializer: Initializer of the bias. Defaults to `"zeros"`.
        kernel_regularizer: Optional regularizer applied to the kernel. Defaults to `None`.
        bias_regularizer: Optional regularizer applied to the bias. Defaults to `None`.
        activity_regularizer: Optional regularizer applied to the layer's output.
            Defaults to `None`.
        kernel_constraint: Optional constraint on the kernel. Defaults to `None`.
        bias_constraint: Optional constraint on the bias. Defaults to `None`.
        lora_rank: Accepted for signature compatibility only; densefit has no LoRA, so
            any value other than `None` (the default) raises `ValueError`.
        **kwargs: Base layer keyword arguments, such as `name`, `dtype`, `trainable`,
            `input_shape` or `input_dim`.

    Example:

    >>> import densefit as keras
    >>> model = keras.Sequential([keras.Input(shape=(16,)),
    ...                           keras.layers.Dense(32, activation="relu")])
    >>> model.output_shape
    (None, 32)
    """

    _acts_on_last_axis = True  # the native rows are the last axis (models/model.py)

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
    """Randomly zeroes a fraction of its inputs during training to reduce overfitting.

    While the model trains (`fit`, or a call with `training=True`), each input value is set
    to 0 with probability `rate` and the values that survive are multiplied by
    `1 / (1 - rate)`, so the expected sum is unchanged. At inference (`predict`,
    `evaluate`) the layer passes its input through untouched.

    Args:
        rate: Float in `[0, 1)`, the fraction of input values to drop.
        noise_shape: Accepted for Keras compatibility; densefit draws one mask entry per
            value, so only `None` (the default) is supported.
        seed: Optional int in `[0, 2**32)`, kept in the layer's config. The masks themselves
            are drawn from the model's seeded random stream (`utils.set_random_seed`).
            Defaults to `None`.
        **kwargs: Base layer keyword arguments, such as `name` and `input_shape`.

    Example:

    >>> import densefit as keras
    >>> model = keras.Sequential([keras.Input(shape=(16,)), keras.layers.Dense(64),
    ...                           keras.layers.Dropout(0.5), keras.layers.Dense(1)])
    """

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
    """Applies an activation function to its input, element by element.

    The output has the input's shape. `Activation("linear")` is the identity and costs
    nothing in the native network.

    Args:
        activation: The activation, as a name (e.g. `"relu"`, `"softmax"`) or a function
            from `densefit.activations`.
        **kwargs: Base layer keyword arguments, such as `name` and `input_shape`.

    Example:

    >>> import densefit as keras
    >>> model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8),
    ...                           keras.layers.Activation("relu")])
    """

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
    """Flattens each sample into a vector; the batch axis is left alone.

    A sample of shape `(d0, d1, ...)` becomes one of shape `(d0 * d1 * ...,)`, read in
    row-major order; a sample with no feature axis becomes `(1,)`. Row-major flattening is a
    no-op on C-contiguous data, so the layer costs nothing natively.

    Args:
        data_format: `"channels_last"` or `"channels_first"`, the axis ordering of the
            inputs. It is recorded in the config (as `"channels_last"` when unset); densefit
            always flattens in row-major order. Defaults to `None`.
        **kwargs: Base layer keyword arguments, such as `name` and `input_shape`.

    Example:

    >>> import densefit as keras
    >>> x = keras.Input(shape=(10, 64))
    >>> keras.layers.Flatten()(x).shape
    (None, 640)
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format

    def compute_output_shape(self, input_shape):
        return (flat_size(input_shape),)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format or "channels_last"
        return config


class Identity(Layer):
    """Identity layer: returns its input unchanged (a placeholder, e.g. where a model
    builder may or may not put a layer). It costs nothing in the native network.

    Args:
        **kwargs: Base layer keyword arguments, such as `name` and `input_shape`.

    Example:

    >>> import densefit as keras
    >>> x = keras.Input(shape=(5,))
    >>> keras.layers.Identity()(x).shape
    (None, 5)
    """
