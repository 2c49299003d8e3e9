"""What metrics cost (issue 5): the seed binary example (W1, 32 steps per epoch) trained with
the loss only and with metrics=['accuracy', Precision(), Recall(), AUC()], side by side in
one process; rounds are interleaved so machine noise hits every variant alike. Reports each
variant's median epoch time and its ratio to the loss-only epoch (target: < 1.15).

    PYTHONPATH=python python -m bench.metrics_cost [--rounds 30] [--epochs 20] [--out bench/results]
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
from bench.workloads import INIT_SEED, WORKLOADS, make_data  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def _variants(densefit):
    m = densefit.metrics
    return {
        "loss only": lambda: None,
        "accuracy": lambda: ["accuracy"],
        "accuracy, Precision, Recall, AUC": lambda: ["accuracy", m.Precision(), m.Recall(),
                                                     m.AUC()],
    }


def _model(densefit, workload, metrics):
    densefit.utils.set_random_seed(INIT_SEED)
    model = densefit.Sequential([densefit.Input(shape=workload.input_shape)]
                                + [densefit.layers.Dense(h, activation="relu")
                                   for h in workload.hidden]
                                + [densefit.layers.Dense(workload.outputs,
                                                         activation=workload.output_activation)])
    model.compile("adam", workload.loss, metrics=metrics)
    return model


def measure(rounds, epochs):
    import densefit

    workload = WORKLOADS["W1"]
    x, y = make_data(workload)
    steps = -(-x.shape[0] // workload.batch_size)
    models = {name: _model(densefit, workload, make()) for name, make in _variants(densefit).items()}
    for model in models.values():  # warm-up: compile natively, first-touch the buffers
        model.fit(x, y, epochs=2, batch_size=workload.batch_size, verbose=0)
    times = {name: [] for name in models}
    last_logs = {}
    for _ in range(rounds):
        for name, model in models.items():
            t0 = time.perf_counter()
            history = model.fit(x, y, epochs=epochs, batch_size=workload.batch_size, verbose=0)
            times[name].append((time.perf_counter() - t0) / epochs)
            last_logs[name] = {k: float(v[-1]) for k, v in history.history.items()}
    epoch = {name: statistics.median(t) for name, t in times.items()}
    base = epoch["loss only"]
    return {
        "workload": f"W1 ({workload.title}), {x.shape[0]} samples, batch "
                    f"{workload.batch_size}, {steps} steps per epoch",
        "rounds": rounds, "epochs_per_fit": epochs,
        "epoch_seconds": epoch,
        "ratio_to_loss_only": {name: t / base for name, t in epoch.items()},
        "last_epoch_logs": last_logs,
    }


def write_report(result, out):
    out.mkdir(parents=True, exist_ok=True)
    name = f"{datetime.date.today().isoformat()}-metrics-cost"
    (out / f"{name}.json").write_text(json.dumps({"machine": machine.details(REPO), **result},
                                                 indent=2) + "\n")
    lines = [f"# Metrics cost ({datetime.date.today().isoformat()})", "",
             f"{result['workload']}; median over {result['rounds']} interleaved rounds of "
             f"{result['epochs_per_fit']}-epoch fits (`verbose=0`, one native call per epoch).",
             "", "| metrics | epoch (ms) | ratio to loss only |", "|---|---|---|"]
    for variant, seconds in result["epoch_seconds"].items():
        lines.append(f"| {variant} | {seconds * 1e3:.3f} | "
                     f"{result['ratio_to_loss_only'][variant]:.3f} |")
    ratio = result["ratio_to_loss_only"]["accuracy, Precision, Recall, AUC"]
    lines += ["", f"Target (issue 5): accuracy, Precision, Recall, AUC cost under 15% of the "
                  f"epoch: ratio {ratio:.3f} ({'PASS' if ratio < 1.15 else 'MISS'})."]
    (out / f"{name}.md").write_text("\n".join(lines) + "\n")
    return out / f"{name}.md"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.metrics_cost")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--out", default=str(REPO / "bench" / "results"))
    args = parser.parse_args(argv)
    result = measure(args.rounds, args.epochs)
    print(json.dumps(result, indent=2))
    print("wrote", write_report(result, Path(args.out)))


if __name__ == "__main__":
    main()
