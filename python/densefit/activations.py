"""Keras activation names. The functions themselves run natively; calling one here on a
NumPy array goes through the same native code (handy for tests and custom code)."""

import numpy as np

from densefit._native import core

NAMES = ("linear", "relu", "sigmoid", "tanh", "softmax", "log_softmax", "gelu", "elu", "selu",
         "softplus", "softsign", "silu", "swish", "leaky_relu", "relu6", "hard_sigmoid",
         "hard_silu", "hard_swish", "exponential", "mish")


def get(identifier):
    """The canonical name of an activation: None -> "linear"; names as keras.activations."""
    if identifier is None:
        return "linear"
    if callable(identifier) and getattr(identifier, "__name__", None) in NAMES:
        return identifier.__name__
    if isinstance(identifier, str):
        if identifier not in NAMES:
            raise ValueError(f"Unknown activation: {identifier!r}. Valid names: {', '.join(NAMES)}")
        return identifier
    raise TypeError(f"activation must be a name or one of densefit.activations' functions, got "
                    f"{identifier!r}")


def _apply(name, x, alpha=float("nan")):
    x = np.asarray(x, dtype=np.float32)
    shape = x.shape
    out = core.activation_forward(name, np.ascontiguousarray(x.reshape(-1, shape[-1] if shape else 1)), alpha)
    return out.reshape(shape)


def _make(name):
    def fn(x):
        return _apply(name, x)

    fn.__name__ = name
    return fn


for _name in NAMES:
    globals()[_name] = _make(_name)


def gelu(x, approximate=False):
    return _apply("gelu_tanh" if approximate else "gelu", x)


def leaky_relu(x, negative_slope=0.2):
    return _apply("leaky_relu", x, negative_slope)


def elu(x, alpha=1.0):
    return _apply("elu", x, alpha)


for _fn, _n in ((gelu, "gelu"), (leaky_relu, "leaky_relu"), (elu, "elu")):
    _fn.__name__ = _n
