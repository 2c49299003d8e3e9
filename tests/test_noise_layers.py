"""GaussianNoise, GaussianDropout and AlphaDropout: their noise in training (the statistics
Keras's formulas give; the draws are densefit's own), nothing outside training on any path,
and reproducible seeded fits. Keras parity of everything else (configs, files, inference,
training at rate 0) is in tests/parity/test_layer_catalogue_parity.py."""

import numpy as np
import pytest

import densefit as keras
from densefit._native import core

RNG = np.random.default_rng(8)
X = RNG.standard_normal((4000, 8)).astype(np.float32)
ALPHA_P = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946


def alone(layer):
    return keras.Sequential([keras.Input((8,)), layer])


def test_gaussian_noise_adds_noise_of_its_stddev_in_training_only():
    model = alone(keras.layers.GaussianNoise(0.3))
    noise = np.asarray(model(X, training=True)) - X
    assert abs(noise.mean()) < 0.02 and abs(noise.std() - 0.3) < 0.01
    np.testing.assert_array_equal(model.predict(X, verbose=0), X)


def test_gaussian_dropout_multiplies_by_noise_around_one():
    rate = 0.2
    model = alone(keras.layers.GaussianDropout(rate))
    factor = np.asarray(model(np.ones_like(X), training=True))
    expected_std = np.sqrt(rate / (1 - rate))
    assert abs(factor.mean() - 1) < 0.02 and abs(factor.std() - expected_std) < 0.02
    np.testing.assert_array_equal(model.predict(X, verbose=0), X)


def test_alpha_dropout_keeps_mean_and_variance_and_drops_its_rate():
    rate = 0.3
    model = alone(keras.layers.AlphaDropout(rate))
    out = np.asarray(model(X, training=True))
    a = ((1 - rate) * (1 + rate * ALPHA_P ** 2)) ** -0.5
    dropped_value = np.float32(a * ALPHA_P - a * ALPHA_P * rate)
    dropped = np.isclose(out, dropped_value, atol=1e-6)
    assert abs(dropped.mean() - rate) < 0.02
    np.testing.assert_allclose(out[~dropped], (a * X + -a * ALPHA_P * rate)[~dropped],
                               rtol=1e-5, atol=1e-5)
    assert abs(out.mean()) < 0.05 and abs(out.std() - 1) < 0.05
    np.testing.assert_array_equal(model.predict(X, verbose=0), X)


@pytest.mark.parametrize("make", [lambda: keras.layers.GaussianNoise(0.5),
                                  lambda: keras.layers.GaussianDropout(0.4),
                                  lambda: keras.layers.AlphaDropout(0.2)],
                         ids=["GaussianNoise", "GaussianDropout", "AlphaDropout"])
def test_serving_leaves_them_out_and_fits_are_seeded(make, tmp_path):
    def trained(seed):
        keras.utils.set_random_seed(seed)
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(6, activation="selu"),
                                  make(), keras.layers.Dense(1)])
        model.compile("sgd", "mse")
        history = model.fit(X[:256], X[:256, :1], batch_size=32, epochs=3, verbose=0)
        return model, history.history["loss"]

    first, loss = trained(1)
    again, loss_again = trained(1)
    other, loss_other = trained(2)
    assert loss == loss_again and loss != loss_other
    assert loss[-1] < loss[0]  # it trains through the noise
    for a, b in zip(first.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)
    expected = first.predict(X[:50], verbose=0)  # no noise outside training
    np.testing.assert_array_equal(first.predict_on_batch(X[:50]), expected)
    np.testing.assert_array_equal(np.asarray(first(X[:50])), expected)
    first.export(tmp_path / "m.dfm")
    served = core.load_model_file(str(tmp_path / "m.dfm"))
    assert [layer["kind"] for layer in served.layers()] == ["dense", "dense"]
    np.testing.assert_allclose(served.predict(X[:50]), expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("make, error", [
    (lambda: keras.layers.GaussianNoise(1.5), ValueError),
    (lambda: keras.layers.GaussianDropout(-0.1), ValueError),
    (lambda: keras.layers.AlphaDropout(0.1, noise_shape=(1, 8)), ValueError),
    (lambda: keras.layers.AlphaDropout(0.1, seed=-1), ValueError),
])
def test_bad_arguments_are_refused(make, error):
    with pytest.raises(error):
        make()
