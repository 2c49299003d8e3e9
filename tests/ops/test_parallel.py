"""The CPU pool under load: many back-to-back parallel jobs of different sizes, from several
Python threads at once, give bit-identical results."""

import threading

import numpy as np


def test_back_to_back_parallel_gemms_are_bit_identical(core):
    rng = np.random.default_rng(0)
    shapes = [(256, 64, 512), (40, 300, 64), (512, 16, 128)]
    mats = [(rng.normal(size=(m, k)).astype(np.float32), rng.normal(size=(k, n)).astype(np.float32))
            for m, n, k in shapes]
    expected = [core.sgemm(False, False, a, b) for a, b in mats]
    for _ in range(200):
        for (a, b), want in zip(mats, expected):
            np.testing.assert_array_equal(core.sgemm(False, False, a, b), want)


def test_parallel_jobs_from_many_threads(core):
    rng = np.random.default_rng(1)
    a = rng.normal(size=(300, 200)).astype(np.float32)
    b = rng.normal(size=(200, 100)).astype(np.float32)
    want = core.sgemm(False, False, a, b)
    failures = []

    def worker():
        for _ in range(50):
            if not np.array_equal(core.sgemm(False, False, a, b), want):
                failures.append(1)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures


def test_resizing_the_pool_between_jobs(core):
    rng = np.random.default_rng(2)
    a = rng.normal(size=(256, 128)).astype(np.float32)
    b = rng.normal(size=(128, 256)).astype(np.float32)
    before = core.num_threads()
    try:
        results = []
        for n in (1, 2, 3, 1, 4, 2):
            core.set_num_threads(n)
            results.append(core.sgemm(False, False, a, b))
    finally:
        core.set_num_threads(before)
    for r in results[1:]:
        np.testing.assert_array_equal(r, results[0])
