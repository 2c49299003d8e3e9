"""keras.datasets.california_housing: 20,640 California block groups (1990 census), 8 features
and the median house value in dollars; version="small" keeps the first 600."""

import numpy as np

from densefit.datasets._cache import ORIGIN_FOLDER, get_file
from densefit.datasets._housing import check_test_split, shuffle_split


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """`(x_train, y_train), (x_test, y_test)`: `(n, 8)` samples and `(n,)` targets, shuffled
    with `np.random.RandomState(seed)`, the last `test_split` fraction as test."""
    check_test_split(test_split)
    if version not in ("small", "large"):
        raise ValueError("Argument `version` must be one of 'small', 'large'. "
                         f"Received: version={version}")
    path = get_file(path, origin=f"{ORIGIN_FOLDER}california_housing.npz",
                    file_hash="1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f")
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    if version == "small":
        x, y = x[:600], y[:600]
    return shuffle_split(x, y, test_split, seed)
