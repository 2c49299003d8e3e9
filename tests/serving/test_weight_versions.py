"""Readers while the weights change: every answer of predict_on_batch / model(x) / predict /
the engine's predict_run is the forward pass of ONE whole weight version (one set_weights call,
one load_weights, one fit execution...), never a mix of two, and a thread that has just written
the weights reads them back (docs/serving.md, "Weights that change while serving")."""

import sys
import threading

import numpy as np
import pytest

import densefit as keras
from serving_models import inputs, network_predict, w4_like

READERS = 4


@pytest.fixture(autouse=True)
def _switch_often():
    # Python hands the GIL over every 5 ms: a writer would finish hundreds of writes between
    # two reads. Switching often lets the reads land inside the writes.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(interval)


def _other_weights(model, seed):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-0.3, 0.3, w.shape).astype(np.float32) for w in model.get_weights()]


def _reference(model, weights, x):
    """What each version must give: the engine's own pass under those weights, as bytes."""
    model.set_weights(weights)
    return network_predict(model, x, 64).tobytes()


def _serve_while(model, x, write, calls=300):
    """READERS threads serve x for as long as write(done) runs on its own thread, and each at
    least `calls` times; done() tells the writer whether they all have. Returns every answer
    (as bytes)."""
    ways = [model.predict_on_batch, model, lambda v: model.predict(v, verbose=0),
            lambda v: network_predict(model, v, 64)]  # the engine's locked pass too
    answers, writing, enough = [], threading.Event(), threading.Semaphore(0)
    writing.set()
    counted = []

    def serve(k):
        i = 0
        while i < calls or writing.is_set():
            out = ways[(k + i) % len(ways)](x)
            answers.append(np.asarray(out, dtype=np.float32).tobytes())
            i += 1
            if i == calls:
                enough.release()

    def done():
        while enough.acquire(blocking=False):
            counted.append(1)
        return len(counted) == READERS

    def writer():
        try:
            write(done)
        finally:
            writing.clear()

    threads = [threading.Thread(target=serve, args=(k,)) for k in range(READERS)]
    threads.append(threading.Thread(target=writer))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def _assert_whole(answers, versions):
    assert answers
    torn = sum(a not in versions for a in answers)
    assert torn == 0, f"{torn} of {len(answers)} answers match no weight version"


def _flip(write_a, write_b):
    """A writer for _serve_while: write_b, write_a, write_b... until the readers are through."""
    def write(done):
        i = 0
        while not done() or i < 20:
            (write_b if i % 2 == 0 else write_a)()
            i += 1
    return write


def test_readers_never_see_half_of_set_weights():
    model = w4_like(hidden=(96, 64))
    x = inputs(3, 48)  # few rows: the serving pass's one-row kernel
    a, b = model.get_weights(), _other_weights(model, 5)
    versions = {_reference(model, a, x), _reference(model, b, x)}
    model.set_weights(a)
    write = _flip(lambda: model.set_weights(a), lambda: model.set_weights(b))
    _assert_whole(_serve_while(model, x, write, calls=1000), versions)


def test_batches_and_layer_set_weights_are_whole_versions():
    # 40 rows take the GEMM path; Layer.set_weights writes one layer as one version.
    model = w4_like(hidden=(96, 64))
    x = inputs(40, 48)
    layer = model.layers[1]
    a = model.get_weights()
    b_layer = _other_weights(model, 6)[2:4]
    versions = {_reference(model, a, x), _reference(model, a[:2] + b_layer + a[4:], x)}
    model.set_weights(a)
    write = _flip(lambda: layer.set_weights(a[2:4]), lambda: layer.set_weights(b_layer))
    _assert_whole(_serve_while(model, x, write), versions)


def test_load_weights_is_one_version(tmp_path):
    model = w4_like(hidden=(96, 64))
    x = inputs(3, 48)
    a, b = model.get_weights(), _other_weights(model, 7)
    paths = []
    for name, weights in (("a", a), ("b", b)):
        model.set_weights(weights)
        paths.append(str(tmp_path / f"{name}.weights.h5"))
        model.save_weights(paths[-1])
    versions = {_reference(model, a, x), _reference(model, b, x)}
    model.set_weights(a)
    write = _flip(lambda: model.load_weights(paths[0]), lambda: model.load_weights(paths[1]))
    _assert_whole(_serve_while(model, x, write, calls=100), versions)


