"""Layer base: a light descriptor (config, shapes) bound to a slice of its model's native
parameter arena once the model is built."""

import itertools
import math
from collections import defaultdict

from densefit import user_code
from densefit.naming import to_snake_case
from densefit.variables import Variable, assign_all

_name_counters = defaultdict(itertools.count)


def _unique_name(cls_name):
    base = to_snake_case(cls_name)
    n = next(_name_counters[base])
    return base if n == 0 else f"{base}_{n}"


class KerasTensor:
    """A symbolic tensor of the functional API: what `Input(shape)` and layer calls on it
    return. It remembers the chain of layers that produced it.

    Args:
        shape: the shape of one sample (the batch axis is added: `tensor.shape` starts
            with None).
        name: the tensor's name.
        layer: the layer whose output it is.
        chain: the layers from the Input to `layer`, in order (None: `[layer]`, an Input)."""

    dtype = "float32"  # densefit computes in float32 (config.floatx)
    sparse = False
    ragged = False

    def __init__(self, shape, name, layer, chain=None):
        self.shape = (None,) + tuple(shape)
        self.name = name
        self._layer = layer
        self._chain = chain if chain is not None else [layer]
        if chain is None and layer is not None and getattr(layer, "_node", None) is None:
            layer._node = ([], self)  # an Input: its InputLayer has no input (Keras: [])

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return (f"<KerasTensor shape={self.shape}, dtype={self.dtype}, sparse=False, "
                f"ragged=False, name={self.name}>")


