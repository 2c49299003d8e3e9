"""Ctrl-C reaches a long native call within a batch, in every mode, and leaves the model
consistent; a SIGINT handler that does not raise lets the call finish with the results of
an uninterrupted one.

Each case runs in a child process that the parent sends SIGINT once the call has started
(the child says so on stderr); the child reports how the call ended and checks the model
afterwards. Without the interrupt path a call runs to its end: many seconds for these sizes.
"""

import os
import select
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from densefit import _cuda_loader

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

# Far below what the calls take uninterrupted (fit: tens of seconds, evaluate and predict
# several), far above one batch (well under a millisecond here).
BOUND_S = 1.0
# Sent this long after the child says the call started, so it is inside the native loop.
DELAY_S = 0.3

PRELUDE = textwrap.dedent("""
    import os, signal, sys, threading, time
    import numpy as np
    import densefit as keras

    def say(*words):
        print(*words, file=sys.stderr, flush=True)

    def make_model():
        keras.utils.set_random_seed(1)
        model = keras.Sequential([keras.Input((32,)),
                                  keras.layers.Dense(256, activation="relu"),
                                  keras.layers.Dense(256, activation="relu"),
                                  keras.layers.Dense(1)])
        model.compile(keras.optimizers.SGD(0.01), "mse", metrics=["mae"])
        return model

    def data(rows):
        rng = np.random.default_rng(0)
        x = rng.random((rows, 32), dtype=np.float32) - 0.5
        return x, (x[:, :1] * 0.5 + 0.1).astype(np.float32)

    class Started(keras.callbacks.Callback):
        def on_train_begin(self, logs=None): say("STARTED")
        def on_test_begin(self, logs=None): say("STARTED")
        def on_predict_begin(self, logs=None): say("STARTED")

    class BatchListener(Started):  # batch hooks: the native loop calls back between batches
        def on_train_batch_end(self, batch, logs=None): pass
        def on_test_batch_end(self, batch, logs=None): pass
        def on_predict_batch_end(self, batch, logs=None): pass
""")

INTERRUPTED_CHILD = PRELUDE + textwrap.dedent("""
    mode, verbose, hooks = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "hooks"
    x, y = data(1_000_000)
    model = make_model()
    model.predict(x[:8], verbose=0)  # built, first-call work done
    callbacks = [BatchListener() if hooks else Started()]
    calls = {
        "fit": lambda: model.fit(x, y, batch_size=32, verbose=verbose, callbacks=callbacks),
        "evaluate": lambda: model.evaluate(x, y, verbose=verbose, callbacks=callbacks),
        "predict": lambda: model.predict(x, verbose=verbose, callbacks=callbacks),
        # The serving path: no callbacks, so the child says it started just before.
        "predict_fast": lambda: (say("STARTED"), model.predict(x, verbose=0)),
        "predict_on_batch": lambda: (say("STARTED"), model.predict_on_batch(x)),
        "call": lambda: (say("STARTED"), model(x)),
    }
    try:
        calls[mode]()
        say("FINISHED")
    except KeyboardInterrupt:
        say("INTERRUPTED")
    # Consistent afterwards: finite outputs, equal to a fresh model given the same weights,
    # and the model still trains.
    weights = model.get_weights()
    assert all(np.isfinite(w).all() for w in weights)
    # Stopped between batches: as many optimizer updates as steps taken.
    net = model._network
    assert not net.compiled or net.apply_count == net.steps_taken
    model.set_weights(weights)  # a writer: it would wait forever on a pass left pinned
    fresh = make_model()
    fresh.set_weights(weights)
    quiet = [keras.callbacks.Callback()]  # predict_run, which both backends have
    got = model.predict(x[:1000], verbose=0, callbacks=quiet)
    assert np.isfinite(got).all()
    assert np.array_equal(got, fresh.predict(x[:1000], verbose=0, callbacks=quiet))
    if os.environ["DENSEFIT_DEVICE"] == "cpu":  # and the serving pass
        assert np.array_equal(model.predict(x[:1000], verbose=0), got)
    model.fit(x[:64], y[:64], batch_size=16, verbose=0)
    say("CONSISTENT")
""")

