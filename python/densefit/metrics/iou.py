"""Intersection-over-union metrics (Keras's iou_metrics): IoU, BinaryIoU, MeanIoU, OneHotIoU,
OneHotMeanIoU.

They accumulate a (num_classes x num_classes) confusion matrix and report a ratio of its
sums, which is no mean of per-sample values: densefit keeps the matrix in NumPy for
standalone use (update_state / result) and refuses to compile them into the native step,
whose metric results cannot express it yet. Keras's integer default dtype is kept (weights
and class ids are truncated to integers, as Keras does)."""

import warnings

import numpy as np

from densefit.metrics.base import Metric, document
from densefit.ops import argmax
from densefit.ops.keras_semantics import broadcast_to_like_jax, multiply_like_jax

EPSILON = 1e-7

# Argument texts and paragraphs the IoU docstrings share (see base.ARG_DOCS).
_SPARSE = """ Whether {} are encoded using integers (class ids) or dense
            floating point vectors. If `False`, the `argmax` function over `axis` is used
            to determine each sample's most likely associated label. Defaults to `{}`."""
_ARGS = {
    "formula": """Formula:

    ```python
    iou = true_positives / (true_positives + false_positives + false_negatives)
    ```

    Intersection-Over-Union is a common evaluation metric for semantic image segmentation.
    To compute IoUs, the predictions are accumulated in a confusion matrix, weighted by
    `sample_weight`, and the metric is then calculated from it. densefit keeps that matrix
    in NumPy: the metric is used standalone (`update_state` / `result`, e.g. on
    `model.predict`'s output) and cannot be compiled into a model.""",
    "int_weights": """If `sample_weight` is `None`, weights default to 1. Use
    `sample_weight` of 0 to mask values. With the default integer `dtype`, weights are
    truncated to integers (as in Keras): pass `dtype="float32"` for fractional weights.""",
    "num_classes": """num_classes: The possible number of labels the prediction task can have. A
            confusion matrix of shape `(num_classes, num_classes)` is allocated.""",
    "target_class_ids": """target_class_ids: A tuple or list of target class ids for which
            the metric is returned. To compute IoU for a specific class, a list (or tuple)
            of a single id value should be provided.""",
    "dtype": """dtype: (Optional) Data type of the confusion matrix, of the class ids and of the
            weights, which are cast to it: `None` or `"int"` (i.e. `"int32"`) or a NumPy
            dtype name. The result is float32. Defaults to `None`.""",
    "ignore_class": """ignore_class: (Optional) Integer. The ID of a class to be ignored
            during metric computation. This is useful, for example, in segmentation
            problems featuring a "void" class (commonly -1 or 255) in segmentation maps.
            Defaults to `None` (all classes are considered).""",
    "sparse_y_true": "sparse_y_true:" + _SPARSE.format("labels", True),
    "sparse_y_pred": "sparse_y_pred:" + _SPARSE.format("predictions", True),
    "onehot_sparse_y_pred": "sparse_y_pred:" + _SPARSE.format("predictions", False),
    "axis": """axis: (Optional) The dimension containing the logits (the one `argmax` reads).
            Defaults to `-1`.""",
    "onehot_inputs": """>>> y_true = [[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]]
    >>> y_pred = [[0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]]""",
    "onehot_cm": """>>> # cm = [[0, 0, 0.2+0.4],
    >>> #       [0.3, 0, 0],
    >>> #       [0, 0, 0.1]]
    >>> # sum_row = [0.3, 0, 0.7], sum_col = [0.6, 0.3, 0.1], true_positives = [0, 0, 0.1]""",
    "onehot": """The labels are one-hot encoded (the last axis has one dimension per class), and so
    by default are the predictions (probabilities or logits); both are converted back into
    integer format by taking the argmax over `axis`. Make sure that `num_classes` is equal
    to the number of classes in the data: out-of-range ids are not counted.""",
}


def _dtype_name(dtype):
    return "int32" if dtype in (None, "int") else np.dtype(dtype).name


