"""Keras initializers, drawn natively from densefit's counter-based RNG."""

import math

import numpy as np

from densefit._native import core
from densefit.utils import random as _random
from densefit.utils.naming import resolve_name

# Keras divides the truncated normal's stddev by this so the kept values have the asked-for
# variance (the stddev of a unit normal truncated at +-2).
_TRUNCATED_STDDEV = 0.87962566103423978


def _fans(shape):
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer:
    """Base class of the weight initializers.

    An initializer fills a new weight with its starting values. Layers call it when their
    model is built (`kernel_initializer=...`, `bias_initializer=...`); calling it directly,
    `initializer(shape)`, returns a new float32 NumPy array of that shape. Subclasses
    implement `fill(out)`, which writes the values into an existing array, and `get_config()`.

    Example:

    >>> import densefit as keras
    >>> keras.initializers.Ones()(shape=(2,)).tolist()
    [1.0, 1.0]
    """

    def __call__(self, shape, dtype=None):
        out = np.empty(tuple(shape), dtype=np.float32)
        self.fill(out)
        return out

    def fill(self, out):
        raise NotImplementedError

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class _Seeded(Initializer):
    def __init__(self, seed=None):
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise ValueError(f"seed must be an int or None, got {seed!r}")
        self.seed = seed

    def _seed_and_stream(self):
        if self.seed is not None:
            return self.seed, 0
        return _random.global_seed(), _random.next_stream()

    def get_config(self):
        return {"seed": self.seed}


class RandomUniform(_Seeded):
    """Initializer that draws values uniformly from `[minval, maxval)`.

    Args:
        minval: Float, the lower bound of the range. Defaults to `-0.05`.
        maxval: Float, the upper bound of the range. Defaults to `0.05`.
        seed: Optional int. With an int, every call draws the same values; with `None`
            (the default) each call draws new ones from densefit's global seed
            (`densefit.utils.set_random_seed`).

    Example:

    >>> import densefit as keras
    >>> values = keras.initializers.RandomUniform(-1.0, 1.0, seed=1)(shape=(2, 2))
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def fill(self, out):
        core.fill_uniform(out, self.minval, self.maxval, *self._seed_and_stream())

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class RandomNormal(_Seeded):
    """Initializer that draws values from a normal distribution.

    Args:
        mean: Float, the distribution's mean. Defaults to `0.0`.
        stddev: Float, the distribution's standard deviation. Defaults to `0.05`.
        seed: Optional int. With an int, every call draws the same values; with `None`
            (the default) each call draws new ones from densefit's global seed
            (`densefit.utils.set_random_seed`).

    Example:

    >>> import densefit as keras
    >>> layer = keras.layers.Dense(3, kernel_initializer=keras.initializers.RandomNormal())
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def fill(self, out):
        core.fill_normal(out, self.mean, self.stddev, *self._seed_and_stream())

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class TruncatedNormal(RandomNormal):
    """Initializer that draws from a normal distribution cut off at two standard deviations.

    Values are drawn from `N(mean, stddev**2)`; any that lands more than `2 * stddev` from
    the mean is drawn again, so no value is an extreme outlier.

    Args:
        mean: Float, the distribution's mean. Defaults to `0.0`.
        stddev: Float, the standard deviation before truncation. Defaults to `0.05`.
        seed: Optional int. With an int, every call draws the same values; with `None`
            (the default) each call draws new ones from densefit's global seed
            (`densefit.utils.set_random_seed`).
    """

    def fill(self, out):
        core.fill_truncated_normal(out, self.mean, self.stddev, *self._seed_and_stream())