_NO_CUDA = _cuda_loader.unavailable_reason(0)
_CUDA = [pytest.mark.gpu, pytest.mark.skipif(_NO_CUDA is not None, reason=f"no CUDA device: {_NO_CUDA}")]
CASES = [
    ("fit", 0, "no"), ("fit", 1, "no"), ("fit", 2, "no"), ("fit", 0, "hooks"),
    ("evaluate", 0, "no"), ("evaluate", 1, "no"), ("evaluate", 0, "hooks"),
    ("predict", 0, "no"), ("predict", 1, "no"), ("predict", 2, "no"), ("predict", 0, "hooks"),
    ("predict_fast", 0, "no"), ("predict_on_batch", 0, "no"), ("call", 0, "no"),
]
CASES = [case + ("cpu",) for case in CASES] + [
    pytest.param(mode, 0, "no", "cuda", marks=_CUDA) for mode in ("fit", "evaluate", "predict")]


def _env(device):
    return dict(os.environ, DENSEFIT_NUM_THREADS="1", DENSEFIT_DEVICE=device)


def _read_line(proc, deadline):
    """The child's next stderr line, or None at the deadline."""
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([proc.stderr], [], [], left)[0]:
            return None
        line = proc.stderr.readline()
        if not line:
            return ""  # the child exited
        return line


def _wait_for(proc, marker, deadline, lines):
    while True:
        line = _read_line(proc, deadline)
        if line is None or line == "":
            return False
        lines.append(line)
        if line.strip() == marker:
            return True


@pytest.mark.parametrize("mode,verbose,hooks,device", CASES)
def test_sigint_interrupts_within_a_batch_and_leaves_the_model_consistent(mode, verbose, hooks,
                                                                          device):
    proc = subprocess.Popen([sys.executable, "-c", INTERRUPTED_CHILD, mode, str(verbose), hooks],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=_env(device))
    lines = []
    try:
        assert _wait_for(proc, "STARTED", time.monotonic() + 120, lines), "".join(lines)
        time.sleep(DELAY_S)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        # Whether the call ended by the signal or not, it must end within the bound.
        line = _read_line(proc, sent + 60)
        took = time.monotonic() - sent
        lines.append(line or "")
        assert line is not None and line.strip() == "INTERRUPTED", "".join(lines)
        assert took < BOUND_S, f"KeyboardInterrupt came {took:.2f} s after SIGINT"
        assert _wait_for(proc, "CONSISTENT", time.monotonic() + 120, lines), "".join(lines)
        assert proc.wait(timeout=60) == 0, "".join(lines) + proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# A handler that only counts: every call must finish with the results of a run that no
# signal reached. A thread of the child sends it SIGINT every few milliseconds meanwhile,
# so many signals land inside native loops (each one stops the loop and resumes it).
COUNTING_CHILD = PRELUDE + textwrap.dedent("""
    x, y = data(40_000)
    counted = [0]
    signal.signal(signal.SIGINT, lambda signum, frame: counted.__setitem__(0, counted[0] + 1))

    def pestered(call):
        stop = threading.Event()
        def pester():
            while not stop.wait(0.005):
                os.kill(os.getpid(), signal.SIGINT)
        before = counted[0]
        thread = threading.Thread(target=pester)
        thread.start()
        try:
            return call()
        finally:
            stop.set()
            thread.join()
            time.sleep(0.05)  # the last signal's handler runs before the count is read
            assert counted[0] > before, "no signal was handled"

    def run_all(call):
        model = make_model()
        out = {}
        out["fit"] = call(lambda: model.fit(x, y, batch_size=32, epochs=2, verbose=0).history)
        out["fit_hooks"] = call(lambda: model.fit(x, y, batch_size=32, verbose=0,
                                                  callbacks=[BatchListener()]).history)
        out["weights"] = model.get_weights()
        out["evaluate"] = call(lambda: model.evaluate(x, y, verbose=0, return_dict=True))
        out["predict"] = call(lambda: model.predict(x, verbose=0))
        out["predict_run"] = call(lambda: model.predict(x, verbose=0, callbacks=[Started()]))
        out["predict_on_batch"] = call(lambda: model.predict_on_batch(x))
        return out

    plain = run_all(lambda f: f())
    signalled = run_all(pestered)
    for key in plain:
        a, b = plain[key], signalled[key]
        if key == "weights":
            assert all(np.array_equal(p, q) for p, q in zip(a, b)), key
        elif isinstance(a, dict):
            assert a == b, (key, a, b)
        else:
            assert np.array_equal(a, b), key
    say("SIGNALS", counted[0])
    say("EQUAL")
""")


def test_a_handler_that_does_not_raise_lets_every_call_finish_as_if_no_signal_came():
    proc = subprocess.run([sys.executable, "-c", COUNTING_CHILD], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, timeout=300, env=_env("cpu"))
    assert proc.returncode == 0 and "EQUAL" in proc.stderr, proc.stderr[-4000:]
