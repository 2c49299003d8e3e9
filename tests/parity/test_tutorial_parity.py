"""The user's tutorial snippets, run in Keras and densefit from the same weights."""

import numpy as np
import pytest

import densefit
from keras_oracle import keras

pytestmark = pytest.mark.parity


def test_one_feature_sgd_snippet_matches_keras():
    k = keras()
    x = np.array([1, 2, 3, 4], dtype=float)
    y = np.array([2, 4, 6, 8], dtype=float)
    k_model = k.Sequential([k.Input(shape=(1,)), k.layers.Dense(1)])
    d_model = densefit.Sequential([densefit.layers.Dense(1, input_shape=(1,))])
    d_model.set_weights(k_model.get_weights())
    k_model.compile(optimizer="sgd", loss="mse")
    d_model.compile(optimizer="sgd", loss="mse")
    k_hist = k_model.fit(x, y, epochs=3, batch_size=2, shuffle=False, verbose=0).history
    d_hist = d_model.fit(x, y, epochs=3, batch_size=2, shuffle=False, verbose=0).history
    np.testing.assert_allclose(d_hist["loss"], k_hist["loss"], rtol=1e-5)


def test_validation_data_and_return_shapes_match_keras():
    k = keras()
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 5)).astype(np.float32), rng.integers(0, 2, size=(64, 1))
    xv, yv = x[:16], y[:16]

    def build(mod):
        return mod.Sequential([mod.Input(shape=(5,)), mod.layers.Dense(3, activation="relu"),
                               mod.layers.Dense(1, activation="sigmoid")])

    k_model, d_model = build(k), build(densefit)
    d_model.set_weights(k_model.get_weights())
    for m in (k_model, d_model):
        m.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    k_hist = k_model.fit(x, y, validation_data=(xv, yv), epochs=2, shuffle=False, verbose=0)
    d_hist = d_model.fit(x, y, validation_data=(xv, yv), epochs=2, shuffle=False, verbose=0)
    assert set(d_hist.history) == set(k_hist.history)
    for key in k_hist.history:
        np.testing.assert_allclose(d_hist.history[key], k_hist.history[key], rtol=1e-4)
    k_eval, d_eval = k_model.evaluate(x, y, verbose=0), d_model.evaluate(x, y, verbose=0)
    assert type(d_eval) is type(k_eval) and len(d_eval) == len(k_eval)
    np.testing.assert_allclose(d_eval, k_eval, rtol=1e-4)
    k_tob, d_tob = k_model.test_on_batch(x, y), d_model.test_on_batch(x, y)
    assert len(d_tob) == len(k_tob)
    np.testing.assert_allclose(d_tob, k_tob, rtol=1e-4)
    assert d_model.predict_on_batch(x).shape == k_model.predict_on_batch(x).shape
