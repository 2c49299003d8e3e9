"""Progress output of fit / evaluate / predict: Keras's bar and lines, fed by the native loop."""

import re

import numpy as np
import pytest

import densefit as keras
from densefit.utils import Progbar


def _data(n=96):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 4)).astype(np.float32), rng.normal(size=(n, 1)).astype(np.float32)


def _model():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=["mae"])
    return model


def _final_lines(out):
    """What a terminal ends up showing: the last redraw of each line, styles removed."""
    out = re.sub(r"\x1b\[\d+m", "", out.replace("\b", ""))
    return [line.split("\r")[-1].rstrip() for line in out.split("\n") if line.strip()]


def test_verbose_2_prints_one_line_per_epoch_evaluate_and_predict(capsys):
    x, y = _data()
    model = _model()
    model.fit(x, y, batch_size=32, epochs=2, verbose=2)
    model.evaluate(x, y, batch_size=32, verbose=2)
    model.predict(x, batch_size=32, verbose=2)
    lines = _final_lines(capsys.readouterr().out)
    step = r"\d+(s|ms|us)/step"
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    assert re.fullmatch(rf"3/3 - \d+s - {step} - loss: \S+ - mae: \S+", lines[1])
    assert re.fullmatch(rf"3/3 - \d+s - {step} - loss: \S+ - mae: \S+", lines[4])  # evaluate
    assert re.fullmatch(rf"3/3 - \d+s - {step}", lines[5])  # predict
    assert len(lines) == 6


def test_one_epoch_prints_no_epoch_header(capsys):
    x, y = _data()
    _model().fit(x, y, epochs=1, verbose=2)
    assert not any(line.startswith("Epoch") for line in _final_lines(capsys.readouterr().out))


def test_verbose_1_finishes_each_bar_with_elapsed_time_and_metrics(capsys):
    x, y = _data()
    model = _model()
    model.fit(x, y, batch_size=32, epochs=1, verbose=1, validation_split=0.25)
    model.evaluate(x, y, batch_size=32, verbose=1)
    model.predict(x, batch_size=32, verbose=1)
    raw = capsys.readouterr().out
    assert "\x1b[32m" + "━" * 20 in raw  # the finished bar in Keras's green
    lines = _final_lines(raw)
    bar = "━" * 20
    assert re.fullmatch(rf"3/3 {bar} \d+s \S+/step - loss: \S+ - mae: \S+ - val_loss: \S+ "
                        r"- val_mae: \S+", lines[0])
    assert re.fullmatch(rf"3/3 {bar} \d+s \S+/step - loss: \S+ - mae: \S+", lines[1])
    assert re.fullmatch(rf"3/3 {bar} \d+s \S+/step", lines[2])
    assert len(lines) == 3  # validation inside fit draws no bar of its own


def test_live_bar_redraws_are_throttled_not_per_batch(capsys):
    x, y = _data(4000)
    _model().fit(x, y, batch_size=1, epochs=1, verbose=1)
    redraws = capsys.readouterr().out.count("\r")
    assert 1 <= redraws < 4000 / 10


def test_predict_with_verbose_returns_the_same_outputs(capsys):
    x, _ = _data(100)
    model = _model()
    expected = model.predict(x, verbose=0)
    for verbose in (1, 2):
        np.testing.assert_array_equal(model.predict(x, batch_size=7, verbose=verbose), expected)
    assert "15/15" in capsys.readouterr().out


def test_evaluate_with_live_bar_matches_silent_evaluate(capsys):
    x, y = _data(100)
    model = _model()
    assert model.evaluate(x, y, batch_size=7, verbose=1) == model.evaluate(x, y, batch_size=7,
                                                                            verbose=0)


def test_progbar_small_values_in_scientific_notation(capsys):
    bar = Progbar(2, verbose=2, stateful_metrics=["loss"])
    bar.update(2, [("loss", 2e-5), ("mae", 0.5)])
    assert "loss: 2.0000e-05 - mae: 0.5000" in capsys.readouterr().out


def test_progbar_averages_stateless_values_over_steps(capsys):
    bar = Progbar(4, verbose=1, interval=0)
    bar.update(1, [("a", 1.0)])
    bar.update(3, [("a", 4.0)])  # covers 2 steps: (1 + 4 + 4) / 3
    assert _final_lines(capsys.readouterr().out)[-1].endswith("a: 3.0000")
    bar.add(1, [("a", 0.5)])  # the final update shows the value as given
    assert _final_lines(capsys.readouterr().out)[-1].endswith("a: 0.5000")


def test_progbar_unknown_target_counts_steps(capsys):
    bar = Progbar(None, verbose=1, interval=0)
    bar.update(5)
    assert "      5/Unknown" in capsys.readouterr().out


def test_progbar_rejects_both_metric_lists():
    with pytest.raises(ValueError, match="stateful_metrics"):
        Progbar(3, stateful_metrics=["a"], stateless_metrics=["b"])
