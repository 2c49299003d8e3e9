"""Metric sample weights against Keras: `update_state(y_true, y_pred, sample_weight)` with
weights that are scalar, per sample, (n, 1), per output (n, k), (1,), (1, k), (k,) -- Keras
broadcasts them against the values, and so must densefit (same result over two updates of
different sizes, or the same exception type where Keras refuses).

densefit's native metric states take one weight per row. Per-output weights are exact there
when the metric counts outputs independently (they become rows of one column); where a
metric's state ties the outputs of a row together (R2Score's per-output counts, AUC with
multi_label or label_weights, FBetaScore), densefit refuses weights that differ between the
outputs of a sample with a ValueError rather than give another number than Keras."""

import os
import sys

import numpy as np
import pytest

import densefit
from keras_oracle import keras

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "metrics"))
from cases import CASES, input_sets  # noqa: E402

pytestmark = pytest.mark.parity

SPLIT = 12

EXTRA_CASES = [
    ("cosine_similarity", "CosineSimilarity", {}, "regression"),
    ("pearson", "PearsonCorrelation", {}, "regression"),
    ("concordance", "ConcordanceCorrelation", {}, "regression"),
    ("binary_iou", "BinaryIoU", {}, "binary"),
    ("binary_iou_multilabel", "BinaryIoU", {"target_class_ids": [1], "threshold": 0.3},
     "multilabel"),
    ("mean_iou", "MeanIoU", {"num_classes": 4}, "multi_sparse"),
    ("one_hot_iou", "OneHotIoU", {"num_classes": 4, "target_class_ids": [0, 2]}, "multi"),
    ("one_hot_mean_iou", "OneHotMeanIoU", {"num_classes": 4}, "multi"),
]


def _weights(p):
    rng = np.random.default_rng(3)
    n = p.shape[0]
    cols = p.shape[1] if p.ndim > 1 else 1
    out = {"scalar": np.float32(0.7), "float": 1.5,
           "(n,)": rng.uniform(0.1, 2, n).astype(np.float32),
           "(n,1)": rng.uniform(0.1, 2, (n, 1)).astype(np.float32),
           "(1,)": np.array([0.8], np.float32), "zeros": np.zeros(n, np.float32)}
    if cols > 1:
        out["(n,k)"] = rng.uniform(0.1, 2, (n, cols)).astype(np.float32)
        out["(n,k) equal per row"] = np.repeat(rng.uniform(0.1, 2, (n, 1)), cols,
                                               1).astype(np.float32)
        out["(k,)"] = rng.uniform(0.1, 2, cols).astype(np.float32)
        out["(1,k)"] = rng.uniform(0.1, 2, (1, cols)).astype(np.float32)
    out["(n+1,)"] = np.ones(n + 1, np.float32)
    return out


def _per_output(weight_name):
    return weight_name in ("(n,k)", "(k,)", "(1,k)")


def _refused_by_densefit(cls, kwargs, weight_name):
    """Where densefit's native state cannot take weights that differ between outputs."""
    if not _per_output(weight_name):
        return False
    return (cls == "R2Score" or cls in ("FBetaScore", "F1Score")
            or (cls == "AUC" and (kwargs.get("multi_label") or kwargs.get("label_weights"))))


def _run(mod, cls, kwargs, y, p, sw):
    try:
        metric = getattr(mod.metrics, cls)(**kwargs)
        if np.ndim(sw) and np.shape(sw)[0] == y.shape[0]:
            parts = [(slice(0, SPLIT), sw[:SPLIT]), (slice(SPLIT, None), sw[SPLIT:])]
        else:
            parts = [(slice(0, SPLIT), sw), (slice(SPLIT, None), sw)]
        for rows, w in parts:
            metric.update_state(y[rows], p[rows], sample_weight=w)
        return np.asarray(metric.result(), dtype=np.float64)
    except Exception as exc:  # noqa: BLE001  (the exception itself is compared)
        return exc


@pytest.mark.parametrize("case", CASES + EXTRA_CASES, ids=lambda c: c[0])
def test_update_state_weights_match_keras(case):
    _, cls, kwargs, inputs = case
    y, p, _ = input_sets()[inputs]
    for weight_name, sw in _weights(p).items():
        where = f"{cls}({kwargs}) sample_weight {weight_name}"
        want = _run(keras(), cls, kwargs, y, p, sw)
        got = _run(densefit, cls, kwargs, y, p, sw)
        if not isinstance(want, Exception) and _refused_by_densefit(cls, kwargs, weight_name):
            assert isinstance(got, ValueError) and "sample_weight" in str(got), \
                f"{where}: Keras gives {want}; densefit must refuse, gives {got!r}"
            continue
        if isinstance(want, Exception):
            assert isinstance(got, Exception), \
                f"{where}: Keras raises {want!r}, densefit gives {got}"
            assert type(got) is type(want), f"{where}: Keras raises {want!r}, densefit {got!r}"
            continue
        assert not isinstance(got, Exception), f"{where}: densefit raises {got!r}"
        assert got.shape == want.shape, f"{where}: shape {got.shape} vs Keras {want.shape}"
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=where)


