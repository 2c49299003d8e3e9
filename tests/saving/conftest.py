"""Data shared by the saving tests (helpers: saving_helpers.py)."""

import numpy as np
import pytest


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    x = rng.random((96, 6), dtype=np.float32)
    y = (x.sum(axis=1, keepdims=True) > 3).astype(np.float32)
    return x, y
