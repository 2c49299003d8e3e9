"""Global settings: device, float type, epsilon, the random seed, threads."""

import os

from densefit import _cuda_loader
from densefit._native import core

_DEVICES = ("auto", "cpu", "cuda")
_device = os.environ.get("DENSEFIT_DEVICE", "auto")


def _parse_device(device):
    """("cpu" | "cuda" | "auto", index) for a device string; ValueError if malformed."""
    if not isinstance(device, str):
        raise ValueError(f"device must be a string, got {device!r}")
    kind, _, index = device.partition(":")
    if kind not in _DEVICES or (index and (kind != "cuda" or not index.isdigit())):
        raise ValueError(f"device must be one of {_DEVICES} or 'cuda:N', got {device!r}")
    return kind, int(index or 0)


def set_device(device):
    """Selects where networks built from now on run: "cpu", "cuda" (or "cuda:N") or "auto"
    (CUDA when a usable GPU and the CUDA backend are present). Also read from the
    DENSEFIT_DEVICE environment variable at import."""
    global _device
    kind, index = _parse_device(device)
    if kind == "cuda":
        why = _cuda_loader.unavailable_reason(index)
        if why:
            raise ValueError(f"device {device!r} is not available: {why}")
    _device = device


def device():
    """The device networks built now run on: "cpu" or "cuda:N"."""
    kind, index = _parse_device(_device)
    if kind == "cpu":
        return "cpu"
    if _cuda_loader.unavailable_reason(index) is None:
        return f"cuda:{index}"
    if kind == "cuda":  # chosen by the environment variable, then the GPU went away
        raise ValueError(f"device {_device!r} is not available: "
                         f"{_cuda_loader.unavailable_reason(index)}")
    return "cpu"


def native_network_class():
    """A constructor (input_dim, layer_specs, seed) -> native Network for device(): the CPU
    engine's _core.Network or the CUDA backend's _cuda.Network (same methods)."""
    current = device()
    if current == "cpu":
        return core.Network
    index = int(current.split(":")[1])
    cls = _cuda_loader.cuda_module().Network
    return lambda input_dim, specs, seed: cls(input_dim, specs, seed, index)


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
