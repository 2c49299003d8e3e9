"""What callbacks cost (issue 4): the seed binary example (W1, 32 steps per epoch) trained
with no callback, with an empty Callback subclass, and with one overriding
on_train_batch_end, side by side in one process; rounds are interleaved so machine noise
hits every variant alike. Reports each variant's epoch time as a ratio to no callback, and the
per-batch overhead of the batch hook next to the cost of the Python call it makes.

    PYTHONPATH=python python -m bench.callback_cost [--rounds 30] [--epochs 20] [--out bench/results]
"""

import argparse
import datetime
import json
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import machine  # noqa: E402
from bench.workloads import WORKLOADS, make_data  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def _variants(densefit):
    class Empty(densefit.callbacks.Callback):
        pass

    class BatchEnd(densefit.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            pass

    return {"no callback": lambda: [], "empty Callback subclass": lambda: [Empty()],
            "on_train_batch_end override": lambda: [BatchEnd()]}


def _model(densefit, workload):
    model = densefit.Sequential([densefit.Input(shape=workload.input_shape)]
                                + [densefit.layers.Dense(h, activation="relu")
                                   for h in workload.hidden]
                                + [densefit.layers.Dense(workload.outputs,
                                                         activation=workload.output_activation)])
    model.compile("adam", workload.loss)
    return model


def _python_call_cost(logs_keys=1, calls=200_000):
    """One on_train_batch_end call as CallbackList makes it: a bound-method call with a
    batch index and a fresh logs dict."""
    class C:
        def on_train_batch_end(self, batch, logs=None):
            pass

    hook = C().on_train_batch_end
    t0 = time.perf_counter()
    for i in range(calls):
        hook(i, {"loss": 0.0})
    return (time.perf_counter() - t0) / calls


def measure(rounds, epochs):
    import densefit

    workload = WORKLOADS["W1"]
    x, y = make_data(workload)
    steps = -(-x.shape[0] // workload.batch_size)
    variants = _variants(densefit)
    model = _model(densefit, workload)
    model.fit(x, y, epochs=2, batch_size=workload.batch_size, verbose=0)  # warm-up
    times = {name: [] for name in variants}
    for _ in range(rounds):
        for name, make in variants.items():
            callbacks = make()
            t0 = time.perf_counter()
            model.fit(x, y, epochs=epochs, batch_size=workload.batch_size, verbose=0,
                      callbacks=callbacks)
            times[name].append((time.perf_counter() - t0) / epochs)
    epoch = {name: statistics.median(t) for name, t in times.items()}
    base = epoch["no callback"]
    batch_overhead = (epoch["on_train_batch_end override"] - base) / steps
    return {
        "workload": f"W1 ({workload.title}), {x.shape[0]} samples, batch "
                    f"{workload.batch_size}, {steps} steps per epoch",
        "rounds": rounds, "epochs_per_fit": epochs,
        "epoch_seconds": epoch,
        "ratio_to_no_callback": {name: t / base for name, t in epoch.items()},
        "batch_hook_overhead_seconds_per_batch": batch_overhead,
        "python_hook_call_seconds": _python_call_cost(),
    }


def write_report(result, out):
    out.mkdir(parents=True, exist_ok=True)
    name = f"{datetime.date.today().isoformat()}-callback-cost"
    (out / f"{name}.json").write_text(json.dumps({"machine": machine.details(REPO), **result},
                                                 indent=2))
    lines = [f"# Callback cost ({datetime.date.today().isoformat()})", "",
             f"{result['workload']}; median over {result['rounds']} interleaved rounds of "
             f"{result['epochs_per_fit']}-epoch fits.", "",
             "| variant | epoch (ms) | ratio to no callback |", "|---|---|---|"]
    for variant, seconds in result["epoch_seconds"].items():
        lines.append(f"| {variant} | {seconds * 1e3:.3f} | "
                     f"{result['ratio_to_no_callback'][variant]:.3f} |")
    lines += ["", f"Batch hook overhead: {result['batch_hook_overhead_seconds_per_batch'] * 1e6:.2f}"
                  f" µs per batch; one bare Python hook call with a logs dict: "
                  f"{result['python_hook_call_seconds'] * 1e6:.2f} µs.",
              "Targets (issue 4): empty subclass < 1.02; the override costs only its own call."]
    (out / f"{name}.md").write_text("\n".join(lines) + "\n")
    return out / f"{name}.md"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.callback_cost")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--out", default=str(REPO / "bench" / "results"))
    args = parser.parse_args(argv)
    result = measure(args.rounds, args.epochs)
    print(json.dumps(result, indent=2))
    print("wrote", write_report(result, Path(args.out)))


if __name__ == "__main__":
    main()
