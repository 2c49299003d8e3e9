"""Serving benchmark (issue 7): densefit against ONNX Runtime, PyTorch and Keras on JAX,
serving the W4 model (784-256-256-10) in one run.

    python -m bench.serving [--calls 10000] [--engines densefit,cpp,ort,torch,keras-jax]
                            [--name 2026-11-23-serving] [--out bench/results]

Every engine gets the same weights (a seeded densefit W4 model, exported to .dfm and .onnx and
saved as .npz) and the same inputs (W4's data), each in its own process
(bench/runners/serving_runner.py), one after another; the C++ API is timed by
examples/cpp/latency, built here against densefit.get_cmake_dir(). Writes <out>/<name>.md and
.json. TensorFlow is not installable on the reference machine: Keras runs on JAX only.
"""

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from bench import machine  # noqa: E402
from bench.run import runner_env  # noqa: E402
from bench.runners.protocol import RESULT_MARKER, available_cores  # noqa: E402
from bench.workloads import INIT_SEED, WORKLOADS, make_data  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
ENGINES = ("densefit", "densefit-1-thread", "cpp", "ort", "torch", "keras-jax")
# densefit with its pool at one thread: every call inline on the caller's core. Shows what the
# single-sample split over cores gains, and how single-core calls scale over 8 threads.
ONE_THREAD = {"densefit-1-thread": "densefit"}
# The targets, as fractions of ONNX Runtime's single-sample latency (lower is better)
# or multiples of its throughput.
P1_TARGETS = {"predict_on_batch": 1 / 3, "model(x)": 1 / 3, "predict(verbose=0)": 2 / 3,
              "C++ API": 1 / 4}


def write_model(folder):
    """The W4 model every engine serves, its inputs, and the densefit exports."""
    import densefit as keras

    keras.utils.set_random_seed(INIT_SEED)
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(256, activation="relu"),
                              keras.layers.Dense(256, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    x, _ = make_data(WORKLOADS["W4"])
    np.save(folder / "x.npy", x.reshape(len(x), -1))
    np.savez(folder / "w4.npz", *model.get_weights())
    model.export(folder / "w4.dfm")
    model.export(folder / "w4.onnx", format="onnx")
    return keras.get_cmake_dir()


def run_engine(engine, folder, args, env):
    if engine in ONE_THREAD:
        engine, env = ONE_THREAD[engine], dict(env, DENSEFIT_NUM_THREADS="1")
    cmd = [sys.executable, "-m", "bench.runners.serving_runner", "--engine", engine,
           "--model-dir", str(folder), "--calls", str(args.calls), "--threads", str(args.threads)]
    done = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=1800)
    for line in done.stdout.splitlines():
        if line.startswith(RESULT_MARKER):
            return json.loads(line[len(RESULT_MARKER):])
    return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1]}


def run_cpp(folder, cmake_dir, args):
    """Builds examples/cpp against the package config and times its latency program."""
    cmake = shutil.which("cmake")
    if cmake is None:
        return {"error": "cmake not found"}
    build = folder / "examples"
    for step in ([cmake, "-S", str(REPO / "examples" / "cpp"), "-B", str(build),
                  f"-Ddensefit_DIR={cmake_dir}"], [cmake, "--build", str(build)]):
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode:
            return {"error": (done.stdout + done.stderr).strip().splitlines()[-1]}
    done = subprocess.run([str(build / "latency"), str(folder / "w4.dfm"), str(args.calls)],
                          capture_output=True, text=True)
    if done.returncode:
        return {"error": done.stderr.strip()}
    timing = json.loads(done.stdout)
    one, eight = timing.pop("one_thread_calls_per_s"), timing.pop("eight_threads_calls_per_s")
    return {"p1": {"C++ API": timing},
            "threads": {"threads": 8, "one_thread_calls_per_s": one, "calls_per_s": eight,
                        "scaling": eight / one, "wrong_results": "–"}}


def best_of(results):
    """One engine's best over the rounds, by the same rule for every engine: the lowest
    median latency per call, the highest throughput per call, the round with the most 8-thread
    calls/s (and the most 1-thread calls/s), the largest memory growth (the worst)."""
    good = [r for r in results if "error" not in r]
    if not good:
        return results[-1]
    best = dict(good[-1])
    for key, pick in (("p1", lambda v: -v["median_us"]), ("p2", lambda v: v["samples_per_s"])):
        calls = list(dict.fromkeys(c for r in good for c in r.get(key, {})))
        if calls:
            best[key] = {c: max((r[key][c] for r in good if c in r.get(key, {})), key=pick)
                         for c in calls}
    threads = [r["threads"] for r in good if "threads" in r]
    if threads:
        one = max(t["one_thread_calls_per_s"] for t in threads)
        many = max(t["calls_per_s"] for t in threads)
        wrong = [t["wrong_results"] for t in threads]
        best["threads"] = {"threads": 8, "one_thread_calls_per_s": one, "calls_per_s": many,
                           "scaling": many / one,
                           "wrong_results": sum(wrong) if all(isinstance(w, int) for w in wrong)
                           else wrong[0]}
    memory = [r["memory"] for r in good if "memory" in r]
    if memory:
        best["memory"] = max(memory, key=lambda m: m["rss_growth_kib"])
    return best