class _IoUBase(Metric):
    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(name=name)
        self._dtype = _dtype_name(dtype)  # Keras: `dtype or "int"`
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.reset_state()

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not self.sparse_y_true:
            y_true = argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = argmax(y_pred, axis=self.axis)
        y_true = np.asarray(y_true).astype(self._dtype).reshape(-1)
        y_pred = np.asarray(y_pred).astype(self._dtype).reshape(-1)
        if sample_weight is None:
            sample_weight = 1
        elif np.asarray(sample_weight).dtype.kind == "f" and "int" in self._dtype:
            warnings.warn("You are passing weight as `float`, but dtype is `int`. This may "
                          "result in an incorrect weight due to type casting Consider using "
                          "integer weights.", stacklevel=2)
        weight = np.asarray(sample_weight).astype(self._dtype).reshape(-1) \
            if np.ndim(sample_weight) > 1 else np.asarray(sample_weight).astype(self._dtype)
        weight = broadcast_to_like_jax(weight, y_true.shape)
        multiply_like_jax(y_true, y_pred, "y_pred")  # mismatched ids: refused as Keras does
        valid = (y_true >= 0) & (y_true < self.num_classes) & (y_pred >= 0) & \
            (y_pred < self.num_classes)
        if self.ignore_class is not None:
            valid &= y_true != self.ignore_class
        cm = np.zeros((self.num_classes, self.num_classes), dtype=self._dtype)
        np.add.at(cm, (np.where(valid, y_true, 0).astype(np.int64),
                       np.where(valid, y_pred, 0).astype(np.int64)),
                  np.where(valid, weight, 0).astype(self._dtype))
        self.total_cm = (self.total_cm + cm).astype(self._dtype)

    def reset_state(self):
        self.total_cm = np.zeros((self.num_classes, self.num_classes), dtype=self._dtype)

    @property
    def variables(self):
        return [self.total_cm.copy()]

    def native(self, weighted=False):
        raise TypeError(f"{type(self).__name__} ({self.name!r}) reports a ratio of confusion-"
                        f"matrix sums, which densefit's native training step cannot compute "
                        f"yet; use it standalone (update_state / result) on model.predict's "
                        f"output")


