"""Global settings: device, float type, epsilon, the random seed, threads."""

import os

from densefit._native import core

_DEVICES = ("auto", "cpu", "cuda")
_device = os.environ.get("DENSEFIT_DEVICE", "auto")


def set_device(device):
    """Selects where networks run: "cpu", "cuda" (or "cuda:N") or "auto" (CUDA if usable)."""
    global _device
    if not isinstance(device, str) or device.split(":")[0] not in _DEVICES:
        raise ValueError(f"device must be one of {_DEVICES} (or 'cuda:N'), got {device!r}")
    if device.startswith("cuda") and not core.cuda_available():
        raise ValueError(f"device {device!r} is not available: {core.cuda_unavailable_reason()}")
    _device = device


def device():
    """The device networks run on now ("cpu" until the CUDA backend lands)."""
    if _device.startswith("cuda") and core.cuda_available():
        return _device
    return "cpu"


def set_num_threads(n):
    """Threads the CPU backend may use for large products (default: available cores)."""
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"num_threads must be a positive int, got {n!r}")
    core.set_num_threads(n)


def num_threads():
    return core.num_threads()


def floatx():
    return "float32"


def epsilon():
    return 1e-7


def backend():
    return "densefit"
