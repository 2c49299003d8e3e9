"""Models and training data from case descriptions (worker side).

A model description:
    {"input_shape": [4], "layers": [{"kind": "dense", "units": 3, "activation": "relu",
     "use_bias": true}, {"kind": "activation", "activation": "tanh"},
     {"kind": "dropout", "rate": 0.5}, {"kind": "flatten"}], "seed": 7}
Weights are drawn from the seed (biases too, so the oracle sees them), not left at Keras's
zero biases."""

import numpy as np

import densefit as keras
from densefit import layers as L
from fuzz_values import values

# The output layer each loss needs, and how its targets look.
HEADS = {
    "mse": {"kind": "dense", "units": 2, "activation": "linear"},
    "mae": {"kind": "dense", "units": 1, "activation": "linear"},
    "binary_crossentropy": {"kind": "dense", "units": 1, "activation": "sigmoid"},
    "sparse_categorical_crossentropy": {"kind": "dense", "units": 3, "activation": "softmax"},
    "categorical_crossentropy": {"kind": "dense", "units": 3, "activation": "softmax"},
}


def layer(desc):
    kind = desc["kind"]
    if kind == "dense":
        return L.Dense(desc["units"], activation=desc.get("activation"),
                       use_bias=desc.get("use_bias", True))
    if kind == "activation":
        return L.Activation(desc["activation"])
    if kind == "dropout":
        return L.Dropout(desc["rate"])
    if kind == "flatten":
        return L.Flatten()
    raise ValueError(f"unknown layer kind {kind!r}")


def build(desc):
    """The Sequential model a description names, with seeded random weights."""
    keras.utils.set_random_seed(desc.get("seed", 0))
    model = keras.Sequential([L.InputLayer(shape=tuple(desc["input_shape"]))]
                             + [layer(d) for d in desc["layers"]])
    rng = np.random.default_rng(desc.get("seed", 0))
    model.set_weights([rng.uniform(-0.8, 0.8, w.shape).astype(np.float32)
                       for w in model.get_weights()])
    return model


def with_head(desc, loss):
    """The description with the output layer `loss` trains (appended after its layers)."""
    return {**desc, "layers": list(desc["layers"]) + [HEADS[loss]]}


def compiled(desc, loss, optimizer="sgd", metrics=None):
    model = build(with_head(desc, loss))
    model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
    return model


def data(loss, n, input_shape, seed):
    """(x, y) for `loss`: x float32 (n, *input_shape); y as Keras users pass it (labels
    (n,) for the sparse loss, one-hot for categorical, integer-valued reals for mse so
    that class_weight can be applied to them)."""
    x = values(seed, (n,) + tuple(input_shape)).astype(np.float32)
    rng = np.random.default_rng(seed + 1)
    units = HEADS[loss]["units"]
    if loss == "sparse_categorical_crossentropy":
        y = rng.integers(0, units, n)
    elif loss == "categorical_crossentropy":
        y = np.eye(units, dtype=np.float32)[rng.integers(0, units, n)]
    elif loss == "binary_crossentropy":
        y = rng.integers(0, 2, (n, 1)).astype(np.float32)
    else:
        y = rng.integers(-2, 3, (n, units)).astype(np.float32)
    return x, y
