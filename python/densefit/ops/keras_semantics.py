"""Keras 3's rules around a loss or metric function (keras/src/losses/loss.py and
keras/src/metrics/reduction_metrics.py), written once with NumPy calls so they run both on
arrays (standalone use) and on Tracers (the compiled native step)."""

import numpy as np


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Squeeze or expand the last axis when the ranks differ by exactly one."""
    r1, r2 = np.ndim(x1), np.ndim(x2)
    if r1 == r2 + 1 and np.shape(x1)[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = np.expand_dims(x2, axis=-1)
        else:
            x1 = np.squeeze(x1, axis=-1)
    if r2 == r1 + 1 and np.shape(x2)[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = np.expand_dims(x1, axis=-1)
        else:
            x2 = np.squeeze(x2, axis=-1)
    return x1, x2


def reduce_weighted_values(values, sample_weight, reduction):
    """The loss of a batch from a loss function's values (Keras's reduce_weighted_values).

    One deliberate difference: values of shape (batch, n > 1) with per-sample weights weight
    each row (Keras fails to broadcast (batch, n) against (batch,))."""
    if sample_weight is not None:
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        if np.ndim(values) == 2 and np.ndim(sample_weight) == 1:
            sample_weight = np.expand_dims(sample_weight, -1)
        values = values * sample_weight
    if reduction in (None, "none") or np.ndim(values) == 0:
        # A scalar is the loss; "none" still has to become one number for training.
        return np.mean(values) if np.ndim(values) else values
    if reduction == "sum":
        return np.sum(values)
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        return np.sum(values) / np.sum(sample_weight)
    return np.mean(values)  # sum_over_batch_size / mean: sum / number of elements


def samplewise_values(values):
    """What Keras's Mean metric averages: one value per sample (the mean over the other axes)
    or a scalar, which counts once per batch."""
    if np.ndim(values) > 1:
        values = np.mean(values, axis=tuple(range(1, np.ndim(values))))
    return values
