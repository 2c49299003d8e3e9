"""Built-in callbacks: EarlyStopping, ReduceLROnPlateau, LearningRateScheduler, CSVLogger,
TerminateOnNaN, LambdaCallback."""

import csv

import numpy as np
import pytest

import densefit
from densefit import callbacks, layers


def _setup(lr=0.01, metrics=None):
    densefit.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(128, 6)).astype(np.float32)
    y = (x @ rng.normal(size=(6, 1))).astype(np.float32)
    model = densefit.Sequential([layers.Dense(8, activation="relu", input_shape=(6,)),
                                 layers.Dense(1)])
    model.compile(optimizer=densefit.optimizers.SGD(learning_rate=lr), loss="mse",
                  metrics=metrics)
    return model, x, y


class RecordWeights(callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append(self.model.get_weights())


def test_early_stopping_patience_and_restore_best_weights():
    model, x, y = _setup(lr=0.5)  # a learning rate this high makes the loss blow up
    recorder = RecordWeights()
    stop = callbacks.EarlyStopping(monitor="loss", patience=2, restore_best_weights=True)
    history = model.fit(x, y, epochs=30, verbose=0, callbacks=[recorder, stop])
    losses = history.history["loss"]
    best = int(np.nanargmin(losses))
    assert len(losses) == best + 3  # stopped after `patience` epochs without improvement
    assert stop.stopped_epoch == len(losses) - 1 and stop.best_epoch == best
    for got, want in zip(model.get_weights(), recorder.weights[best]):
        np.testing.assert_array_equal(got, want)


def test_early_stopping_mode_inference_and_unknown_metric():
    model, x, y = _setup(metrics=["mae"])
    stop = callbacks.EarlyStopping(monitor="mae")
    model.fit(x, y, epochs=1, verbose=0, callbacks=[stop])
    assert stop.monitor_op(1, 2)  # mae: lower is better
    with pytest.warns(UserWarning, match="not available"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.EarlyStopping()])


def test_reduce_lr_on_plateau_lowers_the_native_learning_rate():
    model, x, y = _setup(lr=0.01)
    cb = callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, min_delta=10.0,
                                     min_lr=0.002)
    history = model.fit(x, y, epochs=4, verbose=0, callbacks=[cb])
    # Logged before the epoch's reduction (as Keras): the first epoch only sets `best`.
    assert history.history["learning_rate"] == pytest.approx([0.01, 0.01, 0.005, 0.0025])
    assert model.optimizer.learning_rate == pytest.approx(0.002)
    with pytest.raises(ValueError, match="factor"):
        callbacks.ReduceLROnPlateau(factor=1.5)


def test_learning_rate_scheduler_sets_each_epoch():
    model, x, y = _setup()
    cb = callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    history = model.fit(x, y, epochs=3, verbose=0, callbacks=[cb])
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.1 / 3])


def test_csv_logger_writes_and_appends(tmp_path):
    path = tmp_path / "log.csv"
    model, x, y = _setup(metrics=["mae"])
    model.fit(x, y, epochs=2, verbose=0, callbacks=[callbacks.CSVLogger(path)])
    model.fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.CSVLogger(path, append=True)])
    rows = list(csv.DictReader(open(path)))
    assert [r["epoch"] for r in rows] == ["0", "1", "0"]
    # Keras's columns: val_ ones too (NA here), so validation added later keeps them.
    assert set(rows[0]) == {"epoch", "loss", "mae", "val_loss", "val_mae"}
    assert rows[0]["val_loss"] == "NA"


def test_terminate_on_nan_stops_in_the_first_epoch():
    model, x, y = _setup(lr=1e6)
    history = model.fit(x, y, epochs=5, verbose=0, callbacks=[callbacks.TerminateOnNaN()])
    assert len(history.history["loss"]) == 1
    assert not np.isfinite(history.history["loss"][0])


def test_lambda_callback_hooks_and_batch_detection():
    model, x, y = _setup()
    seen = []
    epoch_only = callbacks.LambdaCallback(on_epoch_end=lambda e, logs: seen.append(("epoch", e)))
    batches = callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(("batch", b)))
    assert not epoch_only.wants_batches("train") and batches.wants_batches("train")
    model.fit(x, y, epochs=2, batch_size=64, verbose=0, callbacks=[epoch_only, batches])
    assert seen == [("batch", 0), ("batch", 1), ("epoch", 0), ("batch", 0), ("batch", 1),
                    ("epoch", 1)]
