"""Keras utils: Progbar, PyDataset, set_random_seed, to_categorical, get_file, normalize,
pad_sequences, split_dataset."""

import numpy as np

from densefit.utils.file_utils import get_file
from densefit.utils.model_visualization import model_to_dot, plot_model
from densefit.utils.normalize import normalize
from densefit.utils.pad_sequences import pad_sequences
from densefit.utils.progbar import Progbar
from densefit.utils.py_dataset import PyDataset
from densefit.utils.random import set_random_seed
from densefit.utils.split_dataset import split_dataset


def to_categorical(x, num_classes=None):
    """Turns a vector of integer class labels into a one-hot (binary class) matrix.

    Useful with `categorical_crossentropy`, which expects one-hot targets. A trailing axis of
    size 1 (labels shaped `(n, 1)`) is dropped before the class axis is appended.

    Args:
        x: Array-like of integer class labels, from 0 to `num_classes - 1`.
        num_classes: Int, the number of classes. Defaults to `None`, which uses
            `max(x) + 1`.

    Returns:
        A float32 NumPy array of shape `x.shape + (num_classes,)` (less that trailing 1).

    Example:

    >>> import densefit as keras
    >>> keras.utils.to_categorical([0, 2, 1], num_classes=3).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    x = np.asarray(x, dtype=np.int64)
    shape = x.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    x = x.reshape(-1)
    if num_classes is None:
        num_classes = int(x.max()) + 1 if x.size else 0
    out = np.zeros((x.size, num_classes), dtype=np.float32)
    out[np.arange(x.size), x] = 1.0
    return out.reshape(shape + (num_classes,))


__all__ = ["Progbar", "PyDataset", "get_file", "normalize", "pad_sequences", "set_random_seed",
           "split_dataset", "to_categorical"]
