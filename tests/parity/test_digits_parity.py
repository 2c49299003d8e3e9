"""scikit-learn's load_digits (real data, 64 features, 10 classes): 20 epochs in Keras and
densefit from the same weights match to rtol 1e-3."""

import numpy as np
import pytest

import densefit
from keras_oracle import keras

pytestmark = pytest.mark.parity


def test_load_digits_20_epochs_matches_keras():
    k = keras()
    k.utils.set_random_seed(0)  # the same initial weights whatever ran before
    datasets = pytest.importorskip("sklearn.datasets")
    digits = datasets.load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)

    def build(mod):
        return mod.Sequential([mod.Input(shape=(64,)), mod.layers.Dense(32, activation="relu"),
                               mod.layers.Dropout(0.0), mod.layers.Dense(10, activation="softmax")])

    k_model, d_model = build(k), build(densefit)
    d_model.set_weights(k_model.get_weights())
    for m in (k_model, d_model):
        m.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    kw = dict(epochs=20, batch_size=64, shuffle=False, validation_split=0.2, verbose=0)
    k_hist = k_model.fit(x, y, **kw).history
    d_hist = d_model.fit(x, y, **kw).history
    assert set(d_hist) == set(k_hist)
    n_val = len(x) - int(len(x) * 0.8)
    for key in k_hist:
        # Accuracy counts samples: float rounding may flip one whose top two probabilities
        # are within rounding of each other, so allow one sample of the split besides rtol.
        samples = n_val if key.startswith("val_") else len(x) - n_val
        atol = 1.0 / samples if key.endswith("accuracy") else 0.0
        np.testing.assert_allclose(d_hist[key], k_hist[key], rtol=1e-3, atol=atol, err_msg=key)
    np.testing.assert_allclose(d_model.predict(x, verbose=0), k_model.predict(x, verbose=0),
                               rtol=1e-3, atol=1e-5)
