"""Real Keras 3 (JAX backend) as the oracle for parity tests."""

import os

import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")


def keras():
    """The real keras module, or skip the test when the test extras are not installed."""
    mod = pytest.importorskip("keras")
    if mod.backend.backend() != "jax":
        pytest.skip("parity tests compare against Keras on its JAX backend")
    return mod
