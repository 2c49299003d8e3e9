"""model(x, training=True): the training-mode forward pass outside fit, as Keras runs it
(Monte-Carlo dropout): dropout active with inverted scaling, fresh masks per call, and
nothing else changed — weights, optimizer state, and the masks fit draws next."""

import numpy as np
import pytest

import densefit
from densefit.layers import Dense, Dropout, Input

RATE = 0.4


def dropout_only(lib, width=50):
    return lib.Sequential([lib.layers.Input((width,)), lib.layers.Dropout(RATE)])


def kept_and_dropped(out, x):
    """(fraction of entries dropped, whether every kept entry is x / (1 - rate))."""
    dropped = out == 0
    kept_ok = np.allclose(out[~dropped], x[~dropped] / (1 - RATE), rtol=1e-6, atol=0)
    return dropped.mean(), kept_ok


@pytest.fixture
def x():
    return np.random.default_rng(0).uniform(0.5, 1.5, (400, 50)).astype(np.float32)


def test_dropout_is_active_with_kerass_scaling(x):
    keras = pytest.importorskip("keras")
    ours, theirs = dropout_only(densefit), dropout_only(keras)
    ours_dropped, ours_scaled = kept_and_dropped(np.asarray(ours(x, training=True)), x)
    theirs_dropped, theirs_scaled = kept_and_dropped(np.asarray(theirs(x, training=True)), x)
    assert ours_scaled and theirs_scaled
    # 20,000 Bernoulli(0.4) draws each: both within 4 standard deviations of the rate.
    assert abs(ours_dropped - RATE) < 0.015 and abs(theirs_dropped - RATE) < 0.015
    # Inference is the identity in both.
    np.testing.assert_array_equal(np.asarray(ours(x)), x)
    np.testing.assert_array_equal(np.asarray(theirs(x, training=False)), x)


def test_each_call_draws_fresh_masks(x):
    model = dropout_only(densefit)
    first, second = model(x, training=True), model(x, training=True)
    assert not np.array_equal(first == 0, second == 0)


def test_same_seed_same_masks(x):
    outs = []
    for _ in range(2):
        densefit.utils.set_random_seed(7)
        model = dropout_only(densefit)
        outs.append([model(x, training=True) for _ in range(2)])
    np.testing.assert_array_equal(outs[0][0], outs[1][0])
    np.testing.assert_array_equal(outs[0][1], outs[1][1])


def test_without_dropout_training_mode_is_inference(x):
    model = densefit.Sequential([Input((50,)), Dense(8, activation="relu"), Dense(3)])
    np.testing.assert_array_equal(model(x, training=True), model(x))


def test_mc_dropout_mean_approaches_inference(x):
    model = densefit.Sequential([Input((50,)), Dense(16, activation="relu"), Dropout(0.3),
                                 Dense(1)])
    runs = np.stack([model(x[:20], training=True) for _ in range(400)])
    spread = runs.std(axis=0).mean()
    assert spread > 0
    np.testing.assert_allclose(runs.mean(axis=0), model(x[:20]), atol=6 * spread / 20)


def test_training_calls_leave_weights_optimizer_and_fit_unchanged(x):
    y = x[:, :1] * 2.0

    def trained(call_between):
        densefit.utils.set_random_seed(3)
        model = densefit.Sequential([Input((50,)), Dense(8), Dropout(0.5), Dense(1)])
        model.compile("adam", "mse")
        model.fit(x, y, epochs=1, batch_size=50, verbose=0)
        before = model.get_weights()
        if call_between:
            model(x, training=True)
            for kept, now in zip(before, model.get_weights()):
                np.testing.assert_array_equal(kept, now)
        iterations = int(model.optimizer.iterations)
        model.fit(x, y, epochs=1, batch_size=50, verbose=0)
        return iterations, model.get_weights()

    (it_plain, plain), (it_called, called) = trained(False), trained(True)
    assert it_plain == it_called
    for a, b in zip(plain, called):
        np.testing.assert_array_equal(a, b)  # fit's masks did not move


def test_functional_model_runs_training_mode(x):
    inputs = Input((50,))
    outputs = Dropout(RATE)(inputs)
    model = densefit.Model(inputs, outputs)
    dropped, scaled = kept_and_dropped(model(x, training=True), x)
    assert scaled and abs(dropped - RATE) < 0.015
