"""The TensorBoard callback writes real event files: TFRecord framing, Event protos with
Keras's tags and steps (read back here with tensorboardX's own protos)."""

import glob
import os
import struct

import numpy as np
import pytest

import densefit

tensorboardX = pytest.importorskip("tensorboardX")
from tensorboardX.proto import event_pb2  # noqa: E402


def _events(directory):
    """Every Event in the event files of `directory`, parsed from the TFRecord framing
    (length, CRC of length, payload, CRC of payload) the way TensorBoard reads them."""
    events = []
    for path in sorted(glob.glob(os.path.join(directory, "events.out.tfevents.*"))):
        data = open(path, "rb").read()
        offset = 0
        while offset < len(data):
            (length,) = struct.unpack_from("<Q", data, offset)
            payload = data[offset + 12:offset + 12 + length]
            assert len(payload) == length, "truncated record"
            event = event_pb2.Event()
            event.ParseFromString(payload)
            events.append(event)
            offset += 12 + length + 4
    return events


def _scalars(directory):
    out = {}
    for event in _events(directory):
        for value in event.summary.value:
            if value.HasField("simple_value"):
                out.setdefault(value.tag, []).append((event.step, value.simple_value))
            elif value.HasField("histo"):
                out.setdefault(value.tag, []).append((event.step, None))
    return out


def _model():
    model = densefit.Sequential([densefit.Input(shape=(4,)),
                                 densefit.layers.Dense(3, activation="relu"),
                                 densefit.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    return model


def _data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(48, 4)).astype("float32"), rng.integers(0, 2, (48, 1)).astype("float32")


def test_epoch_scalars_for_train_and_validation_match_history(tmp_path):
    x, y = _data()
    model = _model()
    tb = densefit.callbacks.TensorBoard(log_dir=tmp_path)
    assert not tb.wants_batches("train")  # update_freq="epoch": no per-batch Python
    history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0,
                        callbacks=[tb]).history
    train, val = _scalars(tmp_path / "train"), _scalars(tmp_path / "validation")
    for name in ("loss", "accuracy"):
        assert [s for s, _ in train[f"epoch_{name}"]] == [0, 1, 2]
        np.testing.assert_allclose([v for _, v in train[f"epoch_{name}"]], history[name],
                                   rtol=1e-6)
        np.testing.assert_allclose([v for _, v in val[f"epoch_{name}"]], history[f"val_{name}"],
                                   rtol=1e-6)
    np.testing.assert_allclose([v for _, v in train["epoch_learning_rate"]], [0.001] * 3)
    # Validation inside fit also reports against optimizer iterations (3 steps per epoch).
    assert [s for s, _ in val["evaluation_loss_vs_iterations"]] == [3, 6, 9]


def test_update_freq_writes_batch_scalars_every_n_batches(tmp_path):
    x, y = _data()
    tb = densefit.callbacks.TensorBoard(log_dir=tmp_path, update_freq=2)
    assert tb.wants_batches("train") and not tb.wants_batches("test")
    _model().fit(x, y, epochs=2, batch_size=8, verbose=0, callbacks=[tb])
    steps = [s for s, _ in _scalars(tmp_path / "train")["batch_loss"]]
    assert steps == [2, 4, 6, 8, 10, 12]


def test_histograms_every_histogram_freq_epochs(tmp_path):
    x, y = _data()
    model = _model()
    model.fit(x, y, epochs=3, verbose=0,
              callbacks=[densefit.callbacks.TensorBoard(log_dir=tmp_path, histogram_freq=2)])
    hist_tags = [t for t in _scalars(tmp_path / "train") if t.endswith("/histogram")]
    assert len(hist_tags) == 4  # two Dense layers, kernel and bias each
    for tag in hist_tags:
        assert [s for s, _ in _scalars(tmp_path / "train")[tag]] == [0, 2]


def test_bad_arguments():
    with pytest.raises(ValueError, match="update_freq"):
        densefit.callbacks.TensorBoard(update_freq=0)
    with pytest.raises(ValueError, match="histogram_freq"):
        densefit.callbacks.TensorBoard(histogram_freq=-1)
