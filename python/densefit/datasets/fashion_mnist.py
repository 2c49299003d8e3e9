"""keras.datasets.fashion_mnist: 60,000 + 10,000 28x28 grayscale images of 10 kinds of clothing,
from the four gzipped IDX files Keras caches in `~/.keras/datasets/fashion-mnist`."""

import gzip
import os

import numpy as np

from densefit.datasets._cache import ORIGIN_FOLDER, get_file

_FILES = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
          "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")


def _labels(path):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=8)  # IDX1: magic, count


def _images(path, count):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=16).reshape(count, 28, 28)


def load_data():
    """`(x_train, y_train), (x_test, y_test)`: uint8 images `(60000, 28, 28)` and
    `(10000, 28, 28)`, uint8 labels 0-9 (read-only arrays over the files' bytes, as Keras's)."""
    # Relative to the cache folder, not to its "datasets" subfolder: Keras's layout.
    dirname = os.path.join("datasets", "fashion-mnist")
    paths = [get_file(fname, origin=ORIGIN_FOLDER + fname, cache_subdir=dirname)
             for fname in _FILES]
    y_train = _labels(paths[0])
    x_train = _images(paths[1], len(y_train))
    y_test = _labels(paths[2])
    x_test = _images(paths[3], len(y_test))
    return (x_train, y_train), (x_test, y_test)