def markdown(run):
    r, lines = run["results"], []
    info = run["machine"]
    lines += [f"# Serving benchmark: W4 (784-256-256-10), {info['date'][:10]}", "",
              f"`{run['command']}` on {info['cpu_model']}, {info['cores_available']} cores "
              f"available; load average {info['load_average_start']} at start, "
              f"{info['load_average_end']} at end. densefit {info['densefit_commit']}.",
              "TensorFlow is not installable on this machine: Keras runs on JAX only.",
              f"Every engine ran {run['rounds']} times, in turn; each number is the engine's best "
              "round by the same rule for all (lowest latency, highest throughput, largest memory "
              "growth). All rounds are in the JSON.", ""]
    ort = r.get("ort", {})
    ort_p1 = min((v["median_us"] for v in ort.get("p1", {}).values()), default=None)
    ort_p2 = max((v["samples_per_s"] for v in ort.get("p2", {}).values()), default=None)
    lines += ["## P1: single-sample latency (median over "
              f"{run['calls']:,} calls after 1,000 warm-up calls)", "",
              "| engine | call | median µs | p10 µs | p90 µs | / ORT | target |",
              "|---|---|---:|---:|---:|---:|---|"]
    for engine in run["engines"]:
        res = r.get(engine, {})
        if "error" in res:
            lines.append(f"| {engine} | error: {res['error']} | | | | | |")
            continue
        for call, t in res.get("p1", {}).items():
            ratio = f"{t['median_us'] / ort_p1:.2f}" if ort_p1 else ""
            target = P1_TARGETS.get(call) if engine in ("densefit", "densefit-1-thread", "cpp") else None
            verdict = ""
            if target and ort_p1:
                met = t["median_us"] <= target * ort_p1
                verdict = f"≤ {target:.2f} ({'met' if met else 'not met'})"
            lines.append(f"| {engine} | `{call}` | {t['median_us']:.1f} | {t['p10_us']:.1f} | "
                         f"{t['p90_us']:.1f} | {ratio} | {verdict} |")
    lines += ["", "## P2: throughput, 60,000 × 784 in batches of 1,024 (median of passes)", "",
              "| engine | call | samples/s | × ORT | target |", "|---|---|---:|---:|---|"]
    for engine in run["engines"]:
        for call, t in r.get(engine, {}).get("p2", {}).items():
            ratio = t["samples_per_s"] / ort_p2 if ort_p2 else None
            verdict = (f"≥ 1.25 ({'met' if ratio >= 1.25 else 'not met'})"
                       if engine == "densefit" and ratio else "")
            lines.append(f"| {engine} | `{call}` | {t['samples_per_s']:,.0f} | "
                         f"{ratio:.2f} | {verdict} |" if ratio else
                         f"| {engine} | `{call}` | {t['samples_per_s']:,.0f} | | |")
    lines += ["", "## Concurrency: 8 threads, single-sample calls, one shared model", "",
              "| engine | 1 thread calls/s | 8 threads calls/s | scaling | wrong results | target |",
              "|---|---:|---:|---:|---:|---|"]
    for engine in run["engines"]:
        t = r.get(engine, {}).get("threads")
        if t:
            verdict = (f"≥ 1.7 ({'met' if t['scaling'] >= 1.7 else 'not met'})"
                       if engine.startswith("densefit") or engine == "cpp" else "")
            lines.append(f"| {engine} | {t['one_thread_calls_per_s']:,.0f} | "
                         f"{t['calls_per_s']:,.0f} | {t['scaling']:.2f} | {t['wrong_results']} "
                         f"| {verdict} |")
    lines += ["", "## Memory: resident set growth over 100,000 single-sample calls", "",
              "| engine | growth KiB | target |", "|---|---:|---|"]
    for engine in run["engines"]:
        m = r.get(engine, {}).get("memory")
        if m:
            verdict = (f"< 1024 ({'met' if m['rss_growth_kib'] < 1024 else 'not met'})"
                       if engine == "densefit" else "")
            lines.append(f"| {engine} | {m['rss_growth_kib']} | {verdict} |")
    versions = {e: r[e].get("version") for e in run["engines"] if r.get(e, {}).get("version")}
    lines += ["", "Versions: " + ", ".join(f"{e} {v}" for e, v in versions.items()), ""]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.serving",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3,
                        help="times every engine runs, in turn; the best of each is reported")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--threads", type=int, default=available_cores())
    parser.add_argument("--name", default=None, help="file stem (default <date>-serving)")
    parser.add_argument("--out", default=str(REPO / "bench" / "results"))
    parser.add_argument("--source", default=None,
                        help="what was measured, when REPO is not a git checkout (a copy)")
    args = parser.parse_args(argv)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    info = machine.details(REPO)
    if args.source:
        info["densefit_commit"] = f"{info['densefit_commit']} ({args.source})"
    run = {"command": "python -m bench.serving " + " ".join(argv or sys.argv[1:]),
           "calls": args.calls, "rounds": args.rounds, "engines": engines, "machine": info,
           "results": {}, "rounds_raw": []}
    env = runner_env(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cmake_dir = write_model(folder)
        for round_ in range(args.rounds):
            raw = {}
            for engine in engines:
                print(f"round {round_ + 1}: {engine} ...", file=sys.stderr, flush=True)
                raw[engine] = (run_cpp(folder, cmake_dir, args) if engine == "cpp"
                               else run_engine(engine, folder, args, env))
            run["rounds_raw"].append(raw)
    run["results"] = {e: best_of([raw[e] for raw in run["rounds_raw"]]) for e in engines}
    info["load_average_end"] = machine.load_average()
    text = markdown(run)
    print(text)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = args.name or f"{datetime.date.today().isoformat()}-serving"
    (out / f"{stem}.md").write_text(text)
    (out / f"{stem}.json").write_text(json.dumps(run, indent=1))


if __name__ == "__main__":
    main()
