"""The machine a run measured: CPU, cores, memory, load, library versions, densefit's commit;
and the short host kind that names the result files."""

import datetime
import os
import platform
import re
import subprocess
from importlib import metadata

from bench.runners.protocol import available_cores

PACKAGES = ("numpy", "keras", "jax", "jaxlib", "torch", "scikit-learn", "tensorflow",
            "scipy-openblas32", "threadpoolctl")


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    have = set(line.split(":", 1)[1].split())
                    return [f for f in ("avx2", "fma", "avx512f", "avx512_bf16", "amx_tile")
                            if f in have]
    except OSError:
        pass
    return []


def _memory_gib():
    try:
        with open("/proc/meminfo") as f:
            kib = int(f.readline().split()[1])
        return round(kib / 2 ** 20, 1)
    except (OSError, ValueError, IndexError):
        return None


def _gpus():
    try:
        done = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
                              capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [line.strip() for line in done.stdout.splitlines() if line.strip()]


def _version(package):
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _git(repo_root):
    def run(*args):
        done = subprocess.run(["git", "-C", str(repo_root), *args], capture_output=True,
                              text=True)
        return done.stdout.strip() if done.returncode == 0 else None

    commit = run("rev-parse", "--short", "HEAD")
    if commit is None:
        return None
    dirty = run("status", "--porcelain", "--untracked-files=no")
    return commit + ("-dirty" if dirty else "")


def load_average():
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None


def details(repo_root):
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu_model": _cpu_model(),
        "cores_available": available_cores(),
        "cpu_count": os.cpu_count(),
        "cpu_flags": _cpu_flags(),
        "memory_gib": _memory_gib(),
        "gpus": _gpus(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": {p: _version(p) for p in PACKAGES},
        "densefit_commit": _git(repo_root),
        "load_average_start": load_average(),
    }


def host_kind(machine):
    """"amd-epyc-2c", "intel-xeon-platinum-8480-16c-h100", ...: what the numbers depend on."""
    cpu = re.sub(r"\((r|tm)\)|\bcpu\b|@.*$|\bprocessor\b", " ", machine["cpu_model"].lower())
    cpu = re.sub(r"\b\d+-core\b", " ", cpu)
    parts = [re.sub(r"[^a-z0-9]+", "-", cpu).strip("-"), f"{machine['cores_available']}c"]
    if machine["gpus"]:
        gpu = re.sub(r"nvidia|geforce|tesla", " ", machine["gpus"][0].lower())
        parts.append(re.sub(r"[^a-z0-9]+", "-", gpu).strip("-").split("-")[0])
    return "-".join(p for p in parts if p)
