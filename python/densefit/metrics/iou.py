"""Intersection-over-union metrics (Keras's iou_metrics): IoU, BinaryIoU, MeanIoU, OneHotIoU,
OneHotMeanIoU.

They accumulate a (num_classes x num_classes) confusion matrix and report a ratio of its
sums, which is no mean of per-sample values: densefit keeps the matrix in NumPy for
standalone use (update_state / result) and refuses to compile them into the native step,
whose metric results cannot express it yet. Keras's integer default dtype is kept (weights
and class ids are truncated to integers, as Keras does)."""

import warnings

import numpy as np

from densefit.metrics.base import Metric
from densefit.ops import argmax
from densefit.ops.keras_semantics import broadcast_to_like_jax, multiply_like_jax

EPSILON = 1e-7


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


class IoU(_IoUBase):
    """The IoU of the `target_class_ids`, averaged over those present."""

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


class BinaryIoU(IoU):
    """IoU of two classes, predictions `>= threshold` being class 1."""

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


class MeanIoU(IoU):
    """IoU averaged over every class."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(num_classes=num_classes, target_class_ids=list(range(num_classes)),
                         name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class OneHotIoU(IoU):
    """IoU with one-hot labels (and by default probabilities, argmax'd)."""

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes=num_classes, target_class_ids=target_class_ids, name=name,
                         dtype=dtype, ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "name": self.name, "dtype": self.dtype, "ignore_class": self.ignore_class,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class OneHotMeanIoU(MeanIoU):
    """MeanIoU with one-hot labels (and by default probabilities, argmax'd)."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes=num_classes, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}
