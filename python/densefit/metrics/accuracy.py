"""Accuracy metrics (Keras's accuracy_metrics): the classes, computed natively, and the
per-sample functions, in densefit.ops (MeanMetricWrapper around them runs natively too)."""

import numpy as np

from densefit import ops
from densefit.metrics.base import NativeMetric, document
from densefit.metrics.reduction import native_function
from densefit.ops.keras_semantics import squeeze_or_expand_to_same_rank


# Argument texts the top-k accuracies share (see base.ARG_DOCS).
_ARGS = {
    "k": """k: (Optional) Number of top elements to look at for computing accuracy.
            Defaults to `5`.""",
    "frequency": """This metric accumulates a (weighted) total of matches and their
    count; the result is `total / count`.""",
}


def _check_k(k):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"`k` must be a positive integer, got {k!r}")
    return int(k)


@document(_ARGS)
class Accuracy(NativeMetric):
    """Calculates how often predictions equal labels.

    Every value of `y_pred` is compared with the value of `y_true` at its place (after the
    ranks are matched as Keras does); a match counts 1.

    {frequency}

    {sample_weight}

    Args:
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> m = keras.metrics.Accuracy()
    >>> m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    >>> float(m.result())
    0.75
    >>> m.reset_state()
    >>> m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]],
    ...                sample_weight=[1, 1, 0, 0])
    >>> float(m.result())
    0.5
    """

    _kind = "accuracy"
    _values = "elementwise"

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype)


@document(_ARGS)
class BinaryAccuracy(NativeMetric):
    """Calculates how often predictions match binary labels.

    Every prediction is read as 1 if it is greater than `threshold`, else 0, and compared with
    its label.

    {frequency}

    {sample_weight}

    Args:
        {name}
        {dtype}
        threshold: (Optional) Float representing the threshold for deciding whether
            prediction values are 1 or 0. Defaults to `0.5`.

    Example:

    >>> import densefit as keras
    >>> m = keras.metrics.BinaryAccuracy()
    >>> m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
    >>> float(m.result())
    0.75
    >>> m.reset_state()
    >>> m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]],
    ...                sample_weight=[1, 0, 0, 1])
    >>> float(m.result())
    0.5
    """

    _kind = "binary_accuracy"
    _values = "elementwise"

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.floating)):
            raise TypeError(f"`threshold` must be a number, got {threshold!r}")
        self.threshold = threshold
        super().__init__(name=name, dtype=dtype)

    def _spec(self):
        return {"kind": self._kind, "threshold": float(self.threshold)}

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


@document(_ARGS)
class CategoricalAccuracy(NativeMetric):
    """Calculates how often predictions match one-hot labels.

    A sample matches when the argmax of `y_pred` is the argmax of `y_true`; you can provide
    logits of classes as `y_pred`, since argmax of logits and probabilities are the same.
    `y_true` holds one-hot rows (use `keras.utils.to_categorical` to expand class ids).

    {frequency}

    {sample_weight}

    Args:
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> m = keras.metrics.CategoricalAccuracy()
    >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    >>> float(m.result())
    0.5
    >>> m.reset_state()
    >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]],
    ...                sample_weight=[0.7, 0.3])
    >>> round(float(m.result()), 4)
    0.3
    """

    _kind = "categorical_accuracy"

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype)


@document(_ARGS)
class SparseCategoricalAccuracy(NativeMetric):
    """Calculates how often predictions match integer labels.

    A sample matches when the argmax of `y_pred` equals its integer label in `y_true` (one
    class id per sample); you can provide logits of classes as `y_pred`, since argmax of
    logits and probabilities are the same.

    {frequency}

    {sample_weight}

    Args:
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> m = keras.metrics.SparseCategoricalAccuracy()
    >>> m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
    >>> float(m.result())
    0.5
    >>> m.reset_state()
    >>> m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]],
    ...                sample_weight=[0.7, 0.3])
    >>> round(float(m.result()), 4)
    0.3
    """

    _kind = "sparse_categorical_accuracy"
    _sparse_labels = True

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype)


@document(_ARGS)
class TopKCategoricalAccuracy(NativeMetric):
    """Computes how often targets are in the top `K` predictions.

    A sample matches when the class of its one-hot label (the argmax of `y_true`) is among
    the `k` highest values of `y_pred`.

    {frequency}

    Args:
        {k}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> m = keras.metrics.TopKCategoricalAccuracy(k=2)
    >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.5, 0.3, 0.2], [0.05, 0.95, 0]])
    >>> float(m.result())
    0.5
    >>> m.reset_state()
    >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.5, 0.3, 0.2], [0.05, 0.95, 0]],
    ...                sample_weight=[0.7, 0.3])
    >>> round(float(m.result()), 4)
    0.3
    """

    _kind = "top_k_categorical_accuracy"

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        self.k = _check_k(k)
        super().__init__(name=name, dtype=dtype)

    def _spec(self):
        return {"kind": self._kind, "k": self.k}

    def get_config(self):
        return {**super().get_config(), "k": self.k}


