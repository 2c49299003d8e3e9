"""Normalization layers: LayerNormalization and BatchNormalization (native layer ops,
cpp/src/ops/)."""

from densefit import initializers
from densefit.layers.layer import Layer


def _positive_epsilon(epsilon):
    if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)) or not epsilon > 0:
        raise ValueError(f"Argument `epsilon` must be a positive float. Received: "
                         f"epsilon={epsilon!r}")
    return float(epsilon)


def _only_none(layer, **arguments):
    """Refuses the regularizers and constraints densefit's normalization layers lack."""
    for name, value in arguments.items():
        if value is not None:
            raise ValueError(f"{layer}({name}=...) is not supported by densefit yet; only "
                             f"None is")


def _last_axis_only(layer, axes, input_shape):
    """Checks Keras's axis argument against the input: in bounds, and the last axis (the one
    densefit's native rows normalize)."""
    rank = len(input_shape) + 1  # with the batch axis
    for axis in axes:
        if not -rank <= axis < rank:
            raise ValueError(f"{type(layer).__name__} {layer.name!r}: inputs of shape "
                             f"{(None,) + tuple(input_shape)} have no axis {axis} (their axes "
                             f"are {-rank} to {rank - 1}). Received: axis={layer.axis}")
    if sorted(a % rank for a in axes) != [rank - 1]:
        raise ValueError(f"{type(layer).__name__} {layer.name!r}: densefit normalizes over the "
                         f"last axis only, got axis={layer.axis} for inputs of rank {rank}")


