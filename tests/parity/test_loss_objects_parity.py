"""Loss objects called directly, `Loss(reduction=...)(y_true, y_pred, sample_weight=...)`,
against Keras: every loss class densefit has, every reduction, sample weights that are
absent, scalar, per sample or broadcastable, and the weights Keras refuses (same exception
type)."""

import numpy as np
import pytest

import densefit
from keras_oracle import keras

pytestmark = pytest.mark.parity

N, K = 6, 3
REDUCTIONS = [None, "none", "sum", "sum_over_batch_size", "mean", "mean_with_sample_weight"]


def _f32(a):
    return np.asarray(a, dtype=np.float32)


def _data(kind, seed=0):
    rng = np.random.default_rng(seed)
    if kind == "regression":
        return _f32(rng.normal(size=(N, K))), _f32(rng.normal(size=(N, K)))
    if kind == "positive":
        return (rng.uniform(0.1, 2, (N, K)).astype(np.float32),
                rng.uniform(0.1, 2, (N, K)).astype(np.float32))
    if kind == "binary":
        return (rng.integers(0, 2, (N, K)).astype(np.float32),
                rng.uniform(0.05, 0.95, (N, K)).astype(np.float32))
    if kind == "logits":
        return _f32(rng.integers(0, 2, (N, K))), _f32(rng.normal(size=(N, K)))
    if kind == "binary_column":
        return (rng.integers(0, 2, (N, 1)).astype(np.float32),
                rng.uniform(0.05, 0.95, (N, 1)).astype(np.float32))
    if kind == "binary_1d":
        t, p = _data("binary_column", seed)
        return t[:, 0], p
    if kind == "categorical":
        return (np.eye(K, dtype=np.float32)[rng.integers(0, K, N)],
                rng.dirichlet(np.ones(K), N).astype(np.float32))
    if kind == "categorical_logits":
        return (np.eye(K, dtype=np.float32)[rng.integers(0, K, N)],
                rng.normal(size=(N, K)).astype(np.float32))
    if kind == "sparse_column":  # class ids of shape (n, 1)
        return _f32(rng.integers(0, K, (N, 1))), _f32(rng.dirichlet(np.ones(K), N))
    if kind == "sparse_1d":
        t, p = _data("sparse_column", seed)
        return t[:, 0], p
    if kind == "sparse_logits":
        t, _ = _data("sparse_column", seed)
        return t, rng.normal(size=(N, K)).astype(np.float32)
    if kind == "embeddings":
        t = rng.integers(0, 3, N).astype(np.float32)
        p = rng.normal(size=(N, K)).astype(np.float32)
        return t, (p / np.linalg.norm(p, axis=-1, keepdims=True)).astype(np.float32)
    raise ValueError(kind)


# (class, constructor kwargs, data)
CASES = [
    ("MeanSquaredError", {}, "regression"),
    ("MeanSquaredError", {}, "binary_1d"),
    ("MeanAbsoluteError", {}, "regression"),
    ("MeanAbsolutePercentageError", {}, "positive"),
    ("MeanSquaredLogarithmicError", {}, "positive"),
    ("Huber", {}, "regression"),
    ("Huber", {"delta": 0.5}, "regression"),
    ("LogCosh", {}, "regression"),
    ("CosineSimilarity", {}, "regression"),
    ("Hinge", {}, "binary"),
    ("SquaredHinge", {}, "binary"),
    ("CategoricalHinge", {}, "categorical"),
    ("KLDivergence", {}, "categorical"),
    ("Poisson", {}, "positive"),
    ("BinaryCrossentropy", {}, "binary"),
    ("BinaryCrossentropy", {}, "binary_column"),
    ("BinaryCrossentropy", {"from_logits": True}, "logits"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, "logits"),
    ("BinaryFocalCrossentropy", {}, "binary"),
    ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "from_logits": True}, "logits"),
    ("CategoricalCrossentropy", {}, "categorical"),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.1},
     "categorical_logits"),
    ("CategoricalFocalCrossentropy", {}, "categorical"),
    ("CategoricalFocalCrossentropy", {"from_logits": True, "gamma": 1.0}, "categorical_logits"),
    ("SparseCategoricalCrossentropy", {}, "sparse_column"),
    ("SparseCategoricalCrossentropy", {}, "sparse_1d"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logits"),
    ("SparseCategoricalCrossentropy", {"ignore_class": 1}, "sparse_column"),
    ("Dice", {}, "binary"),
    ("Dice", {"axis": -1}, "binary"),
    ("Tversky", {"alpha": 0.3, "beta": 0.7}, "binary"),
    ("Tversky", {"axis": -1}, "binary"),
    ("CategoricalGeneralizedCrossEntropy", {"q": 0.7}, "sparse_1d"),
    ("Circle", {}, "embeddings"),
    ("Circle", {"gamma": 10.0, "remove_diagonal": False}, "embeddings"),
]


def _weights(y_pred):
    rng = np.random.default_rng(9)
    cols = y_pred.shape[-1]
    return {
        "none": None,
        "float": 0.7,
        "scalar": np.float32(1.3),
        "0d": np.array(0.5, np.float32),
        "(n,)": rng.uniform(0.1, 2, N).astype(np.float32),
        "(n,1)": rng.uniform(0.1, 2, (N, 1)).astype(np.float32),
        "(n,k)": rng.uniform(0.1, 2, (N, cols)).astype(np.float32),
        "(1,)": np.array([0.4], np.float32),
        "(1,1)": np.array([[0.4]], np.float32),
        "(k,)": rng.uniform(0.1, 2, cols).astype(np.float32),
        "(n+1,)": np.ones(N + 1, np.float32),
        "(n,1,1)": np.ones((N, 1, 1), np.float32),
        "zeros": np.zeros(N, np.float32),
    }


def _call(mod, cls, kwargs, reduction, t, p, sw):
    try:
        loss = getattr(mod.losses, cls)(reduction=reduction, **kwargs)
        return np.asarray(loss(t, p, sample_weight=sw))
    except Exception as exc:  # noqa: BLE001  (the exception itself is compared)
        return exc


@pytest.mark.parametrize("reduction", REDUCTIONS, ids=str)
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}{c[1] or ''}-{c[2]}")
def test_loss_object_matches_keras(case, reduction):
    cls, kwargs, kind = case
    t, p = _data(kind)
    for weight_name, sw in _weights(p).items():
        want = _call(keras(), cls, kwargs, reduction, t, p, sw)
        got = _call(densefit, cls, kwargs, reduction, t, p, sw)
        where = f"{cls}({kwargs}) reduction={reduction} sample_weight {weight_name}"
        if isinstance(want, Exception):
            assert isinstance(got, Exception), \
                f"{where}: Keras raises {want!r}, densefit gives {got}"
            assert type(got) is type(want), f"{where}: Keras raises {want!r}, densefit {got!r}"
            continue
        assert not isinstance(got, Exception), f"{where}: densefit raises {got!r}"
        assert got.shape == want.shape, f"{where}: shape {got.shape} vs Keras {want.shape}"
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7, err_msg=where)


@pytest.mark.parametrize("cls", ["MeanSquaredError", "BinaryCrossentropy", "Huber"])
def test_invalid_reduction_is_refused_like_keras(cls):
    with pytest.raises(ValueError):
        getattr(keras().losses, cls)(reduction="mean_over_everything")
    with pytest.raises(ValueError, match="reduction"):
        getattr(densefit.losses, cls)(reduction="mean_over_everything")
