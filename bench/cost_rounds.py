"""What the cost benchmarks share (bench/callback_cost.py, bench/metrics_cost.py): the seed
binary example W1 and its data, fits of every variant in interleaved rounds (so machine noise
hits every variant alike), and the JSON + Markdown report of the median epoch times."""

import argparse
import datetime
import json
import statistics
import time
from pathlib import Path

from bench import machine
from bench.workloads import WORKLOADS, make_data

REPO = Path(__file__).resolve().parents[1]


def w1():
    """The seed binary example: (workload, x, y, steps per epoch)."""
    workload = WORKLOADS["W1"]
    x, y = make_data(workload)
    return workload, x, y, -(-x.shape[0] // workload.batch_size)


def interleaved_fits(models, x, y, *, rounds, epochs, batch_size, fit_args=None):
    """Fits every variant's model (`models`: {variant: model}, one model may serve several)
    for `epochs` epochs, once per round, after a 2-epoch warm-up of each model. `fit_args`
    ({variant: () -> dict}) makes a variant's extra fit() arguments before its clock starts.
    Returns ({variant: median seconds per epoch}, {variant: History of its last fit})."""
    for model in {id(m): m for m in models.values()}.values():  # warm-up, each model once
        model.fit(x, y, epochs=2, batch_size=batch_size, verbose=0)
    times = {name: [] for name in models}
    last = {}
    for _ in range(rounds):
        for name, model in models.items():
            extra = fit_args[name]() if fit_args else {}
            t0 = time.perf_counter()
            last[name] = model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0, **extra)
            times[name].append((time.perf_counter() - t0) / epochs)
    return {name: statistics.median(t) for name, t in times.items()}, last


def summary(workload, x, steps, rounds, epochs, epoch_seconds):
    """The leading fields of a cost result: what was timed and how."""
    return {
        "workload": f"W1 ({workload.title}), {x.shape[0]} samples, batch "
                    f"{workload.batch_size}, {steps} steps per epoch",
        "rounds": rounds, "epochs_per_fit": epochs,
        "epoch_seconds": epoch_seconds,
    }


def write_report(result, out, *, slug, title, fits_note, column, ratio_key, footer):
    """Writes out/<date>-<slug>.json (the result and the machine) and .md: a table of each
    variant's epoch time and its ratio result[ratio_key] (headed by the key in words), then
    the `footer` lines. Returns the .md path."""
    out.mkdir(parents=True, exist_ok=True)
    today = datetime.date.today().isoformat()
    name = f"{today}-{slug}"
    (out / f"{name}.json").write_text(json.dumps({"machine": machine.details(REPO), **result},
                                                 indent=2) + "\n")
    lines = [f"# {title} ({today})", "",
             f"{result['workload']}; median over {result['rounds']} interleaved rounds of "
             f"{result['epochs_per_fit']}-epoch fits{fits_note}.", "",
             f"| {column} | epoch (ms) | {ratio_key.replace('_', ' ')} |", "|---|---|---|"]
    for variant, seconds in result["epoch_seconds"].items():
        lines.append(f"| {variant} | {seconds * 1e3:.3f} | {result[ratio_key][variant]:.3f} |")
    lines += [""] + list(footer)
    (out / f"{name}.md").write_text("\n".join(lines) + "\n")
    return out / f"{name}.md"


def main(prog, measure, report, argv=None):
    """A cost benchmark's command line: measure(rounds, epochs), print the result, then
    report(result, out) (the benchmark's write_report) and print where it wrote."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--out", default=str(REPO / "bench" / "results"))
    args = parser.parse_args(argv)
    result = measure(args.rounds, args.epochs)
    print(json.dumps(result, indent=2))
    print("wrote", report(result, Path(args.out)))
