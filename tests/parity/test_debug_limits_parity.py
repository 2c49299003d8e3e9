"""keras.config.set_max_epochs / set_max_steps_per_epoch (and KERAS_MAX_EPOCHS /
KERAS_MAX_STEPS_PER_EPOCH) cap fit, validation, evaluate and predict as in Keras, and leave
the *_on_batch calls alone."""

import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import densefit
from keras_oracle import keras

pytestmark = pytest.mark.parity


def _data(n=40):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 3)).astype(np.float32), rng.normal(size=(n, 1)).astype(np.float32)


def _model(mod):
    model = mod.Sequential([mod.Input((3,)), mod.layers.Dense(1)])
    model.set_weights([np.full((3, 1), 0.3, np.float32), np.zeros(1, np.float32)])
    model.compile("sgd", "mse")
    return model


def _counter(mod):
    class Count(mod.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seen = []

        def on_epoch_begin(self, epoch, logs=None):
            self.seen.append(("epoch", epoch))

        def on_train_batch_end(self, batch, logs=None):
            self.seen.append(("train", batch))

        def on_test_batch_end(self, batch, logs=None):
            self.seen.append(("test", batch))

        def on_predict_batch_end(self, batch, logs=None):
            self.seen.append(("predict", batch))

    return Count()


@pytest.fixture
def caps():
    """Sets the same caps in both libraries; puts both back afterwards."""
    k = keras()

    def set_caps(epochs, steps):
        for mod in (densefit, k):
            mod.config.set_max_epochs(epochs)
            mod.config.set_max_steps_per_epoch(steps)

    yield set_caps
    set_caps(None, None)


def _run(mod, call, **kwargs):
    x, y = _data()
    model, cb = _model(mod), _counter(mod)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if call == "fit":
            result = model.fit(x, y, verbose=0, callbacks=[cb], shuffle=False, **kwargs).history
        elif call == "evaluate":
            result = model.evaluate(x, y, verbose=0, callbacks=[cb], **kwargs)
        else:
            result = model.predict(x, verbose=0, callbacks=[cb], **kwargs)
    limits = sorted({str(w.message) for w in caught if "Limiting" in str(w.message)})
    return cb.seen, result, limits, model.get_weights()


@pytest.mark.parametrize("call, kwargs", [
    ("fit", {"epochs": 5}),
    ("fit", {"epochs": 5, "batch_size": 4}),
    ("fit", {"epochs": 2, "batch_size": 4, "validation_split": 0.5}),
    ("fit", {"epochs": 2, "batch_size": 4, "steps_per_epoch": 1}),
    ("evaluate", {"batch_size": 4}),
    ("evaluate", {}),
    ("predict", {"batch_size": 4}),
])
def test_caps_run_what_keras_runs(caps, call, kwargs):
    caps(3, 2)
    ours, theirs = _run(densefit, call, **kwargs), _run(keras(), call, **kwargs)
    assert ours[0] == theirs[0]  # the same epochs and batches, hook by hook
    assert ours[2] == theirs[2]  # the same "Limiting ..." warnings
    if call == "predict":
        np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-5)
    elif call == "fit":
        assert ours[1].keys() == theirs[1].keys()
        for key in ours[1]:
            np.testing.assert_allclose(ours[1][key], theirs[1][key], rtol=1e-4)
    else:
        np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-5)
    for a, b in zip(ours[3], theirs[3]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_on_batch_calls_are_not_capped(caps):
    caps(1, 1)
    x, y = _data()
    model = _model(densefit)
    before = model.get_weights()[0].copy()
    model.train_on_batch(x, y)
    assert not np.array_equal(model.get_weights()[0], before)
    assert model.predict_on_batch(x).shape == (40, 1)


def test_environment_variables_set_the_caps():
    code = ("import densefit; print(densefit.config.max_epochs(), "
            "densefit.config.max_steps_per_epoch())")
    env = {**os.environ, "KERAS_MAX_EPOCHS": "4", "KERAS_MAX_STEPS_PER_EPOCH": "7"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["4", "7"]
