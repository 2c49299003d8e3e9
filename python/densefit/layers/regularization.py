"""Keras's regularization layers beyond Dropout: GaussianNoise, GaussianDropout, AlphaDropout
(native layer ops that act only in training, cpp/src/ops/noise.cpp) and
ActivityRegularization (the native activity penalty on an identity layer)."""

from densefit import regularizers
from densefit.layers.layer import Layer


def _fraction(name, value):  # Keras's check of a noise layer's level
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f"Invalid value received for argument `{name}`. Expected a float "
                         f"value between 0 and 1. Received: {name}={value!r}")
    return float(value)


def _seed(seed):
    # Keras's SeedGenerator: an integer (its uint32 range) or None.
    if seed is not None and (isinstance(seed, bool) or not hasattr(seed, "__index__") or
                             not 0 <= seed < 2**32):
        raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed}")
    return seed


class _TrainingNoise(Layer):
    """A noise layer's shared shell: one level argument in [0, 1] (`_level`: "stddev" or
    "rate") and a seed, the native op `_kind`, and Keras's config."""

    _kind = _level = None

    def __init__(self, level, seed=None, **kwargs):
        super().__init__(**kwargs)
        setattr(self, self._level, _fraction(self._level, level))
        self.seed = _seed(seed)

    def native_spec(self, input_shape):
        return {"kind": self._kind, self._level: getattr(self, self._level)}

    def get_config(self):
        config = super().get_config()
        config.update({self._level: getattr(self, self._level), "seed": self.seed})
        return config


_SEED_DOC = """seed: Optional int in `[0, 2**32)`, kept in the layer's config. The draws
            themselves come from the model's seeded random stream
            (`utils.set_random_seed`), as Dropout's masks do, so they differ from Keras's.
            Defaults to `None`."""


class GaussianNoise(_TrainingNoise):
    __doc__ = """Adds zero-centered Gaussian noise to its inputs while training.

    A regularization layer, and a way to make a model robust to small input perturbations:
    in training (`fit`, or a call with `training=True`) it returns `inputs + noise` with
    `noise ~ N(0, stddev**2)`; at inference it returns its inputs unchanged (serving leaves
    it out).

    Args:
        stddev: Float in `[0, 1]`, the standard deviation of the noise.
        {seed}
        **kwargs: Base layer keyword arguments, such as `name` and `input_shape`.

    Example:

    >>> import numpy as np
    >>> import densefit as keras
    >>> layer = keras.layers.GaussianNoise(0.1)
    >>> layer(np.ones((1, 3)))
    array([[1., 1., 1.]], dtype=float32)
    """.format(seed=_SEED_DOC)

    _kind, _level = "gaussian_noise", "stddev"

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(stddev, seed, **kwargs)


class GaussianDropout(_TrainingNoise):
    __doc__ = """Multiplies its inputs by Gaussian noise centered on 1 while training.

    In training it returns `inputs * noise` with `noise ~ N(1, rate / (1 - rate))` (the
    variance of Dropout's multiplicative noise at the same rate, so the expected value is
    unchanged); at inference it returns its inputs unchanged.

    Args:
        rate: Float in `[0, 1]`, the drop probability whose variance the noise has.
        {seed}
        **kwargs: Base layer keyword arguments, such as `name` and `input_shape`.

    Example:

    >>> import numpy as np
    >>> import densefit as keras
    >>> layer = keras.layers.GaussianDropout(0.2)
    >>> layer(np.ones((1, 3)))
    array([[1., 1., 1.]], dtype=float32)
    """.format(seed=_SEED_DOC)

    _kind, _level = "gaussian_dropout", "rate"

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(rate, seed, **kwargs)


class AlphaDropout(_TrainingNoise):
    __doc__ = """Dropout that keeps the mean and variance of its inputs, for SELU networks.

    In training each value is dropped with probability `rate` and set to SELU's negative
    saturation value `-alpha * scale`, and then every value goes through the affine map
    `a * x + b` that restores the original mean and variance (for inputs with zero mean and
    unit variance, as self-normalizing networks keep them); at inference it returns its
    inputs unchanged.

    Args:
        rate: Float in `[0, 1]`, the drop probability.
        noise_shape: Accepted for Keras compatibility; densefit draws one value per input,
            so only `None` (the default) is supported.
        {seed}
        **kwargs: Base layer keyword arguments, such as `name` and `input_shape`.

    Example:

    >>> import densefit as keras
    >>> model = keras.Sequential([keras.Input((8,)),
    ...                           keras.layers.Dense(16, activation="selu"),
    ...                           keras.layers.AlphaDropout(0.1), keras.layers.Dense(1)])
    """.format(seed=_SEED_DOC)

    _kind, _level = "alpha_dropout", "rate"

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        if noise_shape is not None:
            raise ValueError("noise_shape is not supported by densefit's AlphaDropout")
        super().__init__(rate, seed, **kwargs)
        self.noise_shape = None

    def get_config(self):
        return {**super().get_config(), "noise_shape": None}


class ActivityRegularization(Layer):
    """Passes its inputs through and adds an activity penalty to the training loss.

    The penalty is `l1 * sum(abs(x)) + l2 * sum(x ** 2)` over the layer's output, divided by
    the batch size as Keras 3 does, added to the loss that `fit` minimizes (and reports).

    Args:
        l1: Float >= 0, the L1 regularization factor. Defaults to `0.0`.
        l2: Float >= 0, the L2 regularization factor. Defaults to `0.0`.
        **kwargs: Base layer keyword arguments, such as `name` and `input_shape`.

    Example:

    >>> import densefit as keras
    >>> model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4),
    ...                           keras.layers.ActivityRegularization(l1=0.01),
    ...                           keras.layers.Dense(1)])
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(**kwargs)
        self.l1, self.l2 = l1, l2
        self.activity_regularizer = regularizers.L1L2(l1=l1, l2=l2)

    def native_spec(self, input_shape):
        return {"kind": "activation", "activation": "linear",
                "activity_regularizer": self.activity_regularizer.native()}

    def get_config(self):
        config = super().get_config()
        config.update({"l1": self.l1, "l2": self.l2})
        return config
