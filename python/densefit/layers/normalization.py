"""Normalization layers: LayerNormalization (a native layer op, cpp/src/ops/)."""

from densefit import initializers
from densefit.layers.layer import Layer


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
        if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)) or \
                not epsilon > 0:
            raise ValueError(f"Argument `epsilon` must be a positive float. Received: "
                             f"epsilon={epsilon!r}")
        self.axis = axis
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.rms_scaling = False
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        for name, value in (("beta_regularizer", beta_regularizer),
                            ("gamma_regularizer", gamma_regularizer),
                            ("beta_constraint", beta_constraint),
                            ("gamma_constraint", gamma_constraint)):
            if value is not None:
                raise ValueError(f"LayerNormalization({name}=...) is not supported by densefit "
                                 f"yet; only None is")
        self.beta_regularizer = self.gamma_regularizer = None
        self.beta_constraint = self.gamma_constraint = None

    def _check_axis(self, input_shape):
        rank = len(input_shape) + 1  # with the batch axis
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        for axis in axes:
            if not -rank <= axis < rank:
                raise ValueError(f"Axis {axis} is out of bounds for input shape "
                                 f"{(None,) + tuple(input_shape)}. Received: axis={self.axis}")
        if sorted(a % rank for a in axes) != [rank - 1]:
            raise ValueError(f"LayerNormalization {self.name!r}: densefit normalizes over the "
                             f"last axis only, got axis={self.axis} for inputs of rank {rank}")

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
