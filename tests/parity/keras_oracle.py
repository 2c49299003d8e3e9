"""Real Keras 3 (JAX backend) as the oracle for parity tests."""

import os

import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
# XLA's CPU matmuls split work over threads in ways that can change summation order between
# runs; one thread keeps the oracle deterministic, so a parity failure is densefit's.
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false "
                                   "intra_op_parallelism_threads=1")


def keras():
    """The real keras module, or skip the test when the test extras are not installed."""
    mod = pytest.importorskip("keras")
    if mod.backend.backend() != "jax":
        pytest.skip("parity tests compare against Keras on its JAX backend")
    return mod
