"""Metrics through fit/evaluate against real Keras: the seed examples trained from the same
weights with every metric family compiled in (plain and weighted_metrics), compared epoch by
epoch in the History and in evaluate's logs."""

import numpy as np
import pytest

import densefit
from keras_oracle import keras

pytestmark = pytest.mark.parity


def _metrics(mod, task):
    """The same metric list built from Keras's module or densefit's (explicit names: Keras
    numbers repeated auto-names per process)."""
    m = mod.metrics
    if task == "binary":
        return ["accuracy", m.Precision(name="precision"), m.Recall(name="recall"),
                m.AUC(name="auc"), m.AUC(curve="PR", name="pr_auc"),
                m.TruePositives(name="tp"), m.FalseNegatives(thresholds=[0.3, 0.7], name="fn"),
                m.PrecisionAtRecall(0.5, name="p_at_r"), m.RecallAtPrecision(0.6, name="r_at_p"),
                m.SensitivityAtSpecificity(0.5, name="s_at_s"),
                m.SpecificityAtSensitivity(0.5, name="sp_at_s"),
                m.F1Score(threshold=0.5, name="f1"), "binary_crossentropy", "mse"]
    if task == "multiclass":
        return ["accuracy", "sparse_top_k_categorical_accuracy",
                m.SparseTopKCategoricalAccuracy(k=2, name="top2"),
                "sparse_categorical_crossentropy"]
    if task == "onehot":
        return ["accuracy", "top_k_categorical_accuracy", m.F1Score(average="macro", name="f1"),
                m.Precision(top_k=1, name="p_top1"), m.Recall(class_id=2, name="r_class2"),
                m.AUC(multi_label=True, name="ml_auc"), "categorical_crossentropy", "kl_divergence"]
    return ["mae", "mse", "mape", m.RootMeanSquaredError(name="rmse"),
            m.R2Score(name="r2"), "msle", m.LogCoshError(name="logcosh")]


def _weighted_metrics(mod, task):
    """Metrics that receive sample weights (compile's weighted_metrics)."""
    m = mod.metrics
    return {"binary": [m.Precision(name="w_precision"), m.AUC(name="w_auc"), "accuracy"],
            "multiclass": ["accuracy", m.SparseCategoricalCrossentropy(name="w_scce")],
            "onehot": ["accuracy", m.F1Score(average="weighted", name="w_f1")],
            "regression": ["mae", m.R2Score(name="w_r2")]}[task]


def _case(task):
    rng = np.random.default_rng(3)
    n = 600
    x = rng.normal(size=(n, 20)).astype(np.float32)
    teacher = rng.normal(size=(20, 4)).astype(np.float32)
    if task == "binary":
        y = (x @ teacher[:, :1] + rng.normal(size=(n, 1)) > 0.5).astype(np.float32)
        return x, y, 1, "sigmoid", "binary_crossentropy"
    if task in ("multiclass", "onehot"):
        labels = np.argmax(x @ teacher + rng.normal(size=(n, 4)), axis=1)
        if task == "onehot":
            return x, np.eye(4, dtype=np.float32)[labels], 4, "softmax", "categorical_crossentropy"
        return x, labels.astype(np.float32), 4, "softmax", "sparse_categorical_crossentropy"
    y = (x @ teacher[:, :2] * 0.3 + 3.0).astype(np.float32)
    return x, y, 2, None, "mse"


def _models(k, units, activation, loss, task):
    k.utils.set_random_seed(0)
    layers = lambda L: [L.Dense(16, activation="relu"), L.Dense(units, activation=activation)]  # noqa: E731
    k_model = k.Sequential([k.Input(shape=(20,))] + layers(k.layers))
    d_model = densefit.Sequential([densefit.Input(shape=(20,))] + layers(densefit.layers))
    d_model.set_weights(k_model.get_weights())
    weighted = lambda mod: _weighted_metrics(mod, task)  # noqa: E731
    k_model.compile(optimizer="adam", loss=loss, metrics=_metrics(k, task),
                    weighted_metrics=weighted(k))
    d_model.compile(optimizer="adam", loss=loss, metrics=_metrics(densefit, task),
                    weighted_metrics=weighted(densefit))
    return k_model, d_model


def _assert_logs_match(d_logs, k_logs):
    assert set(d_logs) == set(k_logs)  # (key order is the trainer's business)
    for key in k_logs:
        np.testing.assert_allclose(np.asarray(d_logs[key], dtype=np.float64),
                                   np.asarray(k_logs[key], dtype=np.float64),
                                   rtol=2e-4, atol=2e-5, err_msg=key)


@pytest.mark.parametrize("task", ["binary", "multiclass", "onehot", "regression"])
def test_fit_and_evaluate_logs_match_keras(task):
    k = keras()
    x, y, units, activation, loss = _case(task)
    sw = np.random.default_rng(4).uniform(0.2, 2.0, size=len(x)).astype(np.float32)
    k_model, d_model = _models(k, units, activation, loss, task)
    fit = dict(epochs=3, batch_size=64, shuffle=False, verbose=0, sample_weight=sw,
               validation_split=0.25)
    k_hist = k_model.fit(x, y, **fit).history
    d_hist = d_model.fit(x, y, **fit).history
    _assert_logs_match(d_hist, k_hist)
    k_eval = k_model.evaluate(x, y, sample_weight=sw, verbose=0, return_dict=True)
    d_eval = d_model.evaluate(x, y, sample_weight=sw, verbose=0, return_dict=True)
    _assert_logs_match(d_eval, k_eval)
