"""Small models the serving tests share (fixed seeds, so every test sees the same weights)."""

import numpy as np

import densefit as keras


def w4_like(seed=0, hidden=(64, 32), inputs=48, outputs=10):
    """A W4-shaped classifier, smaller: Dense/ReLU stack with a softmax head."""
    keras.utils.set_random_seed(seed)
    layers = [keras.Input((inputs,))]
    layers += [keras.layers.Dense(units, activation="relu") for units in hidden]
    layers.append(keras.layers.Dense(outputs, activation="softmax"))
    return keras.Sequential(layers)


def inputs(rows, width, seed=1):
    return np.random.default_rng(seed).standard_normal((rows, width)).astype(np.float32)


def network_predict(model, x, batch_size):
    """The training engine's own forward pass (Network.predict_run: shared scratch, one run at
    a time): the reference the lock-free serving pass must equal bit for bit."""
    samples = len(x)
    rows = np.ascontiguousarray(x, dtype=np.float32).reshape(-1, model._network.input_dim)
    out = np.empty((rows.shape[0], model._network.output_dim), dtype=np.float32)
    if len(rows):
        model._network.predict_run(rows, None, 0, rows.shape[0], batch_size, out)
    return out.reshape((samples,) + tuple(model.output_shape[1:]))
