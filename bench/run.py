"""Times densefit and its anchors on the same workloads in one run and writes the report.

    python -m bench [--workloads W1,W4] [--anchors densefit,keras-jax,torch,sklearn]
                    [--quick] [--out bench/results]

Every engine runs each workload in a fresh subprocess (bench/runners/), one after another,
never two at once. The run also measures the machine's float32 GEMM ceiling and the time of
`import densefit`, then writes <out>/<date>-<host-kind>.md and .json (docs/benchmarks.md).
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a file: python bench/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import import_time, machine, report  # noqa: E402
from bench.runners.protocol import RESULT_MARKER, available_cores, thread_env  # noqa: E402
from bench.workloads import parse_names  # noqa: E402

REPO = Path(__file__).resolve().parents[1]

# engine -> runner module and arguments
ENGINES = {
    "densefit": ["bench.runners.densefit_runner"],
    "keras-jax": ["bench.runners.keras_runner", "--backend", "jax"],
    "keras-tensorflow": ["bench.runners.keras_runner", "--backend", "tensorflow"],
    "torch": ["bench.runners.torch_runner"],
    "sklearn": ["bench.runners.sklearn_runner"],
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--workloads", default="all",
                        help="comma-separated, e.g. W1,W4 (default all)")
    parser.add_argument("--anchors", default=",".join(ENGINES),
                        help=f"engines to time, comma-separated (default: {','.join(ENGINES)})")
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: tiny sample counts, 2 timed epochs (about a minute)")
    parser.add_argument("--out", default=str(REPO / "bench" / "results"),
                        help="folder for the .md and .json results")
    parser.add_argument("--threads", type=int, default=available_cores(),
                        help="threads every engine may use (default: available cores)")
    parser.add_argument("--target-seconds", type=float, default=None,
                        help="wall time each engine's timed epochs should take together "
                             "(default 3; --quick times 2 epochs)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds before a runner is abandoned (default 1800; quick 120)")
    args = parser.parse_args(argv)
    try:
        args.workloads = parse_names(args.workloads)
    except ValueError as error:
        parser.error(str(error))
    args.engines = [e.strip() for e in args.anchors.split(",") if e.strip()]
    unknown = [e for e in args.engines if e not in ENGINES]
    if unknown:
        parser.error(f"unknown engines {unknown}; known: {', '.join(ENGINES)}")
    if args.timeout is None:
        args.timeout = 120 if args.quick else 1800
    return args


def runner_env(threads):
    """The environment of every subprocess: thread pools sized alike, the bench package (and
    densefit's source tree, when it holds a built core) importable."""
    env = dict(os.environ)
    env.update(thread_env(threads))
    paths = [str(REPO)]
    if any((REPO / "python" / "densefit").glob("_core*")):
        paths.append(str(REPO / "python"))
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


def run_runner(module_args, workloads, extra, env, timeout):
    """Runs one runner process over `workloads`; returns {workload: result}. A workload the
    process did not report on gets {"error": ...} with the reason."""
    cmd = [sys.executable, "-m", *module_args, "--workloads", ",".join(workloads), *extra]
    try:
        done = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True,
                              timeout=timeout)
        stdout, why = done.stdout, f"exit {done.returncode}: " + (
            done.stderr.strip().splitlines() or ["no output"])[-1]
    except subprocess.TimeoutExpired as expired:
        stdout = expired.stdout.decode() if isinstance(expired.stdout, bytes) else expired.stdout
        why = f"timed out after {timeout:.0f} s"
    results = {}
    for line in (stdout or "").splitlines():
        if line.startswith(RESULT_MARKER):
            result = json.loads(line[len(RESULT_MARKER):])
            results[result.get("workload")] = result
    return {name: results.get(name) or {"error": why} for name in workloads}


