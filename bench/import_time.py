"""How long `import densefit` takes in a fresh interpreter.

Wall clock: the median over alternating runs of `python -c "import densefit"` minus the median
of `python -c "pass"`, so interpreter start-up cancels out; this is the number the target is
about. Cross-check: the cumulative microseconds `python -X importtime` attributes to densefit
(its own modules and what they import first, e.g. NumPy).
"""

import statistics
import subprocess
import sys
import time


def _wall(code, env):
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def _importtime_cumulative(env):
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import densefit"], env=env,
                          capture_output=True, text=True, check=True)
    for line in done.stderr.splitlines():
        # "import time: self [us] | cumulative | imported package"
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == "densefit":
            return int(parts[1]) / 1e6
    return None


def measure(env, repeats):
    """{"import_s", "python_startup_s", "importtime_cumulative_s", "repeats"}, or {"error"} when
    densefit does not import."""
    try:
        _wall("import densefit", env)  # warms the file cache, and shows an import error early
    except subprocess.CalledProcessError:
        done = subprocess.run([sys.executable, "-c", "import densefit"], env=env,
                              capture_output=True, text=True)
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    base, full = [], []
    for _ in range(repeats):
        base.append(_wall("pass", env))
        full.append(_wall("import densefit", env))
    startup = statistics.median(base)
    return {"import_s": statistics.median(full) - startup, "python_startup_s": startup,
            "importtime_cumulative_s": _importtime_cumulative(env), "repeats": repeats}
