"""Progress output compared with real Keras for the same script: the lines a terminal ends up
showing, with times and metric values masked (they differ run to run)."""

import re

import numpy as np
import pytest

import densefit
from keras_oracle import keras

pytestmark = pytest.mark.parity


def _script(mod, verbose):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 4)).astype(np.float32)
    y = rng.normal(size=(120, 1)).astype(np.float32)
    model = mod.Sequential([mod.Input((4,)), mod.layers.Dense(3), mod.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=["mae"])
    model.fit(x, y, batch_size=16, epochs=2, verbose=verbose, validation_split=0.2)
    model.fit(x, y, batch_size=16, epochs=1, verbose=verbose)
    model.evaluate(x, y, batch_size=16, verbose=verbose)
    model.predict(x, batch_size=50, verbose=verbose)


def _shown(capsys):
    out = capsys.readouterr().out.replace("\b", "")
    lines = [line.split("\r")[-1].rstrip() for line in out.split("\n") if line.strip()]
    masked = []
    for line in lines:
        line = re.sub(r"\d+(s|ms|us)/step", "T/step", line)
        line = re.sub(r"(\x1b\[1m)\d+s(\x1b\[0m)", r"\1Ts\2", line)  # elapsed, in bold
        line = re.sub(r" - \d+s - ", " - Ts - ", line)
        masked.append(re.sub(r": -?\d+\.\d+(e[-+]\d+)?", ": V", line))
    return masked


@pytest.mark.parametrize("verbose", [1, 2])
def test_progress_lines_match_keras(capsys, verbose):
    k = keras()
    _script(k, verbose)
    expected = _shown(capsys)
    _script(densefit, verbose)
    assert _shown(capsys) == expected
