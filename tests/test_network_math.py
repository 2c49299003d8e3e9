"""One training step of the native Network against a float64 NumPy reference: forward,
loss, backward through Dense/Activation layers, regularizers, frozen layers, constraints."""

import numpy as np
import pytest

import densefit
from densefit import layers, regularizers, constraints


def _relu(z):
    return np.maximum(z, 0)


def _reference_sgd_step(weights, x, y, lr, l2_kernel, frozen_first):
    """Float64 forward/backward of Dense(8, relu) -> Activation(tanh) -> Dense(1) with MSE."""
    w1, b1, w2, b2 = [w.astype(np.float64) for w in weights]
    x = x.astype(np.float64)
    z1 = x @ w1 + b1
    a1 = np.tanh(_relu(z1))
    out = a1 @ w2 + b2
    n = len(x)
    loss = np.mean((out - y) ** 2) + l2_kernel * np.sum(w2 ** 2)
    d_out = 2 * (out - y) / n
    g_w2 = a1.T @ d_out + 2 * l2_kernel * w2
    g_b2 = d_out.sum(0)
    d_a1 = d_out @ w2.T
    d_z1 = d_a1 * (1 - a1 ** 2) * (z1 > 0)
    g_w1, g_b1 = x.T @ d_z1, d_z1.sum(0)
    if frozen_first:
        g_w1, g_b1 = 0 * g_w1, 0 * g_b1
    new = [w1 - lr * g_w1, b1 - lr * g_b1, w2 - lr * g_w2, b2 - lr * g_b2]
    return loss, new


@pytest.mark.parametrize("frozen_first", [False, True])
def test_one_sgd_step_matches_float64_reference(frozen_first):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(16, 5)).astype(np.float32)
    y = rng.normal(size=(16, 1)).astype(np.float32)
    model = densefit.Sequential([
        layers.Dense(8, activation="relu", input_shape=(5,)),
        layers.Activation("tanh"),
        layers.Dense(1, kernel_regularizer=regularizers.L2(0.01)),
    ])
    model.layers[0].trainable = not frozen_first
    model.compile(optimizer=densefit.optimizers.SGD(learning_rate=0.1), loss="mse")
    weights = [rng.normal(size=w.shape).astype(np.float32) for w in model.get_weights()]
    model.set_weights(weights)
    loss, expected = _reference_sgd_step(weights, x, y, 0.1, 0.01, frozen_first)
    got = model.train_on_batch(x, y)
    np.testing.assert_allclose(got, loss, rtol=1e-5)
    for g, e in zip(model.get_weights(), expected):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)


def test_max_norm_constraint_holds_after_each_update():
    rng = np.random.default_rng(0)
    model = densefit.Sequential([layers.Dense(4, input_shape=(6,),
                                              kernel_constraint=constraints.MaxNorm(0.5))])
    model.compile(optimizer=densefit.optimizers.SGD(learning_rate=1.0), loss="mse")
    model.fit(rng.normal(size=(64, 6)), rng.normal(size=(64, 4)) * 10, epochs=2, verbose=0)
    norms = np.linalg.norm(model.get_weights()[0], axis=0)
    assert np.all(norms <= 0.5 + 1e-5)


def test_non_neg_constraint_and_l1_activity_regularizer_train():
    rng = np.random.default_rng(0)
    model = densefit.Sequential([
        layers.Dense(4, input_shape=(6,), kernel_constraint="non_neg",
                     activity_regularizer=regularizers.L1(0.1)),
        layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(rng.normal(size=(64, 6)), rng.normal(size=(64, 1)), epochs=2, verbose=0)
    assert model.get_weights()[0].min() >= 0.0


def test_dropout_is_seeded_and_inverted():
    x = np.ones((256, 32), np.float32)
    y = np.zeros((256, 32), np.float32)

    def train(seed):
        densefit.utils.set_random_seed(seed)
        model = densefit.Sequential([layers.Dropout(0.5, input_shape=(32,)), layers.Dense(32)])
        model.compile(optimizer="sgd", loss="mse")
        model.fit(x, y, epochs=2, batch_size=32, verbose=0)
        return model.get_weights()[0]

    a, b, c = train(1), train(1), train(2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    # Inference is the identity: dropout only acts in training.
    densefit.utils.set_random_seed(0)
    m = densefit.Sequential([layers.Dropout(0.5, input_shape=(4,))])
    np.testing.assert_array_equal(m.predict(np.ones((3, 4)), verbose=0), np.ones((3, 4)))
