"""The fuzz suite's worker: a child process that runs case descriptions one after another, so
that a crash or a hang in densefit's native code kills this process, not the test run.

    python tests/fuzz/worker.py        (started by fuzz_client.Worker; speaks on stdin/stdout)

Protocol: every message is a 4-byte big-endian length and a JSON object. The worker first
sends {"ready": true}; then, per request {"runner": "run_files:load_keras", "case": {...}},
it runs the named function of one of the case-runner modules (RUNNERS) on the case and sends
{"violations": [...], "seconds": s, "peak_growth_kb": k}: the properties the case broke (an
empty list when it passed) and how far the resident set grew above where the case found it
(over the request's "memory_budget_mb", if it has one, is a violation too).
A runner that raises is a violation itself (its traceback is the message).

Importing densefit and NumPy once here is what makes a case cost milliseconds instead of the
~0.3 s of a fresh interpreter. Library output (progress bars, warnings) goes to /dev/null:
the real stdout is kept for the protocol alone. stderr stays the client's file, where
faulthandler (a Python stack on SIGSEGV) and the sanitizers write their reports.
"""

import faulthandler
import importlib
import json
import os
import resource
import struct
import sys
import tempfile
import time
import traceback
import warnings

RUNNERS = ("run_arguments", "run_layouts", "run_generators", "run_files", "run_threads")
# An address-space cap, so that a hostile size that densefit tries to allocate fails in this
# process (MemoryError, std::bad_alloc) instead of swapping the machine. ASan reserves
# terabytes of shadow memory and cannot run under one; there, ASAN_OPTIONS'
# max_allocation_size_mb and allocator_may_return_null do the same (bench/sanitize.sh).
ADDRESS_SPACE_LIMIT = 8 << 30


def _rss_kb(field):
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _reset_peak_rss():
    """Makes VmHWM restart from the current RSS (Linux >= 4.0); False where that is refused,
    in which case the growth reported is the end RSS's, which misses freed peaks."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _send(out, message):
    data = json.dumps(message).encode()
    out.write(struct.pack(">I", len(data)) + data)
    out.flush()


def _receive(inp):
    header = inp.read(4)
    if len(header) < 4:
        return None
    (size,) = struct.unpack(">I", header)
    return json.loads(inp.read(size))


def _undefined_reference():
    from fuzz_oracle import UndefinedReference  # imported with the runners, after numpy

    return UndefinedReference


def run_case(request):
    module_name, _, function_name = request["runner"].partition(":")
    if module_name not in RUNNERS:
        return {"violations": [f"unknown runner module {module_name!r}"]}
    runner = getattr(importlib.import_module(module_name), function_name)
    workdir = tempfile.TemporaryDirectory(prefix="densefit-fuzz-")
    start_rss = _rss_kb("VmRSS")
    peak_resets = _reset_peak_rss()
    cwd = os.getcwd()
    os.chdir(workdir.name)
    # A hang leaves the Python stacks of every thread in stderr before the client kills us.
    timeout = request.get("timeout")
    if timeout:
        faulthandler.dump_traceback_later(timeout, exit=False)
    t0 = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            violations = list(runner(request["case"], workdir.name))
    except _undefined_reference():
        violations = []  # the case drove the model past float32's range: nothing to compare
    except BaseException:  # noqa: BLE001 - the runner's own failure is the report
        violations = ["the case runner raised (an error that escaped every property check):\n"
                      + traceback.format_exc(limit=12)]
    finally:
        faulthandler.cancel_dump_traceback_later()
        os.chdir(cwd)
        workdir.cleanup()
    seconds = time.perf_counter() - t0
    end = _rss_kb("VmHWM") if peak_resets else _rss_kb("VmRSS")
    growth_kb = max(end - start_rss, 0)
    budget_mb = request.get("memory_budget_mb")
    if budget_mb is not None and growth_kb > budget_mb * 1024:
        violations.append(f"the case grew the worker's resident memory by {growth_kb // 1024} "
                          f"MiB (budget {budget_mb} MiB)")
    return {"violations": violations, "seconds": seconds, "peak_growth_kb": growth_kb}


def main():
    out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(1, "w", closefd=False)
    inp = sys.stdin.buffer
    faulthandler.enable(all_threads=True)
    if "asan" not in os.environ.get("LD_PRELOAD", ""):
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        limit = ADDRESS_SPACE_LIMIT if hard == resource.RLIM_INFINITY else \
            min(ADDRESS_SPACE_LIMIT, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    import numpy  # noqa: F401 - the imports every case needs, paid once
    import densefit  # noqa: F401

    _send(out, {"ready": True, "pid": os.getpid()})
    while True:
        request = _receive(inp)
        if request is None:
            return
        _send(out, run_case(request))


if __name__ == "__main__":
    main()
