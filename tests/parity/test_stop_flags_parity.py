"""stop_evaluating / stop_predicting set by a callback end evaluate / predict, as in Keras."""

import numpy as np
import pytest

import densefit
from keras_oracle import keras

pytestmark = pytest.mark.parity


def _data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(40, 3)).astype(np.float32), rng.normal(size=(40, 1)).astype(np.float32)


def _model(mod, spe):
    model = mod.Sequential([mod.Input((3,)), mod.layers.Dense(1)])
    model.set_weights([np.full((3, 1), 0.3, np.float32), np.zeros(1, np.float32)])
    model.compile("sgd", "mse", steps_per_execution=spe)
    return model


def _stopper(mod, hook, flag, after):
    class Stop(mod.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.batches = []

    def on_batch_end(self, batch, logs=None):
        self.batches.append(batch)
        if batch >= after:
            setattr(self.model, flag, True)

    setattr(Stop, hook, on_batch_end)
    return Stop()


@pytest.mark.parametrize("spe", [1, 2])
def test_stop_evaluating_ends_evaluate(spe):
    k = keras()
    x, y = _data()
    results = []
    for mod in (densefit, k):
        cb = _stopper(mod, "on_test_batch_end", "stop_evaluating", after=4)
        loss = _model(mod, spe).evaluate(x, y, batch_size=1, verbose=0, callbacks=[cb])
        results.append((cb.batches, loss))
    assert results[0][0] == results[1][0] and len(results[0][0]) < 40
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-5)


@pytest.mark.parametrize("spe", [1, 2])
def test_stop_predicting_ends_predict(spe):
    k = keras()
    x, _ = _data()
    results = []
    for mod in (densefit, k):
        cb = _stopper(mod, "on_predict_batch_end", "stop_predicting", after=4)
        out = _model(mod, spe).predict(x, batch_size=1, verbose=0, callbacks=[cb])
        results.append((cb.batches, np.asarray(out)))
    assert results[0][0] == results[1][0] and len(results[0][0]) < 40
    assert results[0][1].shape == results[1][1].shape
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-5)


def test_stop_evaluating_during_validation_ends_only_validation():
    k = keras()
    x, y = _data()
    results = []
    for mod in (densefit, k):
        cb = _stopper(mod, "on_test_batch_end", "stop_evaluating", after=2)
        hist = _model(mod, 1).fit(x, y, batch_size=4, epochs=2, validation_data=(x, y),
                                  validation_batch_size=1, shuffle=False, verbose=0,
                                  callbacks=[cb])
        results.append((cb.batches, hist.history))
    assert results[0][0] == results[1][0]
    for key in results[1][1]:
        np.testing.assert_allclose(results[0][1][key], results[1][1][key], rtol=1e-5)


def test_steps_per_epoch_without_batch_size_infers_the_batch_size_as_keras():
    """fit(x, y, steps_per_epoch=4) on 40 samples: Keras takes batch_size = ceil(40 / 4) and
    runs 4 batches an epoch (not 2 batches of the default 32)."""
    k = keras()
    x, y = _data()
    results = []
    for mod in (densefit, k):
        seen = []
        cb = mod.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(b))
        hist = _model(mod, 1).fit(x, y, steps_per_epoch=4, epochs=2, shuffle=False, verbose=0,
                                  callbacks=[cb])
        results.append((seen, hist.history["loss"]))
    assert results[0][0] == results[1][0] == [0, 1, 2, 3] * 2
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-5)