def run_one(module_args, extra, env, timeout):
    """A runner without workloads (the GEMM ceiling): its one result, or {"error": ...}."""
    cmd = [sys.executable, "-m", *module_args, *extra]
    try:
        done = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(RESULT_MARKER):
            return json.loads(line[len(RESULT_MARKER):])
    return {"error": f"exit {done.returncode}: "
                     + (done.stderr.strip().splitlines() or ["no output"])[-1]}


def schedule(workloads, engines, quick):
    """The runner processes to start, as (engine, [workloads]) in order. A full run gives each
    (workload, engine) a fresh process, so every first epoch pays the process's own warm-up as
    a user's script would; --quick runs each engine's workloads in one process to save the
    imports (several seconds each for JAX and torch)."""
    if quick:
        return [(engine, list(workloads)) for engine in engines]
    return [(engine, [name]) for name in workloads for engine in engines]


def measure_gemm(common, env, timeout):
    _progress("GEMM ceiling ...")
    result = run_one(["bench.runners.gemm_runner"], common, env, timeout)
    _progress(f"  {result['gflops']:.1f} GFLOP/s" if "gflops" in result
              else f"  {result.get('error')}")
    return result


def best_gemm(measurements):
    """The GEMM ceiling is measured before and after the workloads and the better one kept, so
    a moment of load elsewhere on the machine does not lower it (all are kept in the JSON)."""
    good = [m for m in measurements if "gflops" in m]
    if not good:
        return measurements[0]
    best = dict(max(good, key=lambda m: m["gflops"]))
    best["all_gflops"] = [m.get("gflops") for m in measurements]
    return best


def _progress(text):
    print(text, file=sys.stderr, flush=True)


def _describe(result):
    if "median_epoch_s" in result:
        return (f"{result['median_epoch_s'] * 1e3:.4g} ms/epoch "
                f"(first {result['first_epoch_s'] * 1e3:.4g} ms, {result['epochs_timed']} timed)")
    return result.get("skipped") or result.get("error")


def main(argv=None):
    args = parse_args(argv)
    env = runner_env(args.threads)
    common = ["--threads", str(args.threads)] + (["--quick"] if args.quick else [])
    if args.target_seconds is not None:
        common += ["--target-seconds", str(args.target_seconds)]
    started = time.perf_counter()
    info = machine.details(REPO)
    command = "python -m bench " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    run = {"meta": {"quick": args.quick, "threads": args.threads, "command": command.strip(),
                    "workloads": args.workloads, "engines": args.engines},
           "machine": info, "host_kind": machine.host_kind(info)}

    gemm = [measure_gemm(common, env, args.timeout)]
    if "densefit" in args.engines:
        _progress("import densefit ...")
        run["import"] = import_time.measure(env, repeats=3 if args.quick else 9)
        imp = run["import"]
        _progress(f"  {imp['import_s'] * 1e3:.1f} ms" if "import_s" in imp
                  else f"  {imp.get('error')}")

    run["results"] = {name: {} for name in args.workloads}
    for engine, names in schedule(args.workloads, args.engines, args.quick):
        _progress(f"{engine} on {','.join(names)} ...")
        t0 = time.perf_counter()
        for name, result in run_runner(ENGINES[engine], names, common, env, args.timeout).items():
            run["results"][name][engine] = result
            _progress(f"  {name}: {_describe(result)}")
        _progress(f"  ({time.perf_counter() - t0:.1f} s)")

    gemm.append(measure_gemm(common, env, args.timeout))
    run["gemm"] = best_gemm(gemm)
    info["load_average_end"] = machine.load_average()
    run["meta"]["wall_s"] = time.perf_counter() - started
    analysis = report.analyze(run)
    text = report.markdown(run, analysis)
    print(text)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{info['date'][:10]}-{run['host_kind']}" + ("-quick" if args.quick else "")
    (out / f"{stem}.md").write_text(text)
    (out / f"{stem}.json").write_text(json.dumps(dict(run, analysis=analysis), indent=2) + "\n")
    _progress(f"wrote {out / stem}.md and .json ({run['meta']['wall_s']:.0f} s)")


if __name__ == "__main__":
    main()
