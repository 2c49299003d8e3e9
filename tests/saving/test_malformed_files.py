"""Every file of tests/data/malformed/ (made by tests/data/make_malformed.py) is refused with a
clear exception: a ValueError (MalformedFileError for broken or hostile files) or, for classes
the file names but densefit cannot find, Keras's TypeError; never a crash, never a model with
half its weights loaded."""

import json
import os
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
def test_malformed_file_gives_a_clear_error(name):
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
                model.load_weights(path)
            for a, b in zip(before, model.get_weights()):
                np.testing.assert_array_equal(a, b)
    message = str(info.value)
    assert len(message) > 20


def test_malformed_errors_name_the_file():
    path = os.path.join(HERE, "truncated.keras")
    with pytest.raises(keras.saving.MalformedFileError, match="truncated.keras"):
        keras.models.load_model(path)


def test_missing_file():
    with pytest.raises(ValueError, match="File not found"):
        keras.models.load_model(os.path.join(HERE, "no_such_file.keras"))
    with pytest.raises(FileNotFoundError):
        _base_model().load_weights(os.path.join(HERE, "no_such_file.weights.h5"))