@document(_ARGS)
class SparseTopKCategoricalAccuracy(NativeMetric):
    """Computes how often integer targets are in the top `K` predictions.

    By default `y_true` holds one class id per sample and `y_pred` the scores of every class
    (shape `(batch_size, num_classes)`); a sample matches when its class is among the `k`
    highest scores. With `from_sorted_ids=True`, `y_pred` holds instead the ids of the top
    `N >= k` classes of each sample, sorted from highest score to lowest, and a sample matches
    when its class is among the first `k` of them.

    {frequency}

    Args:
        {k}
        {name}
        {dtype}
        from_sorted_ids: (Optional) When `False`, `y_pred` contains the unsorted scores of
            all possible classes; when `True`, the sorted ids of the top classes. Defaults
            to `False`.

    Example:

    >>> import densefit as keras
    >>> m = keras.metrics.SparseTopKCategoricalAccuracy(k=1)
    >>> m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    >>> float(m.result())
    0.5
    >>> m.reset_state()
    >>> m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]],
    ...                sample_weight=[0.7, 0.3])
    >>> round(float(m.result()), 4)
    0.3
    >>> m = keras.metrics.SparseTopKCategoricalAccuracy(k=1, from_sorted_ids=True)
    >>> m.update_state([2, 1], [[1, 0, 3], [1, 2, 3]])
    >>> float(m.result())
    0.5
    """

    _kind = "sparse_top_k_categorical_accuracy"
    _sparse_labels = True
    _values = "labels"

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
# Written with densefit.ops, so they also trace inside a user's metric (see loss_functions.py).

def _float(x):
    return ops.convert_to_tensor(x, dtype=np.float32)


def accuracy(y_true, y_pred):
    y_true, y_pred = squeeze_or_expand_to_same_rank(_float(y_true), _float(y_pred))
    return ops.cast(ops.equal(y_true, y_pred), "float32")


def binary_accuracy(y_true, y_pred, threshold=0.5):
    y_true, y_pred = squeeze_or_expand_to_same_rank(_float(y_true), _float(y_pred))
    y_pred = ops.cast(ops.greater(y_pred, np.float32(threshold)), "float32")
    return ops.cast(ops.equal(y_true, y_pred), "float32")


def categorical_accuracy(y_true, y_pred):
    y_true = ops.argmax(_float(y_true), axis=-1)
    y_pred = _float(y_pred)
    true_shape = np.shape(y_true)
    reshape_matches = np.ndim(y_true) == np.ndim(y_pred)
    if reshape_matches:
        y_true = ops.squeeze(y_true, -1)
    matches = ops.cast(ops.equal(ops.cast(y_true, "float32"),
                                 ops.cast(ops.argmax(y_pred, axis=-1), "float32")), "float32")
    return ops.reshape(matches, true_shape) if reshape_matches else matches


def sparse_categorical_accuracy(y_true, y_pred):
    y_pred = _float(y_pred)
    y_true = _float(y_true)
    true_shape = np.shape(y_true)
    reshape_matches = np.ndim(y_true) == np.ndim(y_pred) and true_shape[-1] == 1
    if reshape_matches:
        y_true = ops.squeeze(y_true, -1)
    matches = ops.cast(ops.equal(y_true, ops.cast(ops.argmax(y_pred, axis=-1), "float32")),
                       "float32")
    if reshape_matches:
        matches = ops.reshape(matches, true_shape)
    if np.ndim(matches) > 1 and np.shape(matches)[-1] == 1:
        matches = ops.squeeze(matches, -1)
    return matches


def _top_k_matches(labels, y_pred, k, from_sorted_ids=False):
    """Keras's flattening around in_top_k: matches shaped as the labels came."""
    true_shape = np.shape(labels)
    if np.ndim(y_pred) > 2:
        y_pred = ops.reshape(y_pred, [-1, np.shape(y_pred)[-1]])
    reshape_matches = np.ndim(labels) > 1
    if reshape_matches:
        labels = ops.reshape(labels, [-1])
    if from_sorted_ids:
        matches = ops.any(ops.equal(ops.expand_dims(labels, 1), y_pred[:, :k]), axis=1)
    else:
        matches = ops.in_top_k(labels, y_pred, k)
    matches = ops.cast(matches, "float32")
    return ops.reshape(matches, true_shape) if reshape_matches else matches


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    y_pred = _float(y_pred)
    labels = ops.cast(ops.argmax(_float(y_true), axis=-1), "float32")
    return _top_k_matches(labels, y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    y_pred = _float(y_pred)
    y_true = _float(y_true)
    # Keras reads the labels as int32 unless they are compared with ids in y_pred.
    labels = y_true if from_sorted_ids else ops.cast(ops.cast(y_true, "int32"), "float32")
    return _top_k_matches(labels, y_pred, k, from_sorted_ids)


native_function(accuracy, lambda: {"kind": "accuracy"}, values="elementwise")
native_function(binary_accuracy,
                lambda threshold=0.5: {"kind": "binary_accuracy", "threshold": float(threshold)},
                values="elementwise")
native_function(categorical_accuracy, lambda: {"kind": "categorical_accuracy"})
native_function(sparse_categorical_accuracy, lambda: {"kind": "sparse_categorical_accuracy"},
                sparse_labels=True)
native_function(top_k_categorical_accuracy,
                lambda k=5: {"kind": "top_k_categorical_accuracy", "k": _check_k(k)})
native_function(sparse_top_k_categorical_accuracy,
                lambda k=5, from_sorted_ids=False: {"kind": "sparse_top_k_categorical_accuracy",
                                                    "k": _check_k(k),
                                                    "from_sorted_ids": bool(from_sorted_ids)},
                sparse_labels=True, values="labels")
