"""The confusion matrix the training-metrics tutorial teaches (TP, TN, FP, FN): a metric that
accumulates it natively during fit/evaluate, and a one-call helper."""

import numpy as np

from densefit.metrics.base import NativeMetric, as_batch, document


@document()
class ConfusionMatrix(NativeMetric):
    """Accumulates the confusion matrix of the predictions (densefit's own; Keras has none).

    The result is the matrix of (weighted) counts of (true class, predicted class), rows =
    true class, as Keras's `metrics_utils.confusion_matrix` lays it out; for binary models
    it is `[[TN, FP], [FN, TP]]`, also read as the `true_negatives`, `false_positives`,
    `false_negatives` and `true_positives` properties.

    The predicted class is `y_pred > threshold` for one-column (sigmoid) outputs, else the
    argmax of the row; the true class is a class id or the argmax of a one-hot row.
    Compiled into a model, `result()` after `evaluate` is the matrix of that evaluation (the
    logs carry it too).

    {sample_weight}

    Args:
        num_classes: (Optional) The number of classes, at least 2. Defaults to `None`: the
            number of prediction columns of the first batch (at least 2).
        threshold: (Optional) Float. A one-column prediction greater than `threshold` is
            class 1, else class 0. Defaults to `0.5`.
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> m = keras.metrics.ConfusionMatrix()
    >>> m.update_state([0, 1, 1, 0], [[0.2], [0.7], [0.4], [0.9]])
    >>> m.result().tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    >>> float(m.true_positives)
    1.0
    >>> m = keras.metrics.ConfusionMatrix(num_classes=3)
    >>> m.update_state([0, 2, 1], [[0.8, 0.1, 0.1], [0.2, 0.2, 0.6], [0.5, 0.3, 0.2]])
    >>> m.result().tolist()
    [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """

    _kind = "confusion_matrix"

    def __init__(self, num_classes=None, threshold=0.5, name="confusion_matrix", dtype=None):
        if num_classes is not None and (isinstance(num_classes, bool) or
                                        not isinstance(num_classes, (int, np.integer)) or
                                        num_classes < 2):
            raise ValueError(f"`num_classes` must be an integer >= 2 or None, got {num_classes!r}")
        self.num_classes = None if num_classes is None else int(num_classes)
        self.threshold = float(threshold)
        super().__init__(name=name, dtype=dtype)

    def _spec(self):
        return {"kind": self._kind, "num_classes": self.num_classes, "threshold": self.threshold}

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred_2d = np.asarray(y_pred, dtype=np.float32)
        y_pred_2d = y_pred_2d.reshape(len(y_pred_2d), -1) if y_pred_2d.ndim else y_pred_2d
        y_true = np.asarray(y_true, dtype=np.float32)
        sparse = y_pred_2d.ndim == 2 and y_true.size == len(y_pred_2d)  # class ids
        self._state.update(*as_batch(y_true, y_pred_2d, sample_weight, sparse))

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes,
                "threshold": self.threshold}

    @property
    def true_positives(self):
        return self._binary_cell(1, 1)

    @property
    def true_negatives(self):
        return self._binary_cell(0, 0)

    @property
    def false_positives(self):
        return self._binary_cell(0, 1)

    @property
    def false_negatives(self):
        return self._binary_cell(1, 0)

    def _binary_cell(self, actual, predicted):
        matrix = self.result()
        if matrix.shape != (2, 2):
            raise ValueError(f"TP/TN/FP/FN are defined for two classes; this matrix is "
                             f"{matrix.shape[0]} x {matrix.shape[1]}")
        return matrix[actual, predicted]


def confusion_matrix(y_true, y_pred, num_classes=None, sample_weight=None, threshold=0.5):
    """The confusion matrix of labels `y_true` and predictions `y_pred`, rows = true class.

    `y_pred` may be predicted class ids, probabilities (one column: `> threshold` is class 1;
    several: the argmax) or logits of several classes; `y_true` class ids or one-hot rows.
    For two classes the matrix is `[[TN, FP], [FN, TP]]`. Returns a float32 array (weighted
    counts); `num_classes` defaults to the number of prediction columns, at least 2, or one
    more than the largest class id given."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_pred.ndim == 0 or y_true.ndim == 0:
        raise ValueError("`y_true` and `y_pred` must hold one entry per sample")
    if len(y_true) != len(y_pred):
        raise ValueError(f"`y_true` and `y_pred` have different numbers of samples: "
                         f"{len(y_true)} vs {len(y_pred)}")
    ids_given = np.issubdtype(y_pred.dtype, np.integer) or y_pred.dtype == bool
    if ids_given:  # predicted class ids: one-hot them so the native argmax reads them back
        ids = y_pred.reshape(-1).astype(np.int64)
        if ids.size and ids.min() < 0:
            raise ValueError("`y_pred` class ids must be >= 0")
        width = max(int(ids.max()) + 1 if ids.size else 0, _max_label(y_true) + 1, 2)
        y_pred = np.eye(max(width, num_classes or 0), dtype=np.float32)[ids]
    elif num_classes is None and y_pred.reshape(len(y_pred), -1).shape[1] == 1:
        num_classes = max(2, _max_label(y_true) + 1)
    metric = ConfusionMatrix(num_classes=num_classes, threshold=threshold)
    metric.update_state(y_true, y_pred, sample_weight)
    return metric.result()


def _max_label(y_true):
    y = np.asarray(y_true)
    if y.ndim >= 2 and y.shape[-1] > 1:  # one-hot rows
        return y.shape[-1] - 1
    return int(np.max(y)) if y.size else 0

