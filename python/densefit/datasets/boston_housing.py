"""keras.datasets.boston_housing: 506 samples of 13 attributes of Boston suburbs in the 1970s
and the median house value (k$). Keras warns against its use (a variable built on racial
segregation); california_housing(version="small") is its replacement."""

import numpy as np

from densefit.datasets._cache import ORIGIN_FOLDER, get_file
from densefit.datasets._housing import check_test_split, shuffle_split


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """`(x_train, y_train), (x_test, y_test)`: float64 `(n, 13)` samples and `(n,)` targets,
    shuffled with `np.random.RandomState(seed)`, the last `test_split` fraction as test."""
    check_test_split(test_split)
    path = get_file(path, origin=f"{ORIGIN_FOLDER}boston_housing.npz",
                    file_hash="f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5")
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    return shuffle_split(x, y, test_split, seed)
