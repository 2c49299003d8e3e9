"""GEMM candidates on the shapes densefit's training steps actually run: the built-in AVX2
kernels vs OpenBLAS (scipy-openblas32), one thread and all threads. Chooses the small-product
limit; the table goes to docs/cpu-gemm.md.

    PYTHONPATH=python python -m bench.gemm_shapes
"""

import time

import numpy as np

from densefit import config
from densefit._native import core

# (workload, what, M, N, K, trans_a, trans_b): forward X·W, dW = X^T·dZ, dX = dZ·W^T.
SHAPES = [
    ("W1", "fwd 100->10", 32, 10, 100, False, False),
    ("W1", "dW 100x10", 100, 10, 32, True, False),
    ("W2", "fwd 3072->64", 32, 64, 3072, False, False),
    ("W2", "dW 3072x64", 3072, 64, 32, True, False),
    ("W4", "fwd 784->256", 128, 256, 784, False, False),
    ("W4", "dW 784x256", 784, 256, 128, True, False),
    ("W4", "dX 256->256", 128, 256, 256, False, True),
    ("W5", "fwd 1024->1024", 512, 1024, 1024, False, False),
    ("W5", "dW 1024x1024", 1024, 1024, 512, True, False),
    ("W5", "dX 1024->1024", 512, 1024, 1024, False, True),
]
BIG = 1 << 62


def time_gemm(a, b, ta, tb, seconds=0.3):
    core.sgemm(ta, tb, a, b)
    reps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        core.sgemm(ta, tb, a, b)
        reps += 1
    return (time.perf_counter() - start) / reps


def main():
    rng = np.random.default_rng(0)
    threads = config.num_threads()
    old_limit = core.small_gemm_limit()
    rows = []
    for wl, what, M, N, K, ta, tb in SHAPES:
        a = rng.normal(size=(K, M) if ta else (M, K)).astype(np.float32)
        b = rng.normal(size=(N, K) if tb else (K, N)).astype(np.float32)
        flop = 2.0 * M * N * K
        row = [wl, what, f"{M}x{N}x{K}"]
        for n_threads in (1, threads):
            config.set_num_threads(n_threads)
            for limit in (BIG, 0):
                core.set_small_gemm_limit(limit)
                row.append(flop / time_gemm(a, b, ta, tb) / 1e9)
        rows.append(row)
    core.set_small_gemm_limit(old_limit)
    config.set_num_threads(threads)
    head = ["workload", "product", "MxNxK", "built-in 1t", "OpenBLAS 1t",
            f"built-in {threads}t", f"OpenBLAS {threads}t"]
    print("GFLOP/s (higher is better), row slices split over densefit's pool\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        print("| " + " | ".join(r[:3] + [f"{v:.1f}" for v in r[3:]]) + " |")


if __name__ == "__main__":
    main()
