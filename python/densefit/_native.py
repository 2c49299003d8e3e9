"""Loads the native module and hands it the BLAS it multiplies large matrices with."""

import os

from densefit import _core


def _load_blas():
    # scipy-openblas32 is what SciPy ships; its symbols carry a "scipy_" prefix so it never
    # clashes with another OpenBLAS in the process. Without it the built-in kernels serve.
    try:
        import scipy_openblas32 as openblas
    except ImportError:
        return False
    lib_dir = openblas.get_lib_dir()
    for name in sorted(os.listdir(lib_dir)):
        if name.startswith("lib" + openblas.get_library()) and ".so" in name or name.endswith(".dylib"):
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
