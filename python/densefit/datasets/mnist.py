"""keras.datasets.mnist: 60,000 + 10,000 28x28 grayscale digits, from Keras's `mnist.npz`."""

import numpy as np

from densefit.datasets._cache import ORIGIN_FOLDER, get_file


def load_data(path="mnist.npz"):
    """`(x_train, y_train), (x_test, y_test)`: uint8 images `(60000, 28, 28)` and
    `(10000, 28, 28)`, uint8 labels 0-9. `path` is the file's name in the cache
    (`~/.keras/datasets`)."""
    path = get_file(fname=path, origin=f"{ORIGIN_FOLDER}mnist.npz",
                    file_hash="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1")
    with np.load(path, allow_pickle=False) as f:
        x_train, y_train = f["x_train"], f["y_train"]
        x_test, y_test = f["x_test"], f["y_test"]
    return (x_train, y_train), (x_test, y_test)