def test_the_writing_thread_reads_its_own_weights():
    # Other threads keep the model busy (their reads pin versions), yet each read that follows
    # a write on the same thread sees that write, never an older version.
    model = w4_like(hidden=(96, 64))
    x = inputs(3, 48)
    a, b = model.get_weights(), _other_weights(model, 8)
    expected = [np.frombuffer(_reference(model, w, x), dtype=np.float32) for w in (a, b)]
    versions = {e.tobytes() for e in expected}
    wrong = []

    def write(done):
        i = 0
        while not done() or i < 100:
            weights, want = (a, b)[i % 2], expected[i % 2]
            model.set_weights(weights)
            for got in (model.predict_on_batch(x), model(x), model.predict(x, verbose=0)):
                if not np.array_equal(np.ravel(got), want):
                    wrong.append(("set_weights", i))
            model.weights[0].assign(weights[0])  # the same value: one more version
            if not np.array_equal(np.ravel(model.predict_on_batch(x)), want):
                wrong.append(("assign", i))
            if not all(np.array_equal(g, w) for g, w in zip(model.get_weights(), weights)):
                wrong.append(("get_weights", i))
            i += 1

    _assert_whole(_serve_while(model, x, write), versions)
    assert wrong == []


class _RecordVersions(keras.callbacks.Callback):
    """At each batch end (steps_per_execution=1: after each optimizer step) keeps the weights,
    and what predict_on_batch gives the hook's own thread, which must be those weights'."""

    def __init__(self, x):
        super().__init__()
        self.x = x
        self.versions, self.own = [], []

    def on_train_batch_end(self, batch, logs=None):
        self.versions.append(self.model.get_weights())
        self.own.append(self.model.predict_on_batch(self.x).tobytes())


def test_readers_during_fit_see_whole_steps():
    # Steps long enough (> 200 us) that the hooked run releases the GIL while it trains.
    model = w4_like(hidden=(256, 256))
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="sparse_categorical_crossentropy",
                  steps_per_execution=1)
    x = inputs(3, 48)
    train_x = inputs(640, 48, seed=3)
    train_y = np.random.default_rng(4).integers(0, 10, 640)
    initial = model.get_weights()
    record = _RecordVersions(x)

    def write(done):
        model.fit(train_x, train_y, batch_size=32, epochs=3, verbose=0, callbacks=[record])

    answers = _serve_while(model, x, write, calls=100)
    assert len(record.versions) == 60
    refs = [_reference(model, w, x) for w in [initial] + record.versions]
    assert all(np.isfinite(np.frombuffer(a, dtype=np.float32)).all() for a in answers)
    _assert_whole(answers, set(refs))
    # The hook thread read the newest version each time, not an older snapshot.
    assert [own == ref for own, ref in zip(record.own, refs[1:])] == [True] * 60


def test_write_params_checks_its_arguments_before_writing():
    model = w4_like()
    net = model._network
    before = net.params.copy()
    with pytest.raises(ValueError, match="offset"):
        net.write_params([(0, np.ones(3, np.float32)), (net.num_params - 1, np.ones(2, np.float32))])
    with pytest.raises(ValueError, match="offset"):
        net.write_params([(-1, np.ones(1, np.float32))])
    with pytest.raises((TypeError, ValueError)):
        net.write_params([(0, "not numbers")])
    np.testing.assert_array_equal(net.params, before)  # nothing was written
    with pytest.raises(ValueError, match="offset"):
        net.read_params(net.num_params - 1, 2)
    np.testing.assert_array_equal(net.read_params(), before)
    np.testing.assert_array_equal(net.read_params(3, 4), before[3:7])
    with pytest.raises(ValueError, match="shape"):
        model.weights[0].assign(np.ones((2, 2), np.float32))
    with pytest.raises(ValueError, match="weights"):
        model.set_weights(model.get_weights()[:-1])
    np.testing.assert_array_equal(net.params, before)
