"""Accuracy metrics (Keras's accuracy_metrics): the classes, computed natively, and the
per-sample functions, in NumPy (MeanMetricWrapper around them runs natively too)."""

import numpy as np

from densefit.metrics.base import NativeMetric
from densefit.metrics.reduction import native_function


def _check_k(k):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"`k` must be a positive integer, got {k!r}")
    return int(k)


class Accuracy(NativeMetric):
    """How often predictions equal labels exactly."""

    _kind = "accuracy"

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype)


class BinaryAccuracy(NativeMetric):
    """How often `y_pred > threshold` equals the label."""

    _kind = "binary_accuracy"

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.floating)):
            raise TypeError(f"`threshold` must be a number, got {threshold!r}")
        self.threshold = threshold
        super().__init__(name=name, dtype=dtype)

    def _spec(self):
        return {"kind": self._kind, "threshold": float(self.threshold)}

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


class CategoricalAccuracy(NativeMetric):
    """How often the argmax of the prediction is the argmax of the one-hot label."""

    _kind = "categorical_accuracy"

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype)


class SparseCategoricalAccuracy(NativeMetric):
    """How often the argmax of the prediction is the integer label."""

    _kind = "sparse_categorical_accuracy"
    _sparse_labels = True

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype)


class TopKCategoricalAccuracy(NativeMetric):
    """How often the one-hot label's class is among the k highest predictions."""

    _kind = "top_k_categorical_accuracy"

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        self.k = _check_k(k)
        super().__init__(name=name, dtype=dtype)

    def _spec(self):
        return {"kind": self._kind, "k": self.k}

    def get_config(self):
        return {**super().get_config(), "k": self.k}


class SparseTopKCategoricalAccuracy(NativeMetric):
    """How often the integer label is among the k highest predictions (or, with
    from_sorted_ids=True, among the first k class ids of y_pred)."""

    _kind = "sparse_top_k_categorical_accuracy"
    _sparse_labels = True

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None,
                 from_sorted_ids=False):
        self.k = _check_k(k)
        self.from_sorted_ids = bool(from_sorted_ids)
        super().__init__(name=name, dtype=dtype)

    def _spec(self):
        return {"kind": self._kind, "k": self.k, "from_sorted_ids": self.from_sorted_ids}

    def get_config(self):
        config = {**super().get_config(), "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config


# ---- functions: per-sample values, as keras.metrics.<name> returns them ---------------------

def _pair(y_true, y_pred):
    y_pred = np.asarray(y_pred, dtype=np.float32)
    y_true = np.asarray(y_true, dtype=np.float32)
    if y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    elif y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1:
        y_pred = y_pred[..., 0]
    return y_true, y_pred


def _labels(y_true, y_pred):
    y_true = np.asarray(y_true, dtype=np.float32)
    y_pred = np.asarray(y_pred, dtype=np.float32)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    return y_true, y_pred


def _in_top_k(labels, y_pred, k):
    # Keras's in_top_k: ties count in the label's favour; a NaN at the label ranks last.
    labels = labels.astype(np.int64)
    valid = (labels >= 0) & (labels < y_pred.shape[-1])
    at = np.take_along_axis(y_pred, np.clip(labels, 0, y_pred.shape[-1] - 1)[..., None], -1)
    at = np.where(np.isnan(at), -np.inf, at)
    return valid & (np.sum(y_pred > at, axis=-1) < k)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    y_true, y_pred = _pair(y_true, y_pred)
    return (y_true == (y_pred > threshold).astype(np.float32)).astype(np.float32)


def categorical_accuracy(y_true, y_pred):
    y_pred = np.asarray(y_pred, dtype=np.float32)
    return (np.argmax(np.asarray(y_true), -1) == np.argmax(y_pred, -1)).astype(np.float32)


def sparse_categorical_accuracy(y_true, y_pred):
    y_true, y_pred = _labels(y_true, y_pred)
    return (y_true == np.argmax(y_pred, -1)).astype(np.float32)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    y_pred = np.asarray(y_pred, dtype=np.float32)
    return _in_top_k(np.argmax(np.asarray(y_true), -1), y_pred, k).astype(np.float32)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    y_true, y_pred = _labels(y_true, y_pred)
    if from_sorted_ids:
        return np.any(y_true[..., None] == y_pred[..., :k], axis=-1).astype(np.float32)
    return _in_top_k(y_true, y_pred, k).astype(np.float32)


native_function(binary_accuracy,
                lambda threshold=0.5: {"kind": "binary_accuracy", "threshold": float(threshold)})
native_function(categorical_accuracy, lambda: {"kind": "categorical_accuracy"})
native_function(sparse_categorical_accuracy, lambda: {"kind": "sparse_categorical_accuracy"},
                sparse_labels=True)
native_function(top_k_categorical_accuracy,
                lambda k=5: {"kind": "top_k_categorical_accuracy", "k": _check_k(k)})
native_function(sparse_top_k_categorical_accuracy,
                lambda k=5, from_sorted_ids=False: {"kind": "sparse_top_k_categorical_accuracy",
                                                    "k": _check_k(k),
                                                    "from_sorted_ids": bool(from_sorted_ids)},
                sparse_labels=True)
