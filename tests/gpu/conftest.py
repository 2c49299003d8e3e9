"""GPU tests: marked `gpu`, skipped cleanly when this build has no CUDA backend or the
machine no usable device (docs/cuda.md has the commands for a device run)."""

import pytest

from densefit import _cuda_loader


def pytest_collection_modifyitems(config, items):
    why = _cuda_loader.unavailable_reason(0)
    for item in items:
        if "tests/gpu/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.gpu)
            if why:
                item.add_marker(pytest.mark.skip(reason=f"no CUDA device: {why}"))


@pytest.fixture
def cuda():
    return _cuda_loader.cuda_module()
