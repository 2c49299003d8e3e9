"""The CPU GEMM (built-in kernels and the BLAS path) against float64 NumPy, for every
transpose combination and for shapes on both sides of the small-product limit."""

import numpy as np
import pytest

SHAPES = [(1, 1, 1), (3, 5, 7), (32, 10, 100), (100, 10, 32), (32, 100, 10), (32, 1, 10),
          (17, 33, 9), (4, 16, 8), (128, 64, 300), (64, 257, 129)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("ta", [False, True])
@pytest.mark.parametrize("tb", [False, True])
def test_sgemm_matches_float64(core, shape, ta, tb):
    M, N, K = shape
    rng = np.random.default_rng(M * 1000 + N * 10 + K)
    a = rng.normal(size=(K, M) if ta else (M, K)).astype(np.float32)
    b = rng.normal(size=(N, K) if tb else (K, N)).astype(np.float32)
    want = (a.T if ta else a).astype(np.float64) @ (b.T if tb else b).astype(np.float64)
    got = core.sgemm(ta, tb, a, b)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * np.sqrt(K))


@pytest.mark.parametrize("limit", [0, 1 << 40])
def test_both_paths_agree(core, limit):
    """limit 0 sends everything to BLAS (when loaded), a huge limit to the built-in kernels."""
    old = core.small_gemm_limit()
    rng = np.random.default_rng(0)
    a = rng.normal(size=(48, 70)).astype(np.float32)
    b = rng.normal(size=(70, 24)).astype(np.float32)
    try:
        core.set_small_gemm_limit(limit)
        got = core.sgemm(False, False, a, b)
    finally:
        core.set_small_gemm_limit(old)
    np.testing.assert_allclose(got, a.astype(np.float64) @ b, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("shape", [(16, 256, 256), (9, 37, 45), (8, 8, 8), (5, 70, 3)])
def test_transposed_b_equals_the_transposed_copy_bitwise(core, shape):
    """On the built-in path B^T is transposed into a scratch copy (blocked, 8x8 register
    transposes): it must be exactly the product with B^T copied by NumPy."""
    M, N, K = shape
    rng = np.random.default_rng(N + K)
    a = rng.normal(size=(M, K)).astype(np.float32)
    b = rng.normal(size=(N, K)).astype(np.float32)
    old = core.small_gemm_limit()
    try:
        core.set_small_gemm_limit(1 << 40)  # the built-in kernels, not BLAS
        np.testing.assert_array_equal(core.sgemm(False, True, a, b),
                                      core.sgemm(False, False, a, np.ascontiguousarray(b.T)))
    finally:
        core.set_small_gemm_limit(old)