@document(_ARGS)
class IoU(_IoUBase):
    """Computes the Intersection-Over-Union metric for specific target classes.

    {formula}

    {int_weights}

    Note, this class first computes IoUs for all individual classes, then returns the mean
    of IoUs for the classes that are specified by `target_class_ids` (among those that
    occur: a class with no label and no prediction is left out of the mean). If
    `target_class_ids` has only one id value, the IoU of that specific class is returned.

    Args:
        {num_classes}
        {target_class_ids}
        {name}
        {dtype}
        {ignore_class}
        {sparse_y_true}
        {sparse_y_pred}
        {axis}

    Example:

    >>> import densefit as keras
    >>> # cm = [[1, 1],
    >>> #       [1, 1]]
    >>> # sum_row = [2, 2], sum_col = [2, 2], true_positives = [1, 1]
    >>> # iou = true_positives / (sum_row + sum_col - true_positives)) = [0.33, 0.33]
    >>> m = keras.metrics.IoU(num_classes=2, target_class_ids=[0])
    >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    >>> round(float(m.result()), 4)
    0.3333
    >>> m = keras.metrics.IoU(num_classes=2, target_class_ids=[1], dtype="float32")
    >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1], sample_weight=[0.3, 0.3, 0.3, 0.1])
    >>> # cm = [[0.3, 0.3],
    >>> #       [0.3, 0.1]]
    >>> # iou = [0.3 / (0.6 + 0.6 - 0.3), 0.1 / (0.4 + 0.4 - 0.1)] = [0.33, 0.14]
    >>> round(float(m.result()), 4)
    0.1429
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(num_classes=num_classes, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred, axis=axis)
        if max(target_class_ids) >= num_classes:
            raise ValueError(f"Target class id {max(target_class_ids)} is out of range, which "
                             f"is [0, {num_classes}).")
        self.target_class_ids = list(target_class_ids)

    def result(self):
        cm = self.total_cm
        sum_over_row = cm.sum(axis=0).astype(self._dtype)
        sum_over_col = cm.sum(axis=1).astype(self._dtype)
        true_positives = np.diag(cm).astype(self._dtype)
        denominator = sum_over_row + sum_over_col - true_positives
        ids = np.asarray(self.target_class_ids, dtype=np.int64)
        true_positives = true_positives[ids].astype(np.float32)
        denominator = denominator[ids].astype(np.float32)
        valid = denominator > 1e-9
        iou = np.where(valid, true_positives / (denominator + np.float32(EPSILON)),
                       np.float32(0.0))
        return np.float32(np.sum(iou, dtype=np.float32) /
                          (np.sum(valid, dtype=np.float32) + np.float32(EPSILON)))

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "num_classes": self.num_classes,
                "target_class_ids": self.target_class_ids, "ignore_class": self.ignore_class,
                "sparse_y_true": self.sparse_y_true, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}


@document(_ARGS)
class BinaryIoU(IoU):
    """Computes the Intersection-Over-Union metric for class 0 and/or 1.

    {formula}

    {int_weights}

    This class can be used to compute IoUs for a binary classification task where the
    predictions are provided as probabilities or logits. First `threshold` is applied to
    the predicted values: those below `threshold` are converted to class 0 and those at or
    above it to class 1. IoUs for classes 0 and 1 are then computed, and the mean of IoUs for
    the classes that are specified by `target_class_ids` is returned.

    Args:
        target_class_ids: A tuple or list of target class ids for which the metric is
            returned. Options are `[0]`, `[1]`, or `[0, 1]`. With `[0]` (or `[1]`), the IoU
            metric for class 0 (or class 1, respectively) is returned. With `[0, 1]`, the
            mean of IoUs for the two classes is returned. Defaults to `(0, 1)`.
        threshold: A threshold that applies to the predictions to convert them to predicted
            class 0 if the value is below `threshold` or predicted class 1 otherwise.
            Defaults to `0.5`.
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> m = keras.metrics.BinaryIoU(target_class_ids=[0, 1], threshold=0.3)
    >>> m.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7])
    >>> round(float(m.result()), 4)
    0.3333
    >>> m = keras.metrics.BinaryIoU(target_class_ids=[0, 1], threshold=0.3, dtype="float32")
    >>> m.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7], sample_weight=[0.2, 0.3, 0.4, 0.1])
    >>> # cm = [[0.2, 0.4],
    >>> #       [0.3, 0.1]]
    >>> # sum_row = [0.6, 0.4], sum_col = [0.5, 0.5], true_positives = [0.2, 0.1]
    >>> # iou = [0.222, 0.125]
    >>> round(float(m.result()), 4)
    0.1736
    """

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name,
                         dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = (np.asarray(y_pred, dtype=np.float32) >= self.threshold).astype(self._dtype)
        super().update_state(np.asarray(y_true).astype(self._dtype), y_pred, sample_weight)

    def get_config(self):
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold,
                "name": self.name, "dtype": self.dtype}


@document(_ARGS)
class MeanIoU(IoU):
    """Computes the mean Intersection-Over-Union metric.

    {formula}

    {int_weights}

    Note that this class first computes IoUs for all individual classes, then returns the
    mean of these values (over the classes that occur).

    Args:
        {num_classes}
        {name}
        {dtype}
        {ignore_class}
        {sparse_y_true}
        {sparse_y_pred}
        {axis}

    Example:

    >>> import densefit as keras
    >>> # Each class has 1 true positive of 3 (2 labels + 2 predictions - 1):
    >>> # result = (1 / 3 + 1 / 3) / 2 = 0.33
    >>> m = keras.metrics.MeanIoU(num_classes=2)
    >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    >>> round(float(m.result()), 4)
    0.3333
    >>> m = keras.metrics.MeanIoU(num_classes=2, dtype="float32")
    >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1], sample_weight=[0.3, 0.3, 0.3, 0.1])
    >>> round(float(m.result()), 4)
    0.2381
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(num_classes=num_classes, target_class_ids=list(range(num_classes)),
                         name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


@document(_ARGS)
class OneHotIoU(IoU):
    """Computes the Intersection-Over-Union metric for one-hot encoded labels.

    {formula}

    {int_weights}

    {onehot}
    Then the same computation steps as for the base `IoU` class apply.

    Args:
        {num_classes}
        {target_class_ids}
        {name}
        {dtype}
        {ignore_class}
        {onehot_sparse_y_pred}
        {axis}

    Example:

    >>> import densefit as keras
    {onehot_inputs}
    >>> m = keras.metrics.OneHotIoU(num_classes=3, target_class_ids=[0, 2], dtype="float32")
    >>> m.update_state(y_true, y_pred, sample_weight=[0.1, 0.2, 0.3, 0.4])
    {onehot_cm}
    >>> # iou = (0 / (0.3 + 0.6 - 0) + 0.1 / (0.7 + 0.1 - 0.1)) / 2
    >>> round(float(m.result()), 4)
    0.0714
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes=num_classes, target_class_ids=target_class_ids, name=name,
                         dtype=dtype, ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "name": self.name, "dtype": self.dtype, "ignore_class": self.ignore_class,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


@document(_ARGS)
class OneHotMeanIoU(MeanIoU):
    """Computes mean Intersection-Over-Union metric for one-hot encoded labels.

    {formula}

    {int_weights}

    {onehot}
    Then the same computation steps as for the base `MeanIoU` class apply.

    Args:
        {num_classes}
        {name}
        {dtype}
        {ignore_class}
        {onehot_sparse_y_pred}
        {axis}

    Example:

    >>> import densefit as keras
    {onehot_inputs}
    >>> m = keras.metrics.OneHotMeanIoU(num_classes=3, dtype="float32")
    >>> m.update_state(y_true, y_pred, sample_weight=[0.1, 0.2, 0.3, 0.4])
    {onehot_cm}
    >>> # iou = (0 + 0 + 0.1 / (0.7 + 0.1 - 0.1)) / 3
    >>> round(float(m.result()), 4)
    0.0476
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes=num_classes, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}
