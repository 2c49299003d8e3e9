import importlib
import os
import sys

import pytest


@pytest.fixture(scope="session")
def core():
    """The native module. DENSEFIT_CORE_DIR points at a build folder holding a fresh `_core`
    (for working on one op without reinstalling the package)."""
    build_dir = os.environ.get("DENSEFIT_CORE_DIR")
    if build_dir:
        sys.path.insert(0, build_dir)
        return importlib.import_module("_core")
    from densefit import _core

    return _core
