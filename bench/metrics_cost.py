"""What metrics cost (issue 5): the seed binary example (W1, 32 steps per epoch) trained with
the loss only and with metrics=['accuracy', Precision(), Recall(), AUC()], side by side in
one process; rounds are interleaved so machine noise hits every variant alike. Reports each
variant's median epoch time and its ratio to the loss-only epoch (target: < 1.15).

    PYTHONPATH=python python -m bench.metrics_cost [--rounds 30] [--epochs 20] [--out bench/results]
"""

import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import cost_rounds  # noqa: E402
from bench.runners.keras_api import build_model  # noqa: E402
from bench.workloads import INIT_SEED  # noqa: E402


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
    return build_model(densefit, workload, metrics)


def measure(rounds, epochs):
    import densefit

    workload, x, y, steps = cost_rounds.w1()
    models = {name: _model(densefit, workload, make()) for name, make in _variants(densefit).items()}
    epoch, last = cost_rounds.interleaved_fits(models, x, y, rounds=rounds, epochs=epochs,
                                               batch_size=workload.batch_size)
    base = epoch["loss only"]
    return {
        **cost_rounds.summary(workload, x, steps, rounds, epochs, epoch),
        "ratio_to_loss_only": {name: t / base for name, t in epoch.items()},
        "last_epoch_logs": {name: {k: float(v[-1]) for k, v in history.history.items()}
                            for name, history in last.items()},
    }


def write_report(result, out):
    ratio = result["ratio_to_loss_only"]["accuracy, Precision, Recall, AUC"]
    return cost_rounds.write_report(
        result, out, slug="metrics-cost", title="Metrics cost",
        fits_note=" (`verbose=0`, one native call per epoch)", column="metrics",
        ratio_key="ratio_to_loss_only",
        footer=[f"Target (issue 5): accuracy, Precision, Recall, AUC cost under 15% of the "
                f"epoch: ratio {ratio:.3f} ({'PASS' if ratio < 1.15 else 'MISS'})."])


def main(argv=None):
    cost_rounds.main("python -m bench.metrics_cost", measure, write_report, argv)


if __name__ == "__main__":
    main()
