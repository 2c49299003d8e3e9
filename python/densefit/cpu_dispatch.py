"""Which build of the native module this process imports: the best CPU level that the CPU
(and its OS) supports and this installation has, or the one DENSEFIT_CPU_CAPABILITY names.

A portable build (docs/build.md, "CPU levels") has `_core` for the x86-64-v2 baseline and
`_core_avx2` / `_core_avx512` beside it, plus `_cpu`, which says what the machine supports. A
build made with DENSEFIT_NATIVE_ARCH=ON has only `_core`, compiled for its build machine.
Only one of them may be imported in a process (they register the same native types)."""

import glob
import importlib.util
import os
from collections import namedtuple

LEVELS = ("baseline", "avx2", "avx512")  # lowest first
ENV = "DENSEFIT_CPU_CAPABILITY"

CpuCapability = namedtuple("CpuCapability", "level module reason supported built")


def module_name(level):
    return "_core" if level == "baseline" else f"_core_{level}"


def _built(build_dir):
    """The levels whose module exists: in the developer's build folder, or in the package."""
    found = []
    for level in LEVELS:
        name = module_name(level)
        if build_dir:
            present = bool(glob.glob(os.path.join(build_dir, name + ".*")))
        else:
            present = importlib.util.find_spec(f"densefit.{name}") is not None
        if present:
            found.append(level)
    return found


def _supported(build_dir):
    """The levels the CPU supports, or None when this build has no `_cpu` (a native build,
    or a developer's folder built for `_core` only)."""
    found = glob.glob(os.path.join(build_dir, "_cpu.*")) if build_dir else []
    try:
        if found:
            spec = importlib.util.spec_from_file_location("densefit._cpu", found[0])
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        elif build_dir:
            return None
        else:
            from densefit import _cpu as module
    except ImportError:
        return None
    return list(module.supported_levels())


def choose(build_dir=None):
    """The CpuCapability to import: DENSEFIT_CPU_CAPABILITY if set (checked against what the
    CPU supports and what is built), else the highest level both allow."""
    built = _built(build_dir)
    supported = _supported(build_dir)
    requested = os.environ.get(ENV, "").strip().lower() or None
    if requested is not None and requested not in LEVELS:
        raise ValueError(f"{ENV}={os.environ[ENV]!r} is not a CPU level; expected one of "
                         f"{', '.join(LEVELS)}")
    if supported is None or built == ["baseline"] and supported == ["baseline"]:
        # One module only: what it was compiled for is all there is.
        if requested not in (None, "baseline"):
            raise ValueError(f"{ENV}={requested}: this densefit build has a single native "
                             f"module (built with DENSEFIT_NATIVE_ARCH=ON, or for one CPU)")
        return CpuCapability(None, "_core", "the only native module of this build",
                             supported or [], built)
    if requested is not None:
        if requested not in supported:
            raise RuntimeError(f"{ENV}={requested}, but this CPU (or its OS) supports only "
                               f"{', '.join(supported) or 'none of the levels'}")
        if requested not in built:
            raise RuntimeError(f"{ENV}={requested}, but this installation has no "
                               f"{module_name(requested)} module (it has "
                               f"{', '.join(built)})")
        return CpuCapability(requested, module_name(requested), f"{ENV}={requested}",
                             supported, built)
    usable = [level for level in LEVELS if level in supported and level in built]
    if not usable:
        raise RuntimeError(f"densefit's native modules need an x86-64-v2 CPU at least; this "
                           f"one supports {supported or 'none'} and the build has {built}")
    level = usable[-1]
    return CpuCapability(level, module_name(level),
                         f"the highest level this CPU supports ({', '.join(supported)}) "
                         f"that this installation has ({', '.join(built)})", supported, built)
