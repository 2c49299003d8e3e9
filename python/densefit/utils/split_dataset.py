"""keras.utils.split_dataset: a dataset of arrays cut into a left and a right part."""

import numbers
import random

import numpy as np


def _as_arrays(dataset):
    """(list of arrays, whether the input was a single array), checked as Keras checks them."""
    if isinstance(dataset, np.ndarray):
        if len(dataset) == 0:
            raise ValueError("Received an empty dataset. Argument `dataset` must be a non-empty "
                             "list/tuple of `numpy.ndarray` objects or `tf.data.Dataset` "
                             "objects.")
        return [dataset], True
    if not isinstance(dataset, (list, tuple)):
        raise TypeError(f"Unsupported dataset type: {type(dataset)}. densefit's split_dataset "
                        "takes a NumPy array or a list/tuple of NumPy arrays.")
    kind = "list" if isinstance(dataset, list) else "tuple"
    if len(dataset) == 0:
        raise ValueError(f"Received an empty {kind} dataset. "
                         f"Please provide a non-empty {kind} of arrays.")
    for i, element in enumerate(dataset):
        if not isinstance(element, np.ndarray):
            raise ValueError(f"Expected a {kind} of `numpy.ndarray` objects, "
                             f"Received: {type(element)} at index {i}.")
        if element.ndim == 0 or element.shape[0] != dataset[0].shape[0]:
            raise ValueError(f"Received a {kind} of NumPy arrays with different lengths. "
                             f"Mismatch found at index {i}, Expected shape={dataset[0].shape} "
                             f"Received shape={element.shape}. "
                             f"Please provide a {kind} of NumPy arrays of the same length.")
    if len(dataset[0]) == 0:
        raise ValueError("Received an empty dataset. Argument `dataset` must be a non-empty "
                         "list/tuple of `numpy.ndarray` objects.")
    return list(dataset), False


def _size_kind(size, name):
    if size is None:
        return None
    if isinstance(size, bool) or not isinstance(size, numbers.Real):
        raise TypeError(f"Invalid `{name}` Type. Expected: int or float or None, "
                        f"Received: type({name})={type(size)}.")
    return int if isinstance(size, numbers.Integral) else float


def _split_sizes(left_size, right_size, total_length):
    """Keras's `_rescale_dataset_split_sizes`: ints count samples, floats are fractions
    (rounded half to even), a missing side is the complement; both must be non-empty."""
    left_kind, right_kind = _size_kind(left_size, "left_size"), _size_kind(right_size, "right_size")
    if left_size == 0 and right_size == 0:
        raise ValueError("Both `left_size` and `right_size` are zero. "
                         "At least one of the split sizes must be non-zero.")
    for size, kind, name in ((left_size, left_kind, "left_size"),
                             (right_size, right_kind, "right_size")):
        if (kind is int and not 0 < size < total_length
                or kind is float and not 0 < size < 1):
            raise ValueError(f"`{name}` should be either a positive integer smaller than "
                             f"{total_length}, or a float within the range `[0, 1]`. "
                             f"Received: {name}={size}")
    if left_kind is right_kind is float and left_size + right_size > 1:
        raise ValueError("The sum of `left_size` and `right_size` is greater than 1. "
                         "It must be less than or equal to 1.")
    left = round(left_size * total_length) if left_kind is float else left_size
    right = round(right_size * total_length) if right_kind is float else right_size
    if left is None:
        left = total_length - right
    elif right is None:
        right = total_length - left
    if left + right > total_length:
        raise ValueError("The sum of `left_size` and `right_size` should be smaller than the "
                         f"{total_length}. Received: left_size + right_size = {left + right} "
                         f"and total_length = {total_length}")
    for split, side in ((left, "left"), (right, "right")):
        if split == 0:
            raise ValueError(f"With `dataset` of length={total_length}, `left_size`={left} and "
                             f"`right_size`={right}. Resulting {side} side dataset split will "
                             "be empty. Adjust any of the aforementioned parameters")
    return int(left), int(right)


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None,
                  preferred_backend=None):
    """Splits a NumPy array, or a list/tuple of same-length arrays, into `(left, right)`.

    `left_size` / `right_size`: an int is a number of samples, a float in (0, 1) a fraction
    (rounded half to even); a side left as None gets the rest; when both are given and sum to
    less than the whole, the samples in between are left out. `shuffle=True` permutes the
    samples first, with Python's `random` seeded by `seed` (a seed drawn from `random` when
    None) exactly as Keras does, so the same seed gives the same split (and leaves `random` in
    the same state).

    Keras returns two unbatched `tf.data.Dataset`s (or torch `Dataset`s); densefit has neither,
    so it returns what Keras builds them from: for an array, two arrays; for a list/tuple of
    arrays, two tuples of arrays, e.g.
    `(x_train, y_train), (x_val, y_val) = split_dataset((x, y), left_size=0.8)`.
    """
    if preferred_backend == "torch":
        raise ValueError("preferred_backend='torch' asks for torch Datasets, which densefit "
                         "does not build; leave it as None for NumPy arrays.")
    if right_size is None and left_size is None:
        raise ValueError("At least one of the `left_size` or `right_size` must be specified. "
                         "Received: left_size=None and right_size=None")
    arrays, single = _as_arrays(dataset)
    total_length = len(arrays[0])
    # Keras validates the sizes after shuffling; validating first leaves `random` untouched
    # when they are wrong.
    left, right = _split_sizes(left_size, right_size, total_length)
    order = list(range(total_length))
    if shuffle:
        if seed is None:
            seed = random.randint(0, int(1e6))
        # Keras reseeds the global generator and shuffles the list of samples; shuffling the
        # indexes instead makes the same swaps, so the same permutation.
        random.seed(seed)
        random.shuffle(order)
    left_idx, right_idx = np.asarray(order[:left], dtype=np.intp), np.asarray(order[-right:],
                                                                                dtype=np.intp)
    left_part = tuple(a[left_idx] for a in arrays)
    right_part = tuple(a[right_idx] for a in arrays)
    if single:
        return left_part[0], right_part[0]
    return left_part, right_part