class LayerNormalization(Layer):
    """Normalizes each sample's features to zero mean and unit variance, then scales and
    shifts them.

    For every sample (and every time step of a sequence), over the last axis:
    `outputs = (inputs - mean) / sqrt(variance + epsilon) * gamma + beta`, where `mean` and
    `variance` are that sample's statistics, and `gamma` / `beta` are learned vectors of one
    value per feature. Unlike `BatchNormalization` it keeps no running statistics, so
    training and inference compute the same thing.

    Args:
        axis: The axis to normalize: the last one (`-1`, or its positive index). densefit
            normalizes over the last axis only; other axes raise `ValueError`. Defaults to
            `-1`.
        epsilon: Small positive float added to the variance to avoid dividing by zero.
            Defaults to `1e-3`.
        center: If `True`, add the learned offset `beta`. Defaults to `True`.
        scale: If `True`, multiply by the learned `gamma`. Defaults to `True`.
        beta_initializer: Initializer of `beta`. Defaults to `"zeros"`.
        gamma_initializer: Initializer of `gamma`. Defaults to `"ones"`.
        beta_regularizer: Optional regularizer of `beta`; densefit supports only `None`
            (the default) for now and raises `ValueError` otherwise.
        gamma_regularizer: Optional regularizer of `gamma`; only `None` (the default).
        beta_constraint: Optional constraint on `beta`; only `None` (the default).
        gamma_constraint: Optional constraint on `gamma`; only `None` (the default).
        **kwargs: Base layer keyword arguments, such as `name`, `dtype`, `trainable` or
            `input_shape`. Keras's deprecated `rms_scaling` is accepted as `False` only.

    Example:

    >>> import densefit as keras
    >>> model = keras.Sequential([keras.Input(shape=(16,)), keras.layers.Dense(32),
    ...                           keras.layers.LayerNormalization(),
    ...                           keras.layers.Dense(1)])
    """

    _acts_on_last_axis = True  # the native rows are the last axis (models/model.py)

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 **kwargs):
        rms_scaling = kwargs.pop("rms_scaling", False)
        super().__init__(**kwargs)
        if rms_scaling:
            raise ValueError("LayerNormalization(rms_scaling=True) is not supported by "
                             "densefit (Keras deprecates it)")
        if isinstance(axis, (list, tuple)):
            axis = list(axis)
        elif not isinstance(axis, int) or isinstance(axis, bool):
            raise TypeError(f"Expected an int or a list/tuple of ints for the argument 'axis', "
                            f"but received: {axis!r}")
        self.axis = axis
        self.epsilon = _positive_epsilon(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.rms_scaling = False
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        _only_none("LayerNormalization", beta_regularizer=beta_regularizer,
                   gamma_regularizer=gamma_regularizer, beta_constraint=beta_constraint,
                   gamma_constraint=gamma_constraint)
        self.beta_regularizer = self.gamma_regularizer = None
        self.beta_constraint = self.gamma_constraint = None

    def _check_axis(self, input_shape):
        _last_axis_only(self, self.axis if isinstance(self.axis, list) else [self.axis],
                        input_shape)

    def compute_output_shape(self, input_shape):
        self._check_axis(input_shape)
        return tuple(input_shape)

    def weight_shapes(self, input_shape):
        features = (input_shape[-1],)
        return ([("gamma", features)] if self.scale else []) + \
            ([("beta", features)] if self.center else [])

    def initial_value_into(self, name, array):
        (self.gamma_initializer if name == "gamma" else self.beta_initializer).fill(array)

    def native_spec(self, input_shape):
        self._check_axis(input_shape)
        return {"kind": "layer_normalization", "epsilon": self.epsilon, "center": self.center,
                "scale": self.scale}

    @property
    def gamma(self):
        return self._variables[0] if self.scale and self._variables else None

    @property
    def beta(self):
        return self._variables[-1] if self.center and self._variables else None

    def get_config(self):
        config = super().get_config()
        # Keras's build turns an int axis into a list; a saved config has the list.
        axis = self.axis if isinstance(self.axis, list) or not self.built else [self.axis]
        config.update({
            "axis": axis, "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
            "rms_scaling": False,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": None, "gamma_regularizer": None,
            "beta_constraint": None, "gamma_constraint": None,
        })
        return config


class BatchNormalization(Layer):
    """Normalizes each feature by the statistics of the batch while training, and by moving
    averages of them at inference.

    In training (`fit`, `train_on_batch`, a call with `training=True`) each feature is
    normalized with the mean and variance of the current batch (over the samples, and the
    time steps of sequences): `outputs = (inputs - mean) / sqrt(variance + epsilon) * gamma +
    beta`, and the layer moves its `moving_mean` / `moving_variance` towards them:
    `moving = moving * momentum + batch_statistic * (1 - momentum)`. At inference
    (`predict`, `evaluate`, plain calls) it uses the moving statistics. As in Keras 3, a
    frozen layer (`trainable = False`) runs in inference mode even while the model trains,
    which is what fine-tuning wants.

    Args:
        axis: The feature axis: the last one (`-1`, or its positive index). densefit
            normalizes the last axis only; other axes raise `ValueError`. Defaults to `-1`.
        momentum: Momentum of the moving averages, a float in `[0, 1]`. Defaults to `0.99`.
        epsilon: Small positive float added to the variance to avoid dividing by zero.
            Defaults to `1e-3`.
        center: If `True`, add the learned offset `beta`. Defaults to `True`.
        scale: If `True`, multiply by the learned `gamma`. Defaults to `True`.
        beta_initializer: Initializer of `beta`. Defaults to `"zeros"`.
        gamma_initializer: Initializer of `gamma`. Defaults to `"ones"`.
        moving_mean_initializer: Initializer of the moving mean. Defaults to `"zeros"`.
        moving_variance_initializer: Initializer of the moving variance. Defaults to
            `"ones"`.
        beta_regularizer: Optional regularizer of `beta`; densefit supports only `None`
            (the default) for now and raises `ValueError` otherwise.
        gamma_regularizer: Optional regularizer of `gamma`; only `None` (the default).
        beta_constraint: Optional constraint on `beta`; only `None` (the default).
        gamma_constraint: Optional constraint on `gamma`; only `None` (the default).
        renorm: Batch renormalization; densefit supports only `False` (the default).
        renorm_clipping: Used by batch renormalization only; must stay `None` (the default).
        renorm_momentum: Used by batch renormalization only. Defaults to `0.99`.
        synchronized: Whether to synchronize the batch statistics across devices. densefit
            trains in one process, where this makes no difference. Defaults to `False`.
        **kwargs: Base layer keyword arguments, such as `name`, `dtype`, `trainable` or
            `input_shape`.

    Example:

    >>> import densefit as keras
    >>> model = keras.Sequential([keras.Input(shape=(20,)), keras.layers.Dense(64),
    ...                           keras.layers.BatchNormalization(),
    ...                           keras.layers.Activation("relu"), keras.layers.Dense(1)])
    """

    _acts_on_last_axis = True  # the statistics are per feature of the native rows
    _STATE_WEIGHTS = ("moving_mean", "moving_variance")

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, renorm=False, renorm_clipping=None,
                 renorm_momentum=0.99, synchronized=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not hasattr(axis, "__index__"):
            raise TypeError(f"BatchNormalization's `axis` must be an int, got {axis!r}")
        if isinstance(momentum, bool) or not isinstance(momentum, (int, float)) or \
                not 0 <= momentum <= 1:
            raise ValueError(f"Argument `momentum` must be a float in [0, 1]. Received: "
                             f"momentum={momentum!r}")
        if renorm:
            raise ValueError("BatchNormalization(renorm=True) is not supported by densefit")
        _only_none("BatchNormalization", beta_regularizer=beta_regularizer,
                   gamma_regularizer=gamma_regularizer, beta_constraint=beta_constraint,
                   gamma_constraint=gamma_constraint, renorm_clipping=renorm_clipping)
        self.axis = int(axis)
        self.momentum = float(momentum)
        self.epsilon = _positive_epsilon(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.renorm, self.renorm_clipping = False, None
        self.renorm_momentum = float(renorm_momentum)
        self.synchronized = bool(synchronized)

    def compute_output_shape(self, input_shape):
        _last_axis_only(self, [self.axis], input_shape)
        return tuple(input_shape)

    def weight_shapes(self, input_shape):
        features = (input_shape[-1],)
        return ([("gamma", features)] if self.scale else []) + \
            ([("beta", features)] if self.center else []) + \
            [("moving_mean", features), ("moving_variance", features)]

    def initial_value_into(self, name, array):
        {"gamma": self.gamma_initializer, "beta": self.beta_initializer,
         "moving_mean": self.moving_mean_initializer,
         "moving_variance": self.moving_variance_initializer}[name].fill(array)

    def native_spec(self, input_shape):
        _last_axis_only(self, [self.axis], input_shape)
        return {"kind": "batch_normalization", "epsilon": self.epsilon, "center": self.center,
                "scale": self.scale, "momentum": self.momentum}

    def _weight(self, name):
        return next((v for v in self._variables if v.name == name), None)

    @property
    def gamma(self):
        return self._weight("gamma")

    @property
    def beta(self):
        return self._weight("beta")

    @property
    def moving_mean(self):
        return self._weight("moving_mean")

    @property
    def moving_variance(self):
        return self._weight("moving_variance")

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
            "center": self.center, "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(
                self.moving_variance_initializer),
            "beta_regularizer": None, "gamma_regularizer": None,
            "beta_constraint": None, "gamma_constraint": None,
            "synchronized": self.synchronized, "renorm": False, "renorm_clipping": None,
            "renorm_momentum": self.renorm_momentum,
        })
        return config


