"""The native engine's CPU levels (docs/build.md, "CPU levels"): the level chosen at import
(the best the CPU and OS support among those built, or DENSEFIT_CPU_CAPABILITY's), the op
tests and a seeded training at every level this machine runs, and each refusal."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import densefit
from densefit import cpu_dispatch
from densefit._native import core

ROOT = Path(__file__).resolve().parents[1]
CAPABILITY = densefit.config.cpu_capability()
PORTABLE = CAPABILITY.level is not None
RUNNABLE = [level for level in cpu_dispatch.LEVELS
            if level in CAPABILITY.supported and level in CAPABILITY.built]
needs_levels = pytest.mark.skipif(not PORTABLE, reason="a build for one machine (no levels)")

TRAIN = """
import numpy as np, densefit
densefit.utils.set_random_seed(3)
model = densefit.Sequential([densefit.Input((20,)), densefit.layers.Dense(64, activation="relu"),
                             densefit.layers.Dropout(0.1), densefit.layers.Dense(3, activation="softmax")])
model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
rng = np.random.default_rng(0)
x = rng.normal(size=(512, 20)).astype("float32"); y = rng.integers(0, 3, 512)
model.fit(x, y, epochs=2, batch_size=64, verbose=0)
np.save({path!r}, np.concatenate([w.ravel() for w in model.get_weights()]))
print(densefit.config.cpu_capability().level, densefit._native.core.cpu_level)
"""


def _run(code, level=None, wrapper=()):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop(cpu_dispatch.ENV, None)
    if level is not None:
        env[cpu_dispatch.ENV] = level
    return subprocess.run([*wrapper, sys.executable, "-c", code], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=600)


def test_the_chosen_module_is_the_one_loaded():
    assert CAPABILITY.module in ("_core", "_core_avx2", "_core_avx512")
    assert CAPABILITY.reason
    if PORTABLE:
        assert core.cpu_level == CAPABILITY.level
        if cpu_dispatch.ENV not in os.environ:
            assert CAPABILITY.level == RUNNABLE[-1]  # the best this machine runs
    else:
        assert core.cpu_level in ("native", "baseline")


@needs_levels
@pytest.mark.parametrize("level", cpu_dispatch.LEVELS)
def test_op_tests_and_a_seeded_training_at_every_level(level, tmp_path):
    if level not in RUNNABLE:
        pytest.skip(f"this machine or build does not run {level}")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/ops"], capture_output=True, text=True, cwd=ROOT, timeout=600,
                          env={**os.environ, cpu_dispatch.ENV: level,
                               "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    ran = _run(TRAIN.format(path=str(tmp_path / f"{level}.npy")), level)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split() == [level, level]
    baseline = tmp_path / "baseline.npy"
    if level != "baseline":
        assert _run(TRAIN.format(path=str(baseline)), "baseline").returncode == 0
        # The same training at another level: the same up to the rounding of its FMAs.
        np.testing.assert_allclose(np.load(tmp_path / f"{level}.npy"), np.load(baseline),
                                   rtol=1e-3, atol=1e-4)


def _choose_with(monkeypatch, supported, built, requested=None):
    monkeypatch.setattr(cpu_dispatch, "_supported", lambda build_dir: supported)
    monkeypatch.setattr(cpu_dispatch, "_built", lambda build_dir: built)
    if requested is None:
        monkeypatch.delenv(cpu_dispatch.ENV, raising=False)
    else:
        monkeypatch.setenv(cpu_dispatch.ENV, requested)
    return cpu_dispatch.choose()


def test_choice_and_refusals(monkeypatch):
    every = list(cpu_dispatch.LEVELS)
    assert _choose_with(monkeypatch, every, every).module == "_core_avx512"
    assert _choose_with(monkeypatch, ["baseline", "avx2"], every).module == "_core_avx2"
    assert _choose_with(monkeypatch, every, ["baseline", "avx2"]).level == "avx2"
    assert _choose_with(monkeypatch, every, every, "AVX2").module == "_core_avx2"
    assert _choose_with(monkeypatch, every, every, "baseline").module == "_core"
    native = _choose_with(monkeypatch, None, ["baseline"])
    assert native.level is None and native.module == "_core"
    with pytest.raises(ValueError, match="not a CPU level"):
        _choose_with(monkeypatch, every, every, "sse9")
    with pytest.raises(RuntimeError, match="supports only baseline, avx2"):
        _choose_with(monkeypatch, ["baseline", "avx2"], every, "avx512")
    with pytest.raises(RuntimeError, match="no _core_avx512 module"):
        _choose_with(monkeypatch, every, ["baseline", "avx2"], "avx512")
    with pytest.raises(ValueError, match="single native module"):
        _choose_with(monkeypatch, None, ["baseline"], "avx2")
    with pytest.raises(RuntimeError, match="x86-64-v2 CPU at least"):
        _choose_with(monkeypatch, [], every)


def test_a_bad_override_fails_the_import_clearly():
    done = _run("import densefit", "avx1024")
    assert done.returncode != 0 and "DENSEFIT_CPU_CAPABILITY='avx1024' is not a CPU level" in \
        done.stderr


QEMU_CPUS = {"Nehalem": "baseline", "Haswell": "avx2"}  # x86-64-v2, x86-64-v3


@needs_levels
@pytest.mark.skipif(shutil.which("qemu-x86_64") is None, reason="qemu-user is not installed")
@pytest.mark.parametrize("cpu", QEMU_CPUS)
def test_imports_and_trains_on_older_cpus_under_qemu(cpu, tmp_path):
    """No instruction above a level outside its own module: on an emulated CPU of that level
    the import picks it and a training runs (an illegal instruction would kill it)."""
    done = _run(TRAIN.format(path=str(tmp_path / "w.npy")), wrapper=("qemu-x86_64", "-cpu", cpu))
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == [QEMU_CPUS[cpu]] * 2
