import numpy as np
import pytest

import densefit as keras
from densefit.layers import Dense, Dropout


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    x = rng.random((96, 6), dtype=np.float32)
    y = (x.sum(axis=1, keepdims=True) > 3).astype(np.float32)
    return x, y


def small_model(seed=7, optimizer="adam", dropout=0.25):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([Dense(8, activation="relu", input_shape=(6,)), Dropout(dropout),
                              Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"])
    return model


def max_diff(a, b):
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b))
