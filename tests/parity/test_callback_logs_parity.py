"""Every callback hook gets a logs dict, never None, as in Keras (the keras.io callbacks
guide does `list(logs.keys())` in every hook)."""

import numpy as np
import pytest

import densefit
from keras_oracle import keras
from test_callback_order_parity import HOOKS

pytestmark = pytest.mark.parity


def _logs_types(mod, spe, batch_callback):
    seen = []

    class KeysEverywhere(mod.callbacks.Callback):
        pass

    def make(name):
        def hook(self, *args, logs=None):
            if args and (args[-1] is None or isinstance(args[-1], dict)):
                args, logs = args[:-1], args[-1]
            seen.append((name, type(logs).__name__, sorted(k for k in logs.keys()
                                                           if k != "outputs")))
        return hook

    for name in HOOKS:
        if batch_callback or "_batch_" not in name:
            setattr(KeysEverywhere, name, make(name))
    rng = np.random.default_rng(0)
    x = rng.normal(size=(24, 3)).astype(np.float32)
    y = rng.normal(size=(24, 1)).astype(np.float32)
    model = mod.Sequential([mod.Input((3,)), mod.layers.Dense(1)])
    model.compile("sgd", "mse", steps_per_execution=spe)
    cb = KeysEverywhere()
    model.fit(x, y, batch_size=8, epochs=2, validation_split=0.25, verbose=0, callbacks=[cb])
    model.evaluate(x, y, batch_size=8, verbose=0, callbacks=[cb])
    model.predict(x, batch_size=8, verbose=0, callbacks=[cb])
    return seen


@pytest.mark.parametrize("spe", [1, 2])
@pytest.mark.parametrize("batch_callback", [True, False], ids=["batch_hooks", "epoch_hooks"])
def test_every_hook_gets_a_dict(spe, batch_callback):
    k = keras()
    ours = _logs_types(densefit, spe, batch_callback)
    assert all(kind == "dict" for _, kind, _ in ours), [c for c in ours if c[1] != "dict"]
    assert ours == _logs_types(k, spe, batch_callback)
