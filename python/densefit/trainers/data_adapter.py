"""Turns user data into float32 C-contiguous arrays, once per fit/evaluate/predict call."""

import numpy as np


def to_float32_rows(value, what):
    """An aligned float32 C-contiguous array with samples along axis 0 (converted once if
    needed)."""
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
    # Aligned as well: a view that starts at any byte is copied (the kernels read floats).
    return np.require(arr, dtype=np.float32, requirements=("C", "A"))


def array_batch_size(batch_size, steps, n):
    """The batch size of a run over n samples, as Keras's array adapter picks it: the one
    given, else ceil(n / steps) when steps are given, else 32. Never more than n: a larger one
    is the whole data as one batch (and native scratch is sized by the batch)."""
    if batch_size is None:
        batch_size = -(-n // steps) if steps else 32
    return min(batch_size, max(n, 1))


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
    """Keras's class_weight (checked by arguments.class_weight: {int: float}): each sample
    weighs `class_weight.get(label, 1.0)`, its label being the argmax of one-hot targets, the
    rounded value itself for sparse or (n, 1) targets. Keys are label values, not positions:
    -1 is a label (of hinge targets), not the last class. Times sample_weight when both are
    given (Keras 2: "class_weight and sample_weight are multiplicative")."""
    if rows_per_sample != 1:
        raise ValueError("`class_weight` not supported for 3+ dimensional targets.")
    if y2.shape[1] > 1:
        labels = np.argmax(y2, axis=1)
    else:
        labels = np.round(y2[:, 0]).astype(np.int64)
    lo, hi = int(labels.min()), int(labels.max())
    if hi - lo < 1 << 16:  # a table over the labels' range: O(samples + classes)
        table = np.ones(hi - lo + 1, dtype=np.float32)
        for label, weight in class_weight.items():
            if lo <= label <= hi:
                table[label - lo] = weight
        weights = table[labels - lo]
    else:  # labels far apart (or NaN, which casts to the most negative int64)
        present, index = np.unique(labels, return_inverse=True)
        table = np.array([class_weight.get(int(v), 1.0) for v in present], dtype=np.float32)
        weights = table[index]
    if sample_weight is not None:
        weights = weights * sample_weight
    return np.ascontiguousarray(weights, dtype=np.float32)
