"""Case runners over threads and signals (worker side).

torn_predictions: one thread swaps the model's weights between two sets (set_weights) while
    this one predicts: every prediction must be exactly the output of one set or the other,
    never a mix of the two (torn).
interrupt: Ctrl-C (SIGINT) during a long fit / evaluate / predict must raise
    KeyboardInterrupt promptly (within a quarter of the call's length, and at most a few
    seconds), not when the native call is done; afterwards the model still predicts right.
"""

import os
import signal
import threading
import time

import numpy as np

import densefit as keras
from densefit import layers as L

from fuzz_checks import traceback_text
from fuzz_models import build
from fuzz_oracle import close, forward
from fuzz_values import same, values


def _predict(model, x, how):
    if how == "predict_on_batch":
        return model.predict_on_batch(x)
    if how == "call":
        return model(x)
    return model.predict(x, verbose=0)


def torn_predictions(case, workdir):
    desc = case["model"]
    model = build(desc)
    first = model.get_weights()
    rng = np.random.default_rng(case["data_seed"])
    second = [rng.uniform(-0.8, 0.8, w.shape).astype(np.float32) for w in first]
    x = values(case["data_seed"], (case["n"],) + tuple(desc["input_shape"])).astype(np.float32)
    expected = []
    for weights in (first, second):
        model.set_weights(weights)
        expected.append(_predict(model, x, case["call"]))
    if same(expected[0], expected[1]):
        return []  # the two sets give one answer (e.g. a dead ReLU): nothing to tear
    stop, errors = threading.Event(), []

    def swap():
        try:
            while not stop.is_set():
                model.set_weights(second)
                model.set_weights(first)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(traceback_text(e))

    writer = threading.Thread(target=swap, daemon=True)
    writer.start()
    torn, worst = 0, 0.0
    try:
        for _ in range(case["iterations"]):
            out = _predict(model, x, case["call"])
            if not (same(out, expected[0]) or same(out, expected[1])):
                torn += 1
                worst = max(worst, float(np.min([np.max(np.abs(out - e)) for e in expected])))
    finally:
        stop.set()
        writer.join(10)
    violations = [f"set_weights in another thread raised: {e}" for e in errors]
    if torn:
        violations.append(f"{torn} of {case['iterations']} {case['call']} calls while another "
                          f"thread swapped the weights returned neither set's output (torn; "
                          f"off by up to {worst:.3g} from the nearer one)")
    return violations


def _long_call(kind, rows):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([L.InputLayer(shape=(512,)), L.Dense(1024, activation="relu"),
                              L.Dense(1024, activation="relu"), L.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = values(1, (rows, 512), -1, 1).astype(np.float32)
    y = np.zeros((rows, 1), np.float32)
    calls = {"fit": lambda: model.fit(x, y, batch_size=64, epochs=1, verbose=0, shuffle=False),
             "evaluate": lambda: model.evaluate(x, y, batch_size=64, verbose=0),
             "predict": lambda: model.predict(x, verbose=0)}
    return model, calls[kind]


def interrupt(case, workdir):
    kind = case["call"]
    # Calibrate: how long the call takes on a few batches, to size one that takes ~8 s.
    _, probe = _long_call(kind, 512)
    t0 = time.perf_counter()
    probe()
    per_row = (time.perf_counter() - t0) / 512
    rows = int(min(max(8.0 / max(per_row, 1e-9), 512), 1 << 17))
    model, call = _long_call(kind, rows)
    expected = per_row * rows
    bound = min(max(1.5, 0.25 * expected), 5.0)
    fired = {}

    def fire():
        fired["at"] = time.monotonic()
        os.kill(os.getpid(), signal.SIGINT)

    timer = threading.Timer(case.get("delay", 0.3), fire)
    outcome = {}
    try:
        try:
            timer.start()
            call()
            outcome["returned"] = time.monotonic()
            timer.join()
            time.sleep(0.2)  # a signal that came after the call is handled here
        except KeyboardInterrupt:
            outcome["interrupted"] = time.monotonic()
    except KeyboardInterrupt:
        outcome["interrupted"] = time.monotonic()
    timer.join()
    violations = []
    label = f"SIGINT {case.get('delay', 0.3)} s into {kind} (~{expected:.1f} s of work)"
    if "at" not in fired or "returned" in outcome and outcome["returned"] < fired["at"]:
        return []  # the call ended before the signal: nothing was measured
    if "interrupted" not in outcome:
        violations.append(f"{label}: no KeyboardInterrupt at all")
    else:
        late = outcome["interrupted"] - fired["at"]
        if "returned" in outcome:
            violations.append(f"{label}: the call ran to its end ({late:.1f} s after the "
                              f"signal) and only then raised KeyboardInterrupt")
        elif late > bound:
            violations.append(f"{label}: KeyboardInterrupt came {late:.1f} s after the signal "
                              f"(bound {bound:.1f} s)")
    x = values(2, (4, 512), -1, 1).astype(np.float32)
    try:
        out = model.predict(x, verbose=0)
    except Exception as e:  # noqa: BLE001
        return violations + [f"after {label}: predict raised {traceback_text(e)}"]
    desc = [{"kind": "dense", "units": 1024, "activation": "relu"},
            {"kind": "dense", "units": 1024, "activation": "relu"},
            {"kind": "dense", "units": 1, "activation": "linear"}]
    ref = forward(desc, model.get_weights(), x)
    if not close(out, ref)[0]:
        violations.append(f"after {label}: predict differs from the NumPy forward pass")
    return violations
