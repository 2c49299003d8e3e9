"""Device selection (densefit.config): runs everywhere; on a machine without a GPU it checks
that asking for CUDA fails clearly and "auto" falls back to the CPU."""

import pytest

from densefit import _cuda_loader, config
from densefit._native import core


@pytest.mark.parametrize("bad", ["gpu", "cuda:x", "cpu:1", "", 0, None])
def test_malformed_device_raises_value_error(bad):
    with pytest.raises(ValueError, match="device"):
        config.set_device(bad)


def test_cpu_device_builds_core_networks():
    config.set_device("cpu")
    try:
        assert config.device() == "cpu"
        assert config.native_network_class() is core.Network
    finally:
        config.set_device("auto")


def test_auto_picks_cuda_exactly_when_usable():
    config.set_device("auto")
    usable = _cuda_loader.unavailable_reason(0) is None
    assert config.device() == ("cuda:0" if usable else "cpu")


@pytest.mark.skipif(_cuda_loader.unavailable_reason(0) is None, reason="a GPU is present")
def test_cuda_without_a_device_raises_with_the_reason():
    with pytest.raises(ValueError, match="not available"):
        config.set_device("cuda")
    with pytest.raises(ValueError, match="not available"):
        config.set_device("cuda:3")
    assert config.device() in ("cpu", "cuda:0")