class VarianceScaling(_Seeded):
    """Initializer whose spread adapts to the shape of the weight it fills.

    With `n` the number of input units (`mode="fan_in"`), output units (`"fan_out"`) or
    their mean (`"fan_avg"`), values have variance `scale / n`. The `"truncated_normal"`
    distribution draws from a normal truncated at two standard deviations (its stddev
    adjusted so the variance is still `scale / n`), `"untruncated_normal"` from a plain
    normal, and `"uniform"` from `[-limit, limit]` with `limit = sqrt(3 * scale / n)`.

    Args:
        scale: Positive float, the scaling factor. Defaults to `1.0`.
        mode: One of `"fan_in"`, `"fan_out"`, `"fan_avg"`. Defaults to `"fan_in"`.
        distribution: One of `"truncated_normal"` (also spelled `"normal"`),
            `"untruncated_normal"`, `"uniform"`. Defaults to `"truncated_normal"`.
        seed: Optional int. With an int, every call draws the same values; with `None`
            (the default) each call draws new ones from densefit's global seed
            (`densefit.utils.set_random_seed`).

    Example:

    >>> import densefit as keras
    >>> init = keras.initializers.VarianceScaling(scale=0.1, mode="fan_in", distribution="uniform")
    >>> layer = keras.layers.Dense(3, kernel_initializer=init)
    """

    _MODES = ("fan_in", "fan_out", "fan_avg")
    _DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        super().__init__(seed)
        if scale <= 0.0:
            raise ValueError(f"scale must be positive, got {scale!r}")
        if mode not in self._MODES:
            raise ValueError(f"mode must be one of {self._MODES}, got {mode!r}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in self._DISTRIBUTIONS:
            raise ValueError(f"distribution must be one of {self._DISTRIBUTIONS}, got {distribution!r}")
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def fill(self, out):
        fan_in, fan_out = _fans(out.shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, n)
        seed, stream = self._seed_and_stream()
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            core.fill_uniform(out, -limit, limit, seed, stream)
        elif self.distribution == "untruncated_normal":
            core.fill_normal(out, 0.0, math.sqrt(variance), seed, stream)
        else:
            core.fill_truncated_normal(out, 0.0, math.sqrt(variance) / _TRUNCATED_STDDEV, seed, stream)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed}


def _variance_scaling_preset(class_name, scale, mode, distribution, doc):
    def __init__(self, seed=None):
        VarianceScaling.__init__(self, scale, mode, distribution, seed)

    def get_config(self):
        return {"seed": self.seed}

    return type(class_name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config,
                                                  "__doc__": _preset_doc(class_name, doc)})


def _preset_doc(class_name, summary):
    """A preset's docstring: its summary, then the one argument all presets share."""
    return f"""{summary}

    Args:
        seed: Optional int. With an int, every call draws the same values; with `None`
            (the default) each call draws new ones from densefit's global seed
            (`densefit.utils.set_random_seed`).

    Example:

    >>> import densefit as keras
    >>> layer = keras.layers.Dense(3, kernel_initializer=keras.initializers.{class_name}(seed=0))
    """


GlorotUniform = _variance_scaling_preset("GlorotUniform", 1.0, "fan_avg", "uniform", """\
The Glorot (Xavier) uniform initializer, the default for `Dense` kernels.

    Draws uniformly from `[-limit, limit]` with `limit = sqrt(6 / (fan_in + fan_out))`,
    i.e. `VarianceScaling(1.0, "fan_avg", "uniform")`
    ([Glorot & Bengio, 2010](https://proceedings.mlr.press/v9/glorot10a.html)).""")
GlorotNormal = _variance_scaling_preset("GlorotNormal", 1.0, "fan_avg", "truncated_normal", """\
The Glorot (Xavier) normal initializer.

    Draws from a truncated normal centred on 0 with `stddev = sqrt(2 / (fan_in + fan_out))`,
    i.e. `VarianceScaling(1.0, "fan_avg", "truncated_normal")`
    ([Glorot & Bengio, 2010](https://proceedings.mlr.press/v9/glorot10a.html)).""")
HeUniform = _variance_scaling_preset("HeUniform", 2.0, "fan_in", "uniform", """\
The He uniform initializer, suited to ReLU layers.

    Draws uniformly from `[-limit, limit]` with `limit = sqrt(6 / fan_in)`, i.e.
    `VarianceScaling(2.0, "fan_in", "uniform")`
    ([He et al., 2015](https://arxiv.org/abs/1502.01852)).""")
HeNormal = _variance_scaling_preset("HeNormal", 2.0, "fan_in", "truncated_normal", """\
The He normal initializer, suited to ReLU layers.

    Draws from a truncated normal centred on 0 with `stddev = sqrt(2 / fan_in)`, i.e.
    `VarianceScaling(2.0, "fan_in", "truncated_normal")`
    ([He et al., 2015](https://arxiv.org/abs/1502.01852)).""")
LecunUniform = _variance_scaling_preset("LecunUniform", 1.0, "fan_in", "uniform", """\
The LeCun uniform initializer.

    Draws uniformly from `[-limit, limit]` with `limit = sqrt(3 / fan_in)`, i.e.
    `VarianceScaling(1.0, "fan_in", "uniform")`.""")