class UnitNormalization(Layer):
    """Normalizes each sample's features to unit L2 norm: `x / sqrt(sum(x ** 2))` along the
    last axis (Keras's `ops.normalize` with `epsilon=1e-12`, which keeps a zero sample 0).

    Args:
        axis: The axis to normalize: the last one (`-1`, or its positive index, or a list of
            one of them). densefit normalizes over the last axis only; other axes raise
            `ValueError`. Defaults to `-1`.
        **kwargs: Base layer keyword arguments, such as `name` and `dtype`.

    Example:

    >>> import numpy as np
    >>> import densefit as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.UnitNormalization()])
    >>> [round(float(v), 4) for v in model.predict(np.array([[3.0, 4.0]]), verbose=0)[0]]
    [0.6, 0.8]
    """

    _acts_on_last_axis = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            axis = list(axis)
        elif isinstance(axis, bool) or not isinstance(axis, int):
            raise TypeError(f"Invalid value for `axis` argument: expected an int or a list/tuple "
                            f"of ints. Received: axis={axis!r}")
        self.axis = axis

    def _axes(self):
        return self.axis if isinstance(self.axis, list) else [self.axis]

    def compute_output_shape(self, input_shape):
        _last_axis_only(self, self._axes(), input_shape)
        return tuple(input_shape)

    def native_spec(self, input_shape):
        _last_axis_only(self, self._axes(), input_shape)
        return {"kind": "unit_normalization"}

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config
