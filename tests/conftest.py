import pytest


@pytest.fixture(scope="session")
def core():
    """The native module (DENSEFIT_CORE_DIR, read by densefit._native, points at a build
    folder holding a fresh `_core` to use instead of the installed one)."""
    from densefit._native import core

    return core
