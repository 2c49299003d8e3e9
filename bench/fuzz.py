"""The fuzz suite's long run: tests/fuzz with the `long` Hypothesis profile (>= 10,000 cases,
a fresh random draw each run), summarized in bench/results/<date>-fuzz.md.

    python -m bench.fuzz [--profile long|ci] [--out bench/results] [-k EXPR]

The summary lists, per property (test), the cases it ran and whether it held; each failure
with its shrunk case and message; and how many times the worker crashed or hung (a crash
is retried once on a fresh worker, so a property that found one shows it in its failure).
Takes ~20-40 min on two cores; DENSEFIT_CORE_DIR and the sanitizer variables pass through
(bench/sanitize.sh runs the fuzz suite under ASan+UBSan).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
import xml.etree.ElementTree as ET

from bench import machine

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_suite(profile, select):
    """(stats from the suite's conftest, [(test, outcome, message)], seconds, exit code)."""
    with tempfile.TemporaryDirectory() as tmp:
        stats_path, junit = os.path.join(tmp, "stats.json"), os.path.join(tmp, "junit.xml")
        env = dict(os.environ, DENSEFIT_FUZZ_PROFILE=profile, DENSEFIT_FUZZ_STATS=stats_path)
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                   "tests/fuzz", f"--junitxml={junit}", "-o", "junit_logging=no"]
        if select:
            command += ["-k", select]
        t0 = time.perf_counter()
        code = subprocess.call(command, cwd=ROOT, env=env)
        seconds = time.perf_counter() - t0
        stats = json.load(open(stats_path)) if os.path.exists(stats_path) else {}
        results = []
        if os.path.exists(junit):
            for case in ET.parse(junit).iter("testcase"):
                name = f"{case.get('classname', '')}::{case.get('name')}"
                bad = case.find("failure")
                if bad is None:
                    bad = case.find("error")
                outcome = "skipped" if case.find("skipped") is not None else \
                    "held" if bad is None else "FAILED"
                results.append((name, outcome, "" if bad is None else bad.text or ""))
    return stats, results, seconds, code


def shrunk_case(message):
    """(the violation lines, the falsifying example) of a failure's text: pytest's `E` lines
    before Hypothesis's "Falsifying example", and the example up to its closing line."""
    lines = [l[1:].rstrip() for l in message.splitlines() if l.startswith("E")]
    start = next((i for i, l in enumerate(lines) if "Falsifying example" in l), len(lines))
    violation = [l.strip() for l in lines[:start] if l.strip() and
                 not l.strip().startswith("assert not")][:16]
    example = []
    for line in lines[start:]:
        example.append(line)
        if line.strip() == ")":
            break
    return violation, textwrap.dedent("\n".join(example)).splitlines()


def report(stats, results, seconds, details, profile):
    counts = {k.split("::")[-1]: v for k, v in stats.get("cases", {}).items()}
    failures = stats.get("worker_failures", {})
    total = sum(counts.values())
    out = [f"# Fuzz run — {details['date'][:10]} — profile `{profile}`", "",
           f"densefit {details['densefit_commit']}, {details['cpu_model']} "
           f"({details['cores_available']} cores), Python {details['python']}; core module: "
           f"{os.environ.get('DENSEFIT_CORE_DIR') or 'installed'}"
           f"{' (ASan+UBSan preload)' if 'asan' in os.environ.get('LD_PRELOAD', '') else ''}.",
           "", f"{total} cases in {seconds / 60:.1f} min; worker crashes: "
           f"{failures.get('crash', 0)}, hangs: {failures.get('hang', 0)} (each retried once "
           f"alone on a fresh worker). A property stops at its first failure (then shrinks "
           f"it), so a failing one ran fewer cases than the profile asks.", "",
           "| property (test) | cases | result |", "|---|---:|---|"]
    for name, outcome, _ in results:
        short = name.split("::")[-1]
        base = short.split("[")[0]
        out.append(f"| `{short}` | {counts.get(short, counts.get(base, 0))} | {outcome} |")
    bad = [(n, m) for n, o, m in results if o == "FAILED"]
    if bad:
        out += ["", "## Failures (shrunk)", ""]
    for name, message in bad:
        violation, example = shrunk_case(message)
        out += [f"### `{name.split('::')[-1]}`", "", "```"] + violation + ["```"]
        if example:
            out += ["", "```"] + example + ["```"]
        out.append("")
    return "\n".join(out) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="long", choices=["long", "ci"])
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    parser.add_argument("-k", dest="select", default=None, help="pytest -k expression")
    args = parser.parse_args(argv)
    details = machine.details(ROOT)
    stats, results, seconds, code = run_suite(args.profile, args.select)
    text = report(stats, results, seconds, details, args.profile)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, f"{details['date'][:10]}-fuzz.md")
    with open(path, "w") as f:
        f.write(text)
    print(f"wrote {path}")
    return code


if __name__ == "__main__":
    sys.exit(main())
