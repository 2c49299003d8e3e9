"""CSVLogger's file, cell for cell, against real Keras for the same script."""

import csv

import numpy as np
import pytest

import densefit
from keras_oracle import keras

pytestmark = pytest.mark.parity


def _log(mod, path, fits, metrics):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 4)).astype(np.float32)
    y = rng.integers(0, 2, size=(40, 1)).astype(np.float32)
    model = mod.Sequential([mod.Input(shape=(4,)), mod.layers.Dense(1, activation="sigmoid")])
    model.set_weights([np.full((4, 1), 0.2, np.float32), np.zeros(1, np.float32)])
    model.compile("sgd", "binary_crossentropy", metrics=metrics())
    for i, kwargs in enumerate(fits):
        logger = mod.callbacks.CSVLogger(str(path), append=i > 0)
        model.fit(x, y, batch_size=8, shuffle=False, verbose=0, callbacks=[logger], **kwargs)
    with open(path, newline="") as f:
        return list(csv.reader(f))


def _same_cells(ours, theirs):
    assert len(ours) == len(theirs)
    for row_ours, row_theirs in zip(ours, theirs):
        assert len(row_ours) == len(row_theirs)
        for a, b in zip(row_ours, row_theirs):
            try:
                np.testing.assert_allclose(float(a), float(b), rtol=1e-5)
            except ValueError:  # a header, "NA" or an array-valued cell
                if a.startswith("[") and b.startswith("["):
                    np.testing.assert_allclose(np.array(a[1:-1].split(", "), float),
                                               np.array(b[1:-1].split(", "), float), rtol=1e-5)
                else:
                    assert a == b


@pytest.mark.parametrize("fits", [
    [dict(epochs=2)],
    [dict(epochs=2, validation_split=0.25)],
    [dict(epochs=1), dict(epochs=1, validation_split=0.25)],  # validation added later
], ids=["no_validation", "validation", "append_then_validation"])
def test_csv_logger_file_matches_keras(tmp_path, fits):
    k = keras()
    metrics = {densefit: lambda: ["accuracy"], k: lambda: ["accuracy"]}
    ours = _log(densefit, tmp_path / "ours.csv", fits, metrics[densefit])
    theirs = _log(k, tmp_path / "theirs.csv", fits, metrics[k])
    assert ours[0] == theirs[0]  # val_ columns present even without validation
    _same_cells(ours, theirs)


def test_array_valued_metric_is_written_as_keras_writes_it(tmp_path):
    k = keras()
    ours = _log(densefit, tmp_path / "ours.csv", [dict(epochs=1)],
                lambda: [densefit.metrics.Precision(thresholds=[0.3, 0.6])])
    theirs = _log(k, tmp_path / "theirs.csv", [dict(epochs=1)],
                  lambda: [k.metrics.Precision(thresholds=[0.3, 0.6])])
    assert ours[0] == theirs[0]
    _same_cells(ours, theirs)
