"""Measures this machine's float32 GEMM ceiling: NumPy `a @ b` on 2048 x 2048 float32 (NumPy's
BLAS, OpenBLAS in the wheels), best of several. `python -m bench.runners.gemm_runner`."""

import time

import numpy as np

from bench.runners.protocol import emit, parse_args

SIZE = 2048


def blas_info():
    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version')}".strip()
    except Exception:  # older NumPy: no dict mode
        return "unknown"


def main():
    args = parse_args(__doc__.splitlines()[0], workload=False)
    repeats = 2 if args.quick else 10
    rng = np.random.default_rng(0)
    a = rng.standard_normal((SIZE, SIZE), dtype=np.float32)
    b = rng.standard_normal((SIZE, SIZE), dtype=np.float32)
    out = np.empty((SIZE, SIZE), dtype=np.float32)
    np.matmul(a, b, out=out)  # warm-up: thread pool start, page faults
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        np.matmul(a, b, out=out)
        times.append(time.perf_counter() - t0)
    best = min(times)
    emit({"engine": "numpy-gemm", "size": SIZE, "repeats": repeats, "best_s": best,
          "gflops": 2 * SIZE ** 3 / best / 1e9, "blas": blas_info(), "threads": args.threads,
          "numpy": np.__version__})


if __name__ == "__main__":
    main()
