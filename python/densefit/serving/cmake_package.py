"""Where C++ programs find densefit: the CMake package config installed in the wheel."""

import os


def get_cmake_dir():
    """The folder holding densefitConfig.cmake, for `cmake -Ddensefit_DIR=...` (or
    CMAKE_PREFIX_PATH) so that `find_package(densefit CONFIG)` gives the target densefit::core.

    The installed package carries it in densefit/cmake (with the static core library and the
    headers beside it). In a source checkout, the build folder whose `_core` is loaded
    (DENSEFIT_CORE_DIR, or where python/densefit/_core*.so links to) exports one too."""
    from densefit._native import core

    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    core_dir = os.path.dirname(os.path.realpath(core.__file__))
    # An editable install keeps `_core` and cmake/ in site-packages, away from the sources.
    candidates = [core_dir, os.path.join(core_dir, "cmake"), os.path.join(package, "cmake")]
    for folder in candidates:
        if os.path.isfile(os.path.join(folder, "densefitConfig.cmake")):
            return folder
    raise FileNotFoundError(f"densefit's CMake package is not installed (looked in "
                            f"{', '.join(candidates)}); `pip install .` installs it")
