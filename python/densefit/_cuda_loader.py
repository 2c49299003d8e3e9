"""Finds the optional CUDA backend module (densefit._cuda) without ever requiring it: a
CPU-only build has none, and a build with one still imports on machines without a GPU."""

import functools
import importlib
import os
import sys


@functools.lru_cache(maxsize=None)
def cuda_module():
    """densefit._cuda, or None when this build has no CUDA backend. DENSEFIT_CORE_DIR (a
    developer's build folder) is searched first, as for _core."""
    build_dir = os.environ.get("DENSEFIT_CORE_DIR")
    if build_dir:
        sys.path.insert(0, build_dir)
        try:
            return importlib.import_module("_cuda")
        except ImportError:
            return None
        finally:
            sys.path.remove(build_dir)
    try:
        return importlib.import_module("densefit._cuda")
    except ImportError:
        return None


def unavailable_reason(index=0):
    """Why CUDA device `index` cannot be used, or None when it can."""
    module = cuda_module()
    if module is None:
        return "densefit was built without a CUDA backend (no nvcc at build time)"
    usable, why = module.device_usable(index)
    return None if usable else why
