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
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def fill(self, out):
        core.fill_uniform(out, self.minval, self.maxval, *self._seed_and_stream())

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class RandomNormal(_Seeded):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def fill(self, out):
        core.fill_normal(out, self.mean, self.stddev, *self._seed_and_stream())

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class TruncatedNormal(RandomNormal):
    def fill(self, out):
        core.fill_truncated_normal(out, self.mean, self.stddev, *self._seed_and_stream())


class VarianceScaling(_Seeded):
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


def _variance_scaling_preset(class_name, scale, mode, distribution):
    def __init__(self, seed=None):
        VarianceScaling.__init__(self, scale, mode, distribution, seed)

    def get_config(self):
        return {"seed": self.seed}

    return type(class_name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config})


GlorotUniform = _variance_scaling_preset("GlorotUniform", 1.0, "fan_avg", "uniform")
GlorotNormal = _variance_scaling_preset("GlorotNormal", 1.0, "fan_avg", "truncated_normal")
HeUniform = _variance_scaling_preset("HeUniform", 2.0, "fan_in", "uniform")
HeNormal = _variance_scaling_preset("HeNormal", 2.0, "fan_in", "truncated_normal")
LecunUniform = _variance_scaling_preset("LecunUniform", 1.0, "fan_in", "uniform")
LecunNormal = _variance_scaling_preset("LecunNormal", 1.0, "fan_in", "truncated_normal")


class Constant(Initializer):
    def __init__(self, value=0.0):
        self.value = value

    def fill(self, out):
        out[...] = self.value

    def get_config(self):
        return {"value": self.value}


class Zeros(Initializer):
    def fill(self, out):
        out[...] = 0.0


class Ones(Initializer):
    def fill(self, out):
        out[...] = 1.0


class Identity(Initializer):
    def __init__(self, gain=1.0):
        self.gain = gain

    def fill(self, out):
        if out.ndim != 2:
            raise ValueError(f"Identity initializer needs a 2-D shape, got {out.shape}")
        out[...] = self.gain * np.eye(*out.shape, dtype=np.float32)

    def get_config(self):
        return {"gain": self.gain}


class Orthogonal(_Seeded):
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
