"""What every runner shares: its command line, how many epochs it times, the statistics it
reports, and the one JSON line it prints for the orchestrator.

A runner is a script run in its own process (`python -m bench.runners.<name> --workloads W1`)
so that engines never share an interpreter: Keras picks its backend once per process, and
BLAS / thread pools of one library must not warm up or slow down another.

Timing protocol (the same for every engine):
  1. first epoch: one epoch on a freshly built model, timed on its own (it includes tracing,
     compilation and first-touch allocation);
  2. calibration: one more epoch, which sets N = target_seconds / its time, clamped to
     [min_epochs, max_epochs] (skipped when those are equal, as in --quick);
  3. N timed epochs; the reported number is the median of the per-epoch times.
"""

import argparse
import json
import math
import os
import statistics
import sys

RESULT_MARKER = "BENCH_RESULT "

# Epoch budgets: full runs aim each measurement at a few seconds; --quick only smoke-tests.
FULL = {"target_seconds": 3.0, "min_epochs": 5, "max_epochs": 2000}
QUICK = {"target_seconds": 0.0, "min_epochs": 2, "max_epochs": 2}


def parse_args(description, extra=None, workload=True):
    """The runner command line; `extra(parser)` adds a runner's own options."""
    parser = argparse.ArgumentParser(description=description)
    if workload:
        parser.add_argument("--workloads", required=True,
                            help="comma-separated names from bench/workloads.py, timed one after "
                                 "another in this process")
    parser.add_argument("--quick", action="store_true", help="tiny sizes and epochs (smoke test)")
    parser.add_argument("--threads", type=int, default=available_cores(),
                        help="threads the engine may use (default: available cores)")
    parser.add_argument("--target-seconds", type=float, default=None,
                        help="wall time the timed epochs should take together")
    if extra is not None:
        extra(parser)
    args = parser.parse_args()
    budget = dict(QUICK if args.quick else FULL)
    if args.target_seconds is not None:
        budget["target_seconds"] = args.target_seconds
    args.budget = budget
    if workload:
        args.workloads = [w.strip() for w in args.workloads.split(",") if w.strip()]
    return args


def available_cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def thread_env(threads):
    """Environment variables that size the thread pools of the BLAS and OpenMP libraries. They
    are read when those libraries load, so the orchestrator sets them on the runner's
    process; in-process calls (torch.set_num_threads, ...) follow in each runner."""
    n = str(threads)
    return {"OMP_NUM_THREADS": n, "OPENBLAS_NUM_THREADS": n, "MKL_NUM_THREADS": n,
            "DENSEFIT_NUM_THREADS": n}


def epochs_to_time(run_epoch, budget, clock):
    """N for step 3, after running the calibration epoch when N is not fixed."""
    if budget["min_epochs"] == budget["max_epochs"]:
        return budget["min_epochs"]
    t0 = clock()
    run_epoch()
    calibration_seconds = clock() - t0
    n = math.ceil(budget["target_seconds"] / max(calibration_seconds, 1e-9))
    return int(min(max(n, budget["min_epochs"]), budget["max_epochs"]))


def summarize(first_epoch_s, epoch_times):
    """The statistics a runner reports for its timed epochs."""
    times = sorted(epoch_times)
    if len(times) >= 2:
        quartiles = statistics.quantiles(times, n=4, method="inclusive")
    else:
        quartiles = [times[0]] * 3
    return {
        "first_epoch_s": first_epoch_s,
        "median_epoch_s": statistics.median(times),
        "min_epoch_s": times[0],
        "p25_epoch_s": quartiles[0],
        "p75_epoch_s": quartiles[2],
        "max_epoch_s": times[-1],
        "epochs_timed": len(times),
    }


def time_loop(run_epoch, budget, clock):
    """The timing protocol for engines trained by a hand-written loop: `run_epoch()` trains one
    epoch and returns its mean loss. Returns summarize(...) plus the first and last losses."""
    t0 = clock()
    loss_first = run_epoch()
    first = clock() - t0
    n = epochs_to_time(run_epoch, budget, clock)
    times, loss_last = [], None
    for _ in range(n):
        t0 = clock()
        loss_last = run_epoch()
        times.append(clock() - t0)
    result = summarize(first, times)
    result.update(loss_first=float(loss_first), loss_last=float(loss_last))
    return result


def emit(result):
    """Prints the runner's result as the one line the orchestrator reads."""
    sys.stdout.flush()
    print(RESULT_MARKER + json.dumps(result), flush=True)


def skip_all(args, engine, reason):
    """Reports that this engine cannot run here (not installed), for every workload asked."""
    for name in args.workloads:
        emit({"engine": engine, "workload": name, "skipped": reason})


def run_each(args, engine, measure):
    """Emits `measure(workload)` for every workload asked, in order. A failure is reported for
    its workload and the others still run."""
    from bench.workloads import WORKLOADS

    for name in args.workloads:
        try:
            result = measure(WORKLOADS[name])
        except Exception as error:  # reported, not raised: the orchestrator shows it
            result = {"error": f"{type(error).__name__}: {error}"}
        emit(dict(result, engine=engine, workload=name))
