"""Every metric standalone against golden values from real Keras 3 (golden_keras.json, written
by make_golden.py from the cases in cases.py): one unweighted update, then a reset and two
sample-weighted updates (so accumulation across batches and reset are covered too)."""

import json
from pathlib import Path

import numpy as np
import pytest

import densefit
from cases import CASES, SPLIT, input_sets

GOLDEN = json.loads(Path(__file__).with_name("golden_keras.json").read_text())["cases"]
SETS = input_sets()


def _run(metric, y_true, y_pred, sw):
    metric.update_state(y_true, y_pred)
    plain = np.asarray(metric.result(), dtype=np.float64)
    metric.reset_state()
    metric.update_state(y_true[:SPLIT], y_pred[:SPLIT], sample_weight=sw[:SPLIT])
    metric.update_state(y_true[SPLIT:], y_pred[SPLIT:], sample_weight=sw[SPLIT:])
    return plain, np.asarray(metric.result(), dtype=np.float64)


def _check(case_id, plain, weighted):
    expected = GOLDEN[case_id]
    # Keras accumulates in float32, densefit in float64: equal to float32 rounding.
    np.testing.assert_allclose(plain, expected["plain"], rtol=2e-6, atol=1e-6, err_msg=case_id)
    np.testing.assert_allclose(weighted, expected["weighted"], rtol=2e-6, atol=1e-6,
                               err_msg=case_id)


@pytest.mark.parametrize("case_id, cls_name, kwargs, input_name", CASES,
                         ids=[c[0] for c in CASES])
def test_metric_matches_keras(case_id, cls_name, kwargs, input_name):
    metric = getattr(densefit.metrics, cls_name)(**kwargs)
    plain, weighted = _run(metric, *SETS[input_name])
    _check(case_id, plain, weighted)


def test_result_dtype_and_shape_follow_keras():
    metric = densefit.metrics.Precision(thresholds=[0.3, 0.7])
    metric.update_state(*SETS["binary"][:2])
    assert metric.result().shape == (2,) and metric.result().dtype == np.float32
    scalar = densefit.metrics.AUC()
    scalar.update_state(*SETS["binary"][:2])
    assert np.ndim(scalar.result()) == 0 and scalar.result().dtype == np.float32


def test_mean_metric_wrapper_of_a_user_function():
    def squared_error(y_true, y_pred):
        return (y_true - y_pred) ** 2

    metric = densefit.metrics.MeanMetricWrapper(squared_error)
    _check("mean_metric_wrapper", *_run(metric, *SETS["regression"]))


def test_mean_metric_wrapper_of_a_densefit_function_runs_natively():
    metric = densefit.metrics.MeanMetricWrapper(densefit.metrics.mean_squared_error)
    assert "state" in metric.native()
    _check("mse", *_run(metric, *SETS["regression"]))


@pytest.mark.parametrize("name", ["Mean", "Sum"])
def test_mean_and_sum_of_values(name):
    values = np.arange(12, dtype=np.float32).reshape(6, 2)
    w = np.array([1.0, 0.0, 2.0, 0.5, 1.0, 3.0], dtype=np.float32)
    m = getattr(densefit.metrics, name)()
    m.update_state(values)
    plain = m.result()
    m.reset_state()
    m.update_state(values[:3], sample_weight=w[:3])
    m.update_state(values[3:], sample_weight=w[3:])
    _check(name.lower(), plain, m.result())
