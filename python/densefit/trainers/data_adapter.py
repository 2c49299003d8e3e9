"""Turns user data into float32 C-contiguous arrays, once per fit/evaluate/predict call."""

import numpy as np


def to_float32_rows(value, what):
    """A float32 C-contiguous array with samples along axis 0 (converted once if needed)."""
    if isinstance(value, (list, tuple)) and len(value) == 1 and hasattr(value[0], "shape"):
        value = value[0]  # a single-input model given [x]
    if isinstance(value, dict):
        if len(value) != 1:
            raise ValueError(f"{what}: a dict of {len(value)} inputs was given, but this model "
                             f"has one input")
        value = next(iter(value.values()))
    try:
        arr = np.asarray(value)
    except Exception as e:  # ragged lists and friends
        raise ValueError(f"{what} could not be converted to an array: {e}") from None
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{what} must hold numbers, got an array of dtype {arr.dtype}")
    if arr.ndim == 0:
        raise ValueError(f"{what} must have a batch dimension, got a scalar")
    return np.ascontiguousarray(arr, dtype=np.float32)


def check_batch_size(batch_size, what="batch_size"):
    if batch_size is None:
        return None
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise TypeError(f"`{what}` must be a positive int or None, got {batch_size!r}")
    if batch_size <= 0:
        raise ValueError(f"`{what}` must be a positive integer, got {batch_size}")
    return int(batch_size)


def sample_count(x, y=None, sample_weight=None):
    n = x.shape[0]
    if n == 0:
        raise ValueError("Expected input data to be non-empty (x has 0 samples)")
    for other, name in ((y, "y"), (sample_weight, "sample_weight")):
        if other is not None and other.shape[0] != n:
            raise ValueError(f"Data cardinality is ambiguous: x sizes: {n}, {name} sizes: "
                             f"{other.shape[0]}. Make sure all arrays contain the same number "
                             f"of samples.")
    return n


def targets_2d(y, loss_is_sparse, output_dim, rows_per_sample=1):
    """y as (rows, target_dim): sparse labels as (rows, 1), otherwise matching the model
    output the way Keras squeezes or expands ranks (rows: samples x time steps)."""
    n = y.shape[0] * rows_per_sample
    if loss_is_sparse:
        if y.size != n:
            raise ValueError(f"A sparse categorical loss expects one integer label per sample, "
                             f"got y of shape {y.shape}")
        return y.reshape(n, 1)
    y2 = y.reshape(n, -1)
    if y2.shape[1] != output_dim:
        raise ValueError(f"y has shape {y.shape}, but the model's output has shape "
                         f"(None, {output_dim}): they must match")
    return y2


def row_sample_weights(sample_weight, n, rows_per_sample):
    """One weight per native row: per-sample weights (n,) repeated over time steps, temporal
    weights (n, t...) as they are (Keras's squeeze_or_expand_to_same_rank)."""
    if sample_weight.size == n:
        flat = sample_weight.reshape(-1)
        return flat if rows_per_sample == 1 else np.repeat(flat, rows_per_sample)
    if sample_weight.size == n * rows_per_sample:
        return sample_weight.reshape(-1)
    raise ValueError(f"sample_weight must hold one weight per sample (shape ({n},)) or, for "
                     f"outputs with time steps, one per sample and step; got shape "
                     f"{sample_weight.shape}")


def class_weights_to_sample_weights(class_weight, y2, sample_weight, rows_per_sample=1):
    """Keras's class_weight: each sample weighs as its class (argmax of one-hot targets,
    the label itself for sparse or (n, 1) targets)."""
    if not isinstance(class_weight, dict):
        raise TypeError(f"`class_weight` must be a dict of class index -> weight, got "
                        f"{type(class_weight).__name__}")
    if rows_per_sample != 1:
        raise ValueError("`class_weight` not supported for 3+ dimensional targets.")
    if y2.shape[1] > 1:
        classes = np.argmax(y2, axis=1)
    else:
        classes = np.round(y2[:, 0]).astype(np.int64)
    max_class = int(classes.max()) if classes.size else 0
    table = np.ones(max(max_class + 1, max(class_weight) + 1), dtype=np.float32)
    for k, w in class_weight.items():
        table[int(k)] = w
    weights = table[classes]
    if sample_weight is not None:
        weights = weights * sample_weight
    return np.ascontiguousarray(weights, dtype=np.float32)
