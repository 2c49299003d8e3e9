"""Batch hooks called from the native run (cpp/bindings/batch_hooks.h): each batch gets its
own logs dict with the running results, a hook's exception reaches the caller, and
stop_training set in a batch hook ends the epoch after that batch."""

import numpy as np
import pytest

import densefit as keras


def _model(metrics=("accuracy",)):
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=list(metrics))
    return model


def _data(n=40):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, (x[:, :1] > 0).astype("float32")


class Recorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.logs = []

    def on_train_batch_end(self, batch, logs=None):
        self.logs.append((batch, logs))


def test_every_batch_gets_a_fresh_dict_with_the_running_results():
    x, y = _data()
    model, rec = _model(), Recorder()
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0, callbacks=[rec])
    assert [b for b, _ in rec.logs] == [0, 1, 2, 3, 4]
    dicts = [logs for _, logs in rec.logs]
    assert len({id(d) for d in dicts}) == len(dicts)  # kept dicts are never overwritten
    assert all(list(d) == ["accuracy", "loss"] for d in dicts)
    assert len({d["loss"] for d in dicts}) > 1  # running averages move batch by batch
    # The last batch's running results are the epoch's results.
    assert model.history.history["loss"][-1] == pytest.approx(dicts[-1]["loss"], rel=1e-6)


def test_a_hooks_exception_reaches_the_caller_and_the_model_still_trains():
    class Boom(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            if batch == 2:
                raise KeyError("from the hook")

    x, y = _data()
    model = _model()
    with pytest.raises(KeyError, match="from the hook"):
        model.fit(x, y, batch_size=8, verbose=0, callbacks=[Boom()])
    assert model._network.steps_taken == 2  # batches 0 and 1 ran, batch 2 did not
    model.fit(x, y, batch_size=8, verbose=0)  # the network is usable afterwards


def test_stop_training_in_a_batch_hook_ends_the_epoch_after_that_batch():
    class StopAt(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                self.model.stop_training = True

    x, y = _data()
    model = _model()
    history = model.fit(x, y, batch_size=8, epochs=3, verbose=0, callbacks=[StopAt()])
    assert model._network.steps_taken == 2
    assert len(history.history["loss"]) == 1


def test_steps_per_execution_numbers_hooks_as_keras():
    x, y = _data()
    model = _model()
    model.compile(optimizer="adam", loss="binary_crossentropy", steps_per_execution=2)
    begins, rec = [], Recorder()
    rec.on_train_batch_begin = lambda batch, logs=None: begins.append(batch)
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[rec])
    assert begins == [0, 2, 4]
    assert [b for b, _ in rec.logs] == [1, 3, 5]  # the last execution numbered as if full


def test_test_batch_hooks_get_the_running_results():
    class TestRecorder(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seen = []

        def on_test_batch_end(self, batch, logs=None):
            self.seen.append((batch, dict(logs)))

    x, y = _data()
    model, rec = _model(), TestRecorder()
    result = model.evaluate(x, y, batch_size=16, verbose=0, callbacks=[rec], return_dict=True)
    assert [b for b, _ in rec.seen] == [0, 1, 2]
    assert rec.seen[-1][1] == pytest.approx(result)
