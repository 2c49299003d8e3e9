"""One model serves predict_on_batch / model(x) / predict from 8 threads at once, with the
results each thread would get alone (the native pass takes no lock; each thread has its own
scratch)."""

import threading

import numpy as np

from serving_models import inputs, network_predict, w4_like


def test_eight_threads_share_one_model():
    model = w4_like(hidden=(128, 64))
    x = inputs(256, 48)
    expected = network_predict(model, x, 64)
    calls = [model.predict_on_batch, model, lambda v: model.predict(v, verbose=0)]
    errors, barrier = [], threading.Barrier(8)

    def serve(thread):
        barrier.wait()  # start together, so the calls overlap
        rng = np.random.default_rng(thread)
        for step in range(300):
            i = int(rng.integers(0, x.shape[0] - 8))
            rows = 1 if step % 3 else 8  # single rows and small batches interleaved
            out = calls[(thread + step) % 3](x[i:i + rows])
            if not np.array_equal(out, expected[i:i + rows]):
                errors.append((thread, step, i))

    threads = [threading.Thread(target=serve, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_large_batches_from_several_threads():
    model = w4_like()
    x = inputs(3000, 48)
    expected = network_predict(model, x, 500)
    results = [None] * 4

    def serve(k):
        results[k] = model.predict_on_batch(x)

    threads = [threading.Thread(target=serve, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for out in results:
        np.testing.assert_array_equal(out, expected)
