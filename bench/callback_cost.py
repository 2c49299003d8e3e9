"""What callbacks cost (issue 4): the seed binary example (W1, 32 steps per epoch) trained
with no callback, with an empty Callback subclass, and with one overriding
on_train_batch_end, side by side in one process; rounds are interleaved so machine noise
hits every variant alike. Reports each variant's epoch time as a ratio to no callback, and the
per-batch overhead of the batch hook next to the cost of the Python call it makes.

    PYTHONPATH=python python -m bench.callback_cost [--rounds 30] [--epochs 20] [--out bench/results]
"""

import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import cost_rounds  # noqa: E402
from bench.runners.keras_api import build_model  # noqa: E402


def _variants(densefit):
    class Empty(densefit.callbacks.Callback):
        pass

    class BatchEnd(densefit.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            pass

    return {"no callback": lambda: [], "empty Callback subclass": lambda: [Empty()],
            "on_train_batch_end override": lambda: [BatchEnd()]}


def _python_call_cost(calls=200_000):
    """One on_train_batch_end call as CallbackList makes it for W1 (whose logs hold only the
    loss): a bound-method call with a batch index and a fresh logs dict with a new float."""
    class C:
        def on_train_batch_end(self, batch, logs=None):
            pass

    hook = C().on_train_batch_end
    loss = 0.5
    t0 = time.perf_counter()
    for i in range(calls):
        hook(i, logs={"loss": loss * 1.0})  # logs by keyword, as CallbackList passes them
    return (time.perf_counter() - t0) / calls


def measure(rounds, epochs):
    import densefit

    workload, x, y, steps = cost_rounds.w1()
    variants = _variants(densefit)
    model = build_model(densefit, workload)  # one model; each fit gets its variant's callbacks
    epoch, _ = cost_rounds.interleaved_fits(
        {name: model for name in variants}, x, y, rounds=rounds, epochs=epochs,
        batch_size=workload.batch_size,
        fit_args={name: (lambda make=make: {"callbacks": make()}) for name, make in variants.items()})
    base = epoch["no callback"]
    batch_overhead = (epoch["on_train_batch_end override"] - base) / steps
    return {
        **cost_rounds.summary(workload, x, steps, rounds, epochs, epoch),
        "ratio_to_no_callback": {name: t / base for name, t in epoch.items()},
        "batch_hook_overhead_seconds_per_batch": batch_overhead,
        "python_hook_call_seconds": _python_call_cost(),
    }


def write_report(result, out):
    return cost_rounds.write_report(
        result, out, slug="callback-cost", title="Callback cost", fits_note="",
        column="variant", ratio_key="ratio_to_no_callback",
        footer=[f"Batch hook overhead: {result['batch_hook_overhead_seconds_per_batch'] * 1e6:.2f}"
                f" µs per batch; the hook's own Python call (index and a fresh logs dict): "
                f"{result['python_hook_call_seconds'] * 1e6:.2f} µs.",
                "Targets (issue 4): empty subclass < 1.02; the override costs only its own call."])


def main(argv=None):
    cost_rounds.main("python -m bench.callback_cost", measure, write_report, argv)


if __name__ == "__main__":
    main()
