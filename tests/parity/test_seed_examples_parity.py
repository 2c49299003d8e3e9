"""The three seed examples trained 10 epochs in Keras and densefit from the same weights,
shuffle=False: per-epoch losses match to rtol 1e-4, predictions to rtol 1e-5."""

import numpy as np
import pytest

import densefit
from keras_oracle import keras

pytestmark = pytest.mark.parity


def _seed_cases():
    rng = np.random.default_rng(1)
    x100 = rng.normal(size=(1000, 100)).astype(np.float32)
    return {
        "binary": (lambda L: [L.Dense(10, activation="relu"), L.Dense(1, activation="sigmoid")],
                   (100,), "binary_crossentropy", ["accuracy"], x100,
                   rng.integers(0, 2, size=(1000, 1)).astype(np.float32)),
        "multiclass": (lambda L: [L.Flatten(), L.Dense(64, activation="relu"),
                                  L.Dense(4, activation="softmax")],
                       (32, 32, 3), "sparse_categorical_crossentropy", ["accuracy"],
                       rng.normal(size=(1000, 32, 32, 3)).astype(np.float32),
                       rng.integers(0, 4, size=(1000,)).astype(np.float32)),
        "regression": (lambda L: [L.Dense(10, activation="relu"), L.Dense(1)], (100,),
                       "mean_squared_error", ["mae"], x100,
                       rng.normal(size=(1000, 1)).astype(np.float32)),
    }


def _pair(keras_mod, make_layers, input_shape, loss, metrics, optimizer="adam"):
    # Fixed initial weights: float32 rounding differences (GEMM summation order) grow along
    # a trajectory, and a fixed one makes the comparison the same every run.
    keras_mod.utils.set_random_seed(0)
    k_model = keras_mod.Sequential([keras_mod.Input(shape=input_shape)] + make_layers(keras_mod.layers))
    d_model = densefit.Sequential([densefit.Input(shape=input_shape)] + make_layers(densefit.layers))
    d_model.set_weights(k_model.get_weights())
    k_model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
    d_model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
    return k_model, d_model


@pytest.mark.parametrize("case", ["binary", "multiclass", "regression"])
def test_seed_example_matches_keras_for_10_epochs(case):
    k = keras()
    make_layers, input_shape, loss, metrics, x, y = _seed_cases()[case]
    k_model, d_model = _pair(k, make_layers, input_shape, loss, metrics)
    start = d_model.get_weights()
    k_hist = k_model.fit(x, y, epochs=10, shuffle=False, verbose=0).history
    d_hist = d_model.fit(x, y, epochs=10, shuffle=False, verbose=0).history
    # densefit is deterministic: the same run again gives the same history, bit for bit.
    d_again = _pair(k, make_layers, input_shape, loss, metrics)[1]
    d_again.set_weights(start)
    assert d_again.fit(x, y, epochs=10, shuffle=False, verbose=0).history == d_hist
    assert set(d_hist) == set(k_hist)
    for key in k_hist:
        np.testing.assert_allclose(d_hist[key], k_hist[key], rtol=1e-4, err_msg=key)
    np.testing.assert_allclose(d_model.predict(x[:64], verbose=0),
                               k_model.predict(x[:64], verbose=0), rtol=1e-5, atol=1e-6)
    k_eval = k_model.evaluate(x, y, verbose=0, return_dict=True)
    d_eval = d_model.evaluate(x, y, verbose=0, return_dict=True)
    for key in k_eval:
        np.testing.assert_allclose(d_eval[key], k_eval[key], rtol=1e-4, err_msg=key)


@pytest.mark.parametrize("optimizer", ["sgd", "rmsprop", "adagrad", "adamw", "nadam", "adamax",
                                       "adadelta", "lion", "ftrl"])
def test_optimizers_through_fit_match_keras(optimizer):
    k = keras()
    make_layers, input_shape, loss, metrics, x, y = _seed_cases()["regression"]
    k_model, d_model = _pair(k, make_layers, input_shape, loss, [], optimizer)
    k_hist = k_model.fit(x, y, epochs=3, batch_size=64, shuffle=False, verbose=0).history
    d_hist = d_model.fit(x, y, epochs=3, batch_size=64, shuffle=False, verbose=0).history
    np.testing.assert_allclose(d_hist["loss"], k_hist["loss"], rtol=1e-4)
