"""keras.datasets.cifar100: 50,000 + 10,000 32x32 colour images over 100 fine classes grouped
into 20 coarse ones, from the CIFAR tarball Keras caches as
`~/.keras/datasets/cifar-100-python-target`."""

import os

import numpy as np

from densefit import config
from densefit.datasets._cache import get_file
from densefit.datasets._cifar import load_batch


def load_data(label_mode="fine"):
    """`(x_train, y_train), (x_test, y_test)`: uint8 images `(50000, 32, 32, 3)` and
    `(10000, 32, 32, 3)` (`(n, 3, 32, 32)` under "channels_first") and int64 labels of shape
    `(n, 1)`: 0-99 for label_mode="fine", 0-19 for "coarse"."""
    if label_mode not in ["fine", "coarse"]:
        raise ValueError('`label_mode` must be one of `"fine"`, `"coarse"`. '
                         f"Received: label_mode={label_mode}.")
    path = get_file(fname="cifar-100-python-target",
                    origin="https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz",
                    extract=True,
                    file_hash="85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7")
    path = os.path.join(path, "cifar-100-python")
    x_train, y_train = load_batch(os.path.join(path, "train"), label_key=f"{label_mode}_labels")
    x_test, y_test = load_batch(os.path.join(path, "test"), label_key=f"{label_mode}_labels")
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    if config.image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)