class Layer:
    """Base class of densefit's layers.

    A layer is a light descriptor, its configuration and the shapes it maps, which the
    model binds to a slice of its native parameter arena when it is built; from then on
    `weights`, `get_weights()` and `set_weights()` work on that memory.
    Calling a layer on a symbolic tensor (from `densefit.Input`) records it in a functional
    graph (`layer.input` / `layer.output` are its first call's tensors); calling it on an
    array runs it natively and returns the result, building its weights on a first call as
    Keras does. densefit runs only its built-in layers natively: a custom, direct subclass
    of `Layer` is refused (`UnsupportedUserCodeError`) when it is called or used in a
    model.

    Args:
        **kwargs: Base layer keyword arguments. `name`: string name of the layer (defaults
            to a unique name made from the class name). `trainable`: boolean, whether the
            layer's weights are updated in training (defaults to `True`). `dtype`: the
            weights' and computation's dtype (defaults to `"float32"`). `input_shape`
            (tuple of ints, the shape of one sample), `input_dim` (int, shorthand for
            `input_shape=(input_dim,)`) or `batch_input_shape` (a shape including the batch
            axis): optional, give the first layer of a `Sequential` its input shape.
            `batch_size`: accepted, for Keras compatibility. Other names raise `TypeError`.

    Example:

    >>> import densefit as keras
    >>> layer = keras.layers.Dense(2)
    >>> model = keras.Sequential([keras.Input(shape=(3,)), layer])
    >>> [w.shape for w in layer.get_weights()]
    [(3, 2), (2,)]
    """
    _ALLOWED_KWARGS = {"input_shape", "input_dim", "batch_size", "batch_input_shape", "name",
                       "dtype", "trainable"}

    def __init__(self, **kwargs):
        unknown = set(kwargs) - self._ALLOWED_KWARGS
        if unknown:
            raise TypeError(f"Unrecognized keyword arguments passed to {type(self).__name__}: "
                            f"{ {k: kwargs[k] for k in sorted(unknown)} }")
        self.name = kwargs.get("name") or _unique_name(type(self).__name__)
        self._trainable = bool(kwargs.get("trainable", True))
        self.dtype = kwargs.get("dtype") or "float32"
        shape = kwargs.get("input_shape")
        if shape is None and kwargs.get("input_dim") is not None:
            shape = (kwargs["input_dim"],)
        if shape is None and kwargs.get("batch_input_shape") is not None:
            shape = tuple(kwargs["batch_input_shape"])[1:]
        self._input_shape_arg = None if shape is None else _as_shape(shape, "input_shape")
        self._variables = []
        self.built = False
        self._model = None
        self._node = None  # (input, output) of the layer's first call on a KerasTensor

    # ---- what the Sequential model needs to build a Network ---------------------------------
    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def native_spec(self, input_shape):
        """The layer as the native core sees it (a dict), or None for shape-only layers."""
        return None

    def weight_shapes(self, input_shape):
        """[(name, shape)] in Keras order, matching the arena segments native_spec makes."""
        return []

    def saved_weight_shapes(self, input_shape):
        """[(name, shape)] of the weights Keras lists and saves: the arena's, unless the layer
        keeps some beside it or hides some (Normalization's count, its given constants)."""
        return self.weight_shapes(input_shape)

    # Weights the layer updates itself rather than the optimizer (BatchNormalization's
    # moving statistics): listed in non_trainable_weights whatever `trainable` says.
    _STATE_WEIGHTS = ()

    def _bind(self, arrays, model):
        self._variables = [Variable(a, f"{self.name}/{n}", self,
                                    trainable=n not in self._STATE_WEIGHTS) for a, n in arrays]
        self._model = model
        self.built = True

    def initial_value_into(self, name, array):
        """Fills a freshly allocated weight (a view into the arena) with its initial value."""
        raise NotImplementedError

    def __call__(self, inputs, *args, **kwargs):
        if isinstance(inputs, KerasTensor):
            user_code.check_layer(self)
            shape = self.compute_output_shape(inputs.shape[1:])
            output = KerasTensor(shape, self.name, self, inputs._chain + [self])
            if getattr(self, "_node", None) is None:  # Keras's layer.input / layer.output: the first call's
                self._node = (inputs, output)
            return output
        return self._call_on_data(inputs, *args, **kwargs)

    def _call_on_data(self, inputs, training=None, **kwargs):
        """Keras's eager call, `layer(x)` on an array (its first axis the batch): runs the
        layer natively through a one-layer model kept per sample shape. The layer keeps one
        set of weights: a layer not yet in a model is built there (its weights created, as
        Keras builds it on its first call); a layer in a model shares that model's weights
        (models/shared_layers.py), so a call sees what the model trained."""
        import numpy as np

        from densefit.models.sequential import Sequential

        if kwargs:
            raise TypeError(f"{type(self).__name__}.__call__ got unexpected keyword arguments "
                            f"{sorted(kwargs)}")
        x = np.asarray(inputs, dtype=np.float32)
        if x.ndim == 0:
            raise ValueError(f"Layer {self.name!r} was called on a scalar; pass a batch (its "
                             f"first axis is the batch axis)")
        models = self.__dict__.setdefault("_eager_models", {})
        model = models.get(x.shape[1:])
        if model is None:
            from densefit.layers.core import InputLayer

            model = Sequential([InputLayer(shape=x.shape[1:]), self],
                               name=f"{self.name}_call")
            models[x.shape[1:]] = model
        return model(x, training=bool(training))

    # ---- Keras's public surface ----------------------------------------------------------------
    @property
    def input(self):
        """The symbolic input of the layer's first call (a functional model's tensor)."""
        return self._node_tensor(0, "input")

    @property
    def output(self):
        """The symbolic output of the layer's first call."""
        return self._node_tensor(1, "output")

    def _node_tensor(self, index, what):
        if getattr(self, "_node", None) is None:
            raise AttributeError(f"The layer {self.name} has never been called and thus has no "
                                 f"defined {what}.")
        return self._node[index]

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        if self._model is not None:
            self._model._on_trainable_changed()

    # Every weight view below goes through `weights`, so a layer that keeps a weight beside
    # the arena (Normalization's count) or hides some overrides that one property.
    @property
    def weights(self):
        return list(self._variables)

    @property
    def variables(self):
        return self.weights

    @property
    def trainable_weights(self):
        return [v for v in self.weights if v.trainable]

    @property
    def trainable_variables(self):
        return self.trainable_weights

    @property
    def non_trainable_weights(self):
        # Keras: a frozen layer's weights all, in order; else those that are not trainable.
        return [v for v in self.weights if not v.trainable]

    def get_weights(self):
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights):
        variables = self.weights
        if len(weights) != len(variables):
            raise ValueError(f"Layer {self.name!r} expects {len(variables)} weights, "
                             f"but the weights list has {len(weights)} elements")
        assign_all(zip(variables, weights))  # one weight version

    def count_params(self):
        return int(sum(v.size for v in self.weights))

    @property
    def input_shape_hint(self):
        return self._input_shape_arg

    def get_config(self):
        config = {"name": self.name, "trainable": self._trainable, "dtype": self.dtype}
        if self._input_shape_arg is not None:
            config["batch_input_shape"] = (None,) + tuple(self._input_shape_arg)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _as_shape(shape, what):
    if isinstance(shape, int):
        shape = (shape,)
    try:
        shape = tuple(None if d is None else int(d) for d in shape)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be a tuple of ints, got {shape!r}") from None
    if any(d is not None and d <= 0 for d in shape):
        raise ValueError(f"{what} must hold positive dimensions, got {shape!r}")
    return shape


def flat_size(shape):
    return int(math.prod(d for d in shape))

