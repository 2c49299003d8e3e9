"""Engine settings: thread count, device selection, the BLAS hand-off."""

import numpy as np
import pytest

import densefit
from densefit import layers


def _train(threads, seed=7):
    densefit.config.set_num_threads(threads)
    densefit.utils.set_random_seed(seed)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(512, 300)).astype(np.float32)
    y = rng.integers(0, 5, size=(512,))
    model = densefit.Sequential([layers.Dense(200, activation="relu", input_shape=(300,)),
                                 layers.Dropout(0.2), layers.Dense(5, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, batch_size=64, verbose=0).history
    return history, model.get_weights()


def test_results_do_not_depend_on_the_thread_count():
    before = densefit.config.num_threads()
    try:
        (h1, w1), (h2, w2) = _train(1), _train(2)
    finally:
        densefit.config.set_num_threads(before)
    assert h1 == h2
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)


def test_set_num_threads_validates():
    with pytest.raises(ValueError, match="num_threads"):
        densefit.config.set_num_threads(0)


def test_cuda_device_reports_why_it_is_unavailable():
    if densefit._native.core.cuda_available():
        pytest.skip("this build has a usable CUDA backend")
    with pytest.raises(ValueError, match="CUDA"):
        densefit.config.set_device("cuda")
    densefit.config.set_device("auto")
    assert densefit.config.device() == "cpu"
    with pytest.raises(ValueError, match="device must be one of"):
        densefit.config.set_device("tpu")


def test_concurrent_predict_from_threads_is_correct():
    import threading

    rng = np.random.default_rng(0)
    model = densefit.Sequential([layers.Dense(64, activation="relu", input_shape=(20,)),
                                 layers.Dense(3)])
    inputs = [rng.normal(size=(n, 20)).astype(np.float32) for n in (1, 7, 33, 100)]
    expected = [model.predict(x, verbose=0) for x in inputs]
    failures = []

    def worker(k):
        for _ in range(30):
            x = inputs[k % len(inputs)]
            if not np.array_equal(model.predict_on_batch(x), expected[k % len(inputs)]):
                failures.append(k)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
