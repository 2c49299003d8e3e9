"""Metrics compiled into a model: the native step accumulates into the same state the metric
object reads, names resolve as Keras resolves them, only weighted_metrics see sample
weights, and the confusion matrix is available after evaluate."""

import numpy as np
import pytest

import densefit
from densefit import metrics as M


def _binary_model(seed=0, **compile_kwargs):
    densefit.utils.set_random_seed(seed)
    model = densefit.Sequential([densefit.Input(shape=(6,)), densefit.layers.Dense(8, activation="relu"),
                                 densefit.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", **compile_kwargs)
    return model


def _binary_data(n=300, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype(np.float32)
    y = (x[:, :1] + 0.5 * rng.normal(size=(n, 1)) > 0).astype(np.float32)
    return x, y


def test_evaluate_accumulates_what_standalone_update_state_computes():
    x, y = _binary_data()
    compiled = [M.Precision(name="p"), M.Recall(thresholds=[0.3, 0.6], name="r"), M.AUC(name="auc"),
                M.F1Score(threshold=0.5, name="f1"), M.RecallAtPrecision(0.7, name="rap")]
    model = _binary_model(metrics=compiled)
    model.fit(x, y, epochs=2, batch_size=32, verbose=0)
    logs = model.evaluate(x, y, batch_size=50, verbose=0, return_dict=True)
    y_pred = model.predict(x, verbose=0)
    for metric in compiled:
        fresh = type(metric).from_config(metric.get_config())
        fresh.update_state(y, y_pred)
        # The compiled object holds the evaluation's state (Keras keeps it in the object).
        np.testing.assert_allclose(metric.result(), fresh.result(), rtol=1e-6, err_msg=metric.name)
        np.testing.assert_allclose(logs[metric.name], fresh.result(), rtol=1e-6, err_msg=metric.name)
    assert isinstance(logs["r"], np.ndarray) and logs["r"].shape == (2,)


def test_only_weighted_metrics_receive_sample_weights():
    x, y = _binary_data()
    w = np.where(y[:, 0] > 0, 3.0, 0.5).astype(np.float32)
    model = _binary_model(metrics=[M.BinaryAccuracy(name="plain")],
                          weighted_metrics=[M.BinaryAccuracy(name="weighted")])
    logs = model.evaluate(x, y, sample_weight=w, verbose=0, return_dict=True)
    y_pred = model.predict(x, verbose=0)
    plain, weighted = M.BinaryAccuracy(), M.BinaryAccuracy()
    plain.update_state(y, y_pred)
    weighted.update_state(y, y_pred, sample_weight=w)
    assert logs["plain"] == pytest.approx(float(plain.result()), rel=1e-6)
    assert logs["weighted"] == pytest.approx(float(weighted.result()), rel=1e-6)
    assert logs["plain"] != pytest.approx(logs["weighted"])


def test_string_names_resolve_and_name_the_logs():
    x, y = _binary_data()
    names = ["accuracy", "acc", "precision", "recall", "auc", "mse", "mae", "AUC",
             "true_positives", "f1_score", "binary_crossentropy", "bce", "r2_score"]
    model = _binary_model(metrics=names)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(logs) == {"loss", *names}
    assert logs["acc"] == logs["accuracy"] and logs["auc"] == logs["AUC"]
    assert logs["bce"] == pytest.approx(logs["loss"], rel=1e-5)  # the loss itself, as a metric


def test_accuracy_by_loss_and_output_shape():
    def kinds(loss, units, y_shape):
        densefit.utils.set_random_seed(0)
        model = densefit.Sequential([densefit.Input(shape=(3,)), densefit.layers.Dense(units)])
        model.compile(loss=loss, metrics=["accuracy"])
        x = np.zeros((4, 3), np.float32)
        model.evaluate(x, np.zeros(y_shape, np.float32), verbose=0)
        return type(model._resolved_metrics[0]).__name__

    assert kinds("binary_crossentropy", 1, (4, 1)) == "BinaryAccuracy"
    assert kinds("sparse_categorical_crossentropy", 3, (4,)) == "SparseCategoricalAccuracy"
    assert kinds("categorical_crossentropy", 3, (4, 3)) == "CategoricalAccuracy"


def test_top_k_names_on_a_multiclass_model():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 5)).astype(np.float32)
    labels = rng.integers(0, 6, size=64)
    densefit.utils.set_random_seed(0)
    model = densefit.Sequential([densefit.Input(shape=(5,)), densefit.layers.Dense(6, activation="softmax")])
    model.compile(loss="categorical_crossentropy",
                  metrics=["top_k_categorical_accuracy", M.TopKCategoricalAccuracy(k=1, name="top1"),
                           "categorical_accuracy"])
    logs = model.evaluate(x, np.eye(6, dtype=np.float32)[labels], verbose=0, return_dict=True)
    assert logs["top1"] == pytest.approx(logs["categorical_accuracy"])
    assert logs["top_k_categorical_accuracy"] >= logs["top1"]


def test_confusion_matrix_after_evaluate():
    x, y = _binary_data()
    cm = M.ConfusionMatrix(num_classes=2)
    model = _binary_model(metrics=["accuracy", cm])
    model.fit(x, y, epochs=2, verbose=0)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    expected = M.confusion_matrix(y, model.predict(x, verbose=0))
    np.testing.assert_array_equal(cm.result(), expected)
    np.testing.assert_array_equal(logs["confusion_matrix"], expected)
    assert cm.result().sum() == len(x)
    assert (cm.true_positives + cm.true_negatives) / len(x) == pytest.approx(logs["accuracy"])


def test_confusion_matrix_helper_on_the_tutorial_example():
    # The tutorial's 2x2 example: TP=35, TN=50, FP=10, FN=5 (rows: true class 0, 1).
    y = np.array([1] * 40 + [0] * 60)
    p = np.array([0.9] * 35 + [0.1] * 5 + [0.2] * 50 + [0.8] * 10, dtype=np.float32)
    np.testing.assert_array_equal(M.confusion_matrix(y, p), [[50, 10], [5, 35]])
    np.testing.assert_array_equal(M.confusion_matrix(y, (p > 0.5).astype(int)), [[50, 10], [5, 35]])
    multi = M.confusion_matrix([0, 2, 1, 2], [[0.9, 0.05, 0.05], [0.1, 0.2, 0.7],
                                             [0.8, 0.1, 0.1], [0.2, 0.5, 0.3]])
    np.testing.assert_array_equal(multi, [[1, 0, 0], [1, 0, 0], [0, 1, 1]])


def test_evaluate_resets_metric_state_between_runs():
    x, y = _binary_data()
    tp = M.TruePositives(name="tp")
    model = _binary_model(metrics=[tp])
    first = model.evaluate(x, y, verbose=0, return_dict=True)["tp"]
    second = model.evaluate(x, y, verbose=0, return_dict=True)["tp"]
    assert first == second == float(tp.result())


def test_imbalanced_data_high_accuracy_low_recall():
    """The accuracy paradox the tutorial warns about: 95/5 classes, a weak signal, and a model
    that is right 95% of the time while missing most positives."""
    rng = np.random.default_rng(5)
    n = 4000
    y = (rng.uniform(size=(n, 1)) < 0.05).astype(np.float32)
    x = (rng.normal(size=(n, 8)) + 0.6 * y).astype(np.float32)  # positives barely shifted
    densefit.utils.set_random_seed(3)
    model = densefit.Sequential([densefit.Input(shape=(8,)), densefit.layers.Dense(8, activation="relu"),
                                 densefit.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy",
                  metrics=["accuracy", M.Precision(name="precision"), M.Recall(name="recall"),
                           M.AUC(name="auc")])
    model.fit(x[:3000], y[:3000], epochs=5, batch_size=64, verbose=0)
    logs = model.evaluate(x[3000:], y[3000:], verbose=0, return_dict=True)
    assert logs["accuracy"] > 0.9
    assert logs["recall"] < 0.5
    assert logs["accuracy"] - logs["recall"] > 0.5


def test_metric_objects_round_trip_through_config():
    for metric in [M.AUC(curve="PR", num_thresholds=50, multi_label=True, name="a"),
                   M.Precision(thresholds=[0.2, 0.4], class_id=1), M.F1Score(average="macro"),
                   M.R2Score(class_aggregation=None), M.SparseTopKCategoricalAccuracy(k=3),
                   M.BinaryCrossentropy(from_logits=True), M.ConfusionMatrix(num_classes=3)]:
        clone = type(metric).from_config(metric.get_config())
        assert clone.get_config() == metric.get_config()
    assert M.get({"class_name": "Recall", "config": {"thresholds": 0.3}}).thresholds == [0.3]


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="Threshold values must be in"):
        M.Precision(thresholds=[0.5, 1.5])
    with pytest.raises(ValueError, match="num_thresholds"):
        M.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="specificity"):
        M.SensitivityAtSpecificity(1.5)
    with pytest.raises(ValueError, match="average"):
        M.F1Score(average="sum")
    with pytest.raises(ValueError, match="Could not interpret metric identifier"):
        M.get("no_such_metric")
    with pytest.raises(ValueError, match="Precision needs y_true with the shape of y_pred"):
        M.Precision().update_state(np.zeros((4, 1)), np.zeros((4, 3)))
    with pytest.raises(ValueError, match="sample_weight"):
        M.Recall().update_state(np.zeros(4), np.zeros(4), sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="class id"):
        M.confusion_matrix([0, 3], [0.2, 0.9], num_classes=2)


def test_precision_on_sparse_labels_fails_at_evaluate_with_the_metric_named():
    densefit.utils.set_random_seed(0)
    model = densefit.Sequential([densefit.Input(shape=(3,)), densefit.layers.Dense(4, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", metrics=[M.Precision()])
    with pytest.raises(ValueError, match="Precision"):
        model.evaluate(np.zeros((8, 3), np.float32), np.zeros(8, np.float32), verbose=0)


def test_a_python_stateful_metric_cannot_be_compiled():
    class Counter(M.Metric):
        def update_state(self, y_true, y_pred, sample_weight=None):
            pass

    model = _binary_model(metrics=[Counter()])
    with pytest.raises(TypeError, match="cannot be compiled"):
        model.evaluate(*_binary_data(20), verbose=0)
