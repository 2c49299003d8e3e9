"""Every file of tests/data/malformed/ (made by tests/data/make_malformed.py) is refused with a
clear exception of the class expected.json names: MalformedFileError (a ValueError) for broken
or hostile files, ValueError for a file that is fine but does not fit the model, Keras's
TypeError for classes the file names but densefit cannot find; never a crash, never a model
with half its weights loaded."""

import json
import os
import shutil
import warnings

import numpy as np
import pytest

import densefit as keras
from densefit.layers import Dense

HERE = os.path.join(os.path.dirname(__file__), "..", "data", "malformed")
with open(os.path.join(HERE, "expected.json")) as f:
    EXPECTED = json.load(f)


def test_the_corpus_is_large_enough():
    assert len(EXPECTED) >= 20
    assert set(EXPECTED) == set(os.listdir(HERE)) - {"expected.json"}


def _base_model():
    keras.utils.set_random_seed(1)
    model = keras.Sequential([Dense(2, activation="relu", input_shape=(3,))])
    model.compile(optimizer="adam", loss="mse")
    return model


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_file_gives_a_clear_error(name, tmp_path):
    spec = EXPECTED[name]
    path = os.path.join(HERE, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if spec["loader"] == "load_model":
            with pytest.raises((ValueError, TypeError), match=spec["match"]) as info:
                keras.models.load_model(path)
        else:
            model = _base_model()
            before = model.get_weights()
            with pytest.raises((ValueError, TypeError), match=spec["match"]) as info:
                if spec["loader"] == "load_weights":
                    model.load_weights(path)
                else:
                    _resume_from_backup(model, path, tmp_path / "backup")
            for a, b in zip(before, model.get_weights()):
                np.testing.assert_array_equal(a, b)
    assert type(info.value).__name__ == spec["error"], repr(info.value)
    message = str(info.value)
    assert len(message) > 20


def _resume_from_backup(model, path, backup_dir):
    """A fit that finds `path` as BackupAndRestore's latest backup (and no .bkp to fall back
    on)."""
    os.makedirs(backup_dir)
    shutil.copyfile(path, backup_dir / "latest.weights.h5")
    model.fit(np.ones((4, 3), np.float32), np.ones((4, 2), np.float32), epochs=3, verbose=0,
              callbacks=[keras.callbacks.BackupAndRestore(str(backup_dir))])


def test_malformed_errors_name_the_file():
    path = os.path.join(HERE, "truncated.keras")
    with pytest.raises(keras.saving.MalformedFileError, match="truncated.keras"):
        keras.models.load_model(path)


def test_missing_file():
    with pytest.raises(ValueError, match="File not found"):
        keras.models.load_model(os.path.join(HERE, "no_such_file.keras"))
    with pytest.raises(FileNotFoundError):
        _base_model().load_weights(os.path.join(HERE, "no_such_file.weights.h5"))
