"""The sequence of callback hooks (and the keys of their logs) that fit / evaluate / predict
produce, compared with real Keras for the same script."""

import numpy as np
import pytest

import densefit
from keras_oracle import keras

pytestmark = pytest.mark.parity

HOOKS = ["on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
         "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
         "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
         "on_predict_batch_begin", "on_predict_batch_end"]


def _recorder(base):
    class Recorder(base):
        def __init__(self):
            super().__init__()
            self.calls = []

    def make(name):
        def hook(self, *args, logs=None):
            if args and (args[-1] is None or isinstance(args[-1], dict)):
                args, logs = args[:-1], args[-1]  # logs passed positionally
            keys = sorted((logs or {}).keys())
            if name.startswith("on_predict_batch"):
                keys = [k for k in keys if k != "outputs"]
            self.calls.append((name,) + tuple(args) + (tuple(keys),))
        return hook

    for name in HOOKS:
        setattr(Recorder, name, make(name))
    return Recorder()


def _run(mod, spe, **fit_kwargs):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 4)).astype(np.float32)
    y = rng.integers(0, 2, size=(40, 1)).astype(np.float32)
    model = mod.Sequential([mod.Input(shape=(4,)), mod.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"], steps_per_execution=spe)
    rec = _recorder(mod.callbacks.Callback)
    model.fit(x, y, batch_size=8, verbose=0, callbacks=[rec], **fit_kwargs)
    model.evaluate(x, y, batch_size=16, verbose=0, callbacks=[rec])
    model.predict(x, batch_size=16, verbose=0, callbacks=[rec])
    return rec.calls


@pytest.mark.parametrize("spe", [1, 4])
@pytest.mark.parametrize("fit_kwargs", [
    dict(epochs=2),
    dict(epochs=3, initial_epoch=1, validation_split=0.25),
    dict(epochs=3, validation_split=0.25, validation_freq=2),
], ids=["plain", "initial_epoch+validation", "validation_freq"])
def test_hook_sequence_matches_keras(spe, fit_kwargs):
    k = keras()
    assert _run(densefit, spe, **fit_kwargs) == _run(k, spe, **fit_kwargs)
