"""Loads the native module and hands it the BLAS it multiplies large matrices with."""

import importlib.util
import os
import sys

from densefit import cpu_dispatch


def _import_core():
    """The native module of the CPU level cpu_dispatch.choose() picks (docs/build.md)."""
    # DENSEFIT_CORE_DIR: a developer's build folder whose fresh modules replace the installed
    # ones (several people building in one checkout each keep their own folder).
    build_dir = os.environ.get("DENSEFIT_CORE_DIR")
    capability = cpu_dispatch.choose(build_dir)
    if build_dir:
        sys.path.insert(0, build_dir)
        try:
            module = importlib.import_module(capability.module)
        finally:
            sys.path.remove(build_dir)
    else:
        module = importlib.import_module(f"densefit.{capability.module}")
    sys.modules["densefit._core"] = module
    return module, capability


_core, CPU_CAPABILITY = _import_core()


def _load_blas():
    # scipy-openblas32 is what SciPy ships; its symbols carry a "scipy_" prefix so it never
    # clashes with another OpenBLAS in the process. Without it the built-in kernels serve.
    # Found without importing the package (its __init__ costs ~40 ms of import time).
    spec = importlib.util.find_spec("scipy_openblas32")
    if spec is None or not spec.submodule_search_locations:
        return False
    lib_dir = os.path.join(list(spec.submodule_search_locations)[0], "lib")
    if not os.path.isdir(lib_dir):
        return False
    for name in sorted(os.listdir(lib_dir)):
        if name.startswith("libscipy_openblas") and (".so" in name or name.endswith(".dylib")):
            return _core.set_blas_library(os.path.join(lib_dir, name), "scipy_")
    return False


def _default_threads():
    env = os.environ.get("DENSEFIT_NUM_THREADS")
    if env:
        return int(env)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


_core.set_num_threads(_default_threads())
BLAS_LOADED = _load_blas()
core = _core
