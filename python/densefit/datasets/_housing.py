"""The shuffle and split shared by boston_housing and california_housing (Keras's arithmetic,
so the same seed gives the same rows on either side)."""

import numbers

import numpy as np


def check_test_split(test_split):
    if isinstance(test_split, bool) or not isinstance(test_split, numbers.Real):
        raise TypeError(f"Invalid `test_split` argument: {test_split!r}. It must be a number "
                        "between 0 and 1 (exclusive of 1).")
    if not (0 <= test_split < 1):
        raise ValueError(f"Invalid `test_split` argument: {test_split}. "
                         "It must be between 0 and 1 (exclusive of 1).")


def shuffle_split(x, y, test_split, seed):
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x))
    rng.shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))
