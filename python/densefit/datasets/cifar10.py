"""keras.datasets.cifar10: 50,000 + 10,000 32x32 colour images over 10 classes, from the CIFAR
tarball Keras caches (and unpacks) as `~/.keras/datasets/cifar-10-batches-py-target`."""

import os

import numpy as np

from densefit import config
from densefit.datasets._cache import get_file
from densefit.datasets._cifar import load_batch


def load_data():
    """`(x_train, y_train), (x_test, y_test)`: uint8 images `(50000, 32, 32, 3)` and
    `(10000, 32, 32, 3)` (`(n, 3, 32, 32)` under the "channels_first" image data format) and
    uint8 labels 0-9 of shape `(n, 1)`."""
    path = get_file(fname="cifar-10-batches-py-target",
                    origin="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
                    extract=True,
                    file_hash="6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce")
    path = os.path.join(path, "cifar-10-batches-py")
    # Keras fills preallocated (50000, ...) arrays 10,000 rows a batch; joining the batches
    # gives the same arrays from the real files and also takes batches of other sizes.
    batches = [load_batch(os.path.join(path, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([data for data, _ in batches]).astype("uint8", copy=False)
    y_train = np.concatenate([np.asarray(labels) for _, labels in batches]).astype("uint8")
    x_test, y_test = load_batch(os.path.join(path, "test_batch"))

    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    if config.image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    x_test = x_test.astype(x_train.dtype)
    y_test = y_test.astype(y_train.dtype)
    return (x_train, y_train), (x_test, y_test)