@pytest.mark.parametrize("cls, kwargs", [("Precision", {"thresholds": [0.3, 0.6]}),
                                         ("Recall", {"thresholds": [0.3, 0.6]}),
                                         ("TruePositives", {"thresholds": [0.3, 0.6]}),
                                         ("TrueNegatives", {"thresholds": [0.3, 0.6]}),
                                         ("FalsePositives", {"thresholds": [0.3, 0.6]}),
                                         ("FalseNegatives", {"thresholds": [0.3, 0.6]}),
                                         ("BinaryAccuracy", {}), ("AUC", {})])
def test_the_issue_example_per_output_weights_of_multilabel_targets(cls, kwargs):
    """Issue 17 item 3: an (n, k) sample_weight matching an (n, k) y_true."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, (10, 3)).astype(np.float32)
    p = rng.uniform(0, 1, (10, 3)).astype(np.float32)
    sw = rng.uniform(0, 2, (10, 3)).astype(np.float32)
    results = []
    for mod in (keras(), densefit):
        metric = getattr(mod.metrics, cls)(**kwargs)
        metric.update_state(y, p, sample_weight=sw)
        results.append(np.asarray(metric.result()))
    np.testing.assert_allclose(results[1], results[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("fn, kwargs, inputs", [
    ("binary_accuracy", {}, "multilabel"), ("binary_accuracy", {"threshold": 0.3}, "binary"),
    ("categorical_accuracy", {}, "multi"), ("sparse_categorical_accuracy", {}, "multi_sparse"),
    ("top_k_categorical_accuracy", {"k": 2}, "multi"),
    ("sparse_top_k_categorical_accuracy", {"k": 2}, "multi_sparse"),
    ("mean_squared_error", {}, "regression"), ("binary_crossentropy", {}, "multilabel"),
    ("pearson_correlation", {}, "regression"), ("categorical_focal_crossentropy", {}, "multi"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_mean_metric_wrapper_weights_match_keras(fn, kwargs, inputs):
    """MeanMetricWrapper around a metric function: natively run ones included."""
    from keras.src.metrics import MeanMetricWrapper
    y, p, _ = input_sets()[inputs]
    for weight_name, sw in _weights(p).items():
        def run(mod, wrapper):
            try:
                metric = wrapper(getattr(mod.metrics, fn), **kwargs)
                for rows in (slice(0, SPLIT), slice(SPLIT, None)):
                    w = sw[rows] if np.ndim(sw) and np.shape(sw)[0] == y.shape[0] else sw
                    metric.update_state(y[rows], p[rows], sample_weight=w)
                return np.asarray(metric.result(), dtype=np.float64)
            except Exception as exc:  # noqa: BLE001
                return exc
        want = run(keras(), MeanMetricWrapper)
        got = run(densefit, densefit.metrics.MeanMetricWrapper)
        where = f"MeanMetricWrapper({fn}, {kwargs}) sample_weight {weight_name}"
        if isinstance(want, Exception):
            assert type(got) is type(want), f"{where}: Keras raises {want!r}, densefit {got!r}"
            continue
        assert not isinstance(got, Exception), f"{where}: densefit raises {got!r}"
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=where)


@pytest.mark.parametrize("name", ["Precision", "Recall"])
@pytest.mark.parametrize("weighted", [False, True])
def test_top_k_on_one_dimensional_inputs_takes_them_as_one_row(name, weighted):
    """Keras's own docstring example: Precision(top_k=2) on [0, 0, 1, 1] / [1, 1, 1, 1]."""
    keras_lib = keras()
    y_true, y_pred = [0, 0, 1, 1, 1], [0.9, 0.8, 0.7, 0.2, 0.6]
    weight = [0.5, 1.0, 2.0, 1.0, 3.0] if weighted else None
    ours = getattr(densefit.metrics, name)(top_k=2)
    theirs = getattr(keras_lib.metrics, name)(top_k=2)
    ours.update_state(y_true, y_pred, sample_weight=weight)
    theirs.update_state(y_true, y_pred, sample_weight=weight)
    assert float(ours.result()) == pytest.approx(float(theirs.result()), rel=1e-6)
