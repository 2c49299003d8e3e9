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


# ---- on arrays only: Keras's exact rules for direct calls ------------------------------------
# A Loss or Metric called on arrays must give what Keras gives, including the shapes it
# refuses; these follow keras/src/losses/loss.py without the compiled path's difference above,
# and raise what JAX raises (ValueError where ranks differ, TypeError where they are equal).

def multiply_like_jax(x1, x2, what="sample_weight"):
    """x1 * x2 with NumPy's broadcasting, refused as jnp.multiply refuses it (the message
    names `what`, the user's argument that x2 comes from)."""
    try:
        np.broadcast_shapes(np.shape(x1), np.shape(x2))
    except ValueError:
        message = (f"`{what}` does not broadcast against the values: shapes {np.shape(x1)} "
                   f"and {np.shape(x2)}")
        raise (TypeError if np.ndim(x1) == np.ndim(x2) else ValueError)(message) from None
    return np.multiply(x1, x2)


def broadcast_to_like_jax(x, shape, what="sample_weight"):
    """np.broadcast_to, refused (ValueError) as jnp.broadcast_to refuses it."""
    try:
        return np.broadcast_to(x, shape)
    except ValueError:
        raise ValueError(f"`{what}` of shape {np.shape(x)} does not broadcast to the values' "
                         f"shape {tuple(shape)}") from None


def _as_float32(x):
    return None if x is None else np.asarray(x, dtype=np.float32)


def apply_mask_exact(sample_weight, mask, reduction):
    """Keras's apply_mask: a mask of valid values merged into the sample weights."""
    if mask is None:
        return sample_weight
    mask = np.asarray(mask)
    if reduction in ("mean", "sum_over_batch_size"):
        total = np.float32(mask.size)
        valid = np.sum(mask.astype(np.float32))
        mask_weight = np.float32(0.0) if valid == 0 else np.float32(total / valid)
        float_mask = np.where(mask.astype(bool), mask_weight, np.float32(0.0)).astype(np.float32)
    else:
        float_mask = mask.astype(np.float32)
    if sample_weight is None:
        return float_mask
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
    return multiply_like_jax(sample_weight, float_mask)


def reduce_weighted_values_exact(values, sample_weight=None, mask=None,
                                 reduction="sum_over_batch_size"):
    """Keras's reduce_weighted_values on arrays (float32 throughout)."""
    values = _as_float32(values)
    sample_weight = apply_mask_exact(_as_float32(sample_weight), mask, reduction)
    if sample_weight is not None:
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        values = multiply_like_jax(values, sample_weight).astype(np.float32)
    if reduction in (None, "none") or values.shape in ((), (0,)):
        return values
    loss = np.sum(values, dtype=np.float32)
    if reduction == "sum":
        return loss
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = np.sum(sample_weight, dtype=np.float32)
    else:
        divisor = np.float32(values.size)
    return np.float32(0.0) if divisor == 0 else np.float32(loss / divisor)