LecunNormal = _variance_scaling_preset("LecunNormal", 1.0, "fan_in", "truncated_normal", """\
The LeCun normal initializer, the usual choice with `"selu"`.

    Draws from a truncated normal centred on 0 with `stddev = sqrt(1 / fan_in)`, i.e.
    `VarianceScaling(1.0, "fan_in", "truncated_normal")`.""")


class Constant(Initializer):
    """Initializer that fills the weight with one constant value.

    Args:
        value: Float (or anything that broadcasts to the weight's shape), the value to
            write. Defaults to `0.0`.

    Example:

    >>> import densefit as keras
    >>> keras.initializers.Constant(3.0)(shape=(2,)).tolist()
    [3.0, 3.0]
    """

    def __init__(self, value=0.0):
        self.value = value

    def fill(self, out):
        out[...] = self.value

    def get_config(self):
        return {"value": self.value}


class Zeros(Initializer):
    """Initializer that fills the weight with zeros, the default for `Dense` biases.

    Takes no arguments.

    Example:

    >>> import densefit as keras
    >>> keras.initializers.Zeros()(shape=(2,)).tolist()
    [0.0, 0.0]
    """

    def fill(self, out):
        out[...] = 0.0


class Ones(Initializer):
    """Initializer that fills the weight with ones.

    Takes no arguments.

    Example:

    >>> import densefit as keras
    >>> keras.initializers.Ones()(shape=(3,)).tolist()
    [1.0, 1.0, 1.0]
    """

    def fill(self, out):
        out[...] = 1.0


class Identity(Initializer):
    """Initializer that writes a (scaled) identity matrix.

    Only 2-D weights are accepted; a non-square shape gets ones on its main diagonal and
    zeros elsewhere. Other shapes raise `ValueError`.

    Args:
        gain: Float, the value written on the diagonal. Defaults to `1.0`.

    Example:

    >>> import densefit as keras
    >>> keras.initializers.Identity(gain=2.0)(shape=(2, 2)).tolist()
    [[2.0, 0.0], [0.0, 2.0]]
    """

    def __init__(self, gain=1.0):
        self.gain = gain

    def fill(self, out):
        if out.ndim != 2:
            raise ValueError(f"Identity initializer needs a 2-D shape, got {out.shape}")
        out[...] = self.gain * np.eye(*out.shape, dtype=np.float32)

    def get_config(self):
        return {"gain": self.gain}


class Orthogonal(_Seeded):
    """Initializer that writes a random orthogonal matrix.

    A matrix of normal draws is QR-decomposed and its orthogonal factor, times `gain`, is
    written: columns are orthonormal when there are at least as many rows as columns, rows
    otherwise. A weight with more than two axes is filled as a
    `(shape[0] * ... * shape[-2], shape[-1])` matrix and reshaped
    ([Saxe et al., 2014](https://arxiv.org/abs/1312.6120)).

    Args:
        gain: Float, the factor applied to the orthogonal matrix. Defaults to `1.0`.
        seed: Optional int. With an int, every call draws the same values; with `None`
            (the default) each call draws new ones from densefit's global seed
            (`densefit.utils.set_random_seed`).

    Example:

    >>> import densefit as keras
    >>> layer = keras.layers.Dense(4, kernel_initializer=keras.initializers.Orthogonal())
    """

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def fill(self, out):
        rows = math.prod(out.shape[:-1]) if out.ndim > 1 else 1
        cols = out.shape[-1]
        flat = np.empty((max(rows, cols), min(rows, cols)), dtype=np.float32)
        core.fill_normal(flat, 0.0, 1.0, *self._seed_and_stream())
        q, r = np.linalg.qr(flat.astype(np.float64))
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        out[...] = (self.gain * q).reshape(out.shape)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


ALL = {
    cls.__name__: cls
    for cls in (RandomUniform, RandomNormal, TruncatedNormal, VarianceScaling, GlorotUniform,
                GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal, Constant, Zeros,
                Ones, Identity, Orthogonal)
}
# Keras registers these short names too (keras/src/initializers/__init__.py).
_ALIASES = {"IdentityInitializer": Identity, "OrthogonalInitializer": Orthogonal,
            "normal": RandomNormal, "uniform": RandomUniform, "one": Ones, "zero": Zeros}


def get(identifier):
    """An initializer from a Keras name ("glorot_uniform"), a config dict or an instance."""
    return resolve_name("initializer", identifier, ALL, _ALIASES, Initializer)


def serialize(initializer):
    return {"module": "keras.initializers", "class_name": type(initializer).__name__,
            "config": initializer.get_config(), "registered_name": None}
