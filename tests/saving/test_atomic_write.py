"""Writes are atomic: a process killed in the middle of `save` leaves the previous file."""

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import densefit as keras
from densefit.saving import atomic_file
from saving_helpers import small_model

_CHILD = r"""
import sys
import numpy as np
import densefit as keras
from densefit.layers import Dense, Dropout
keras.utils.set_random_seed(7)
model = keras.Sequential([Dense(8, activation="relu", input_shape=(6,)), Dropout(0.25),
                          Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(np.ones((8, 6), np.float32), np.ones((8, 1), np.float32), epochs=3, verbose=0)
getattr(model, sys.argv[2])(sys.argv[1])
print("saved")
"""


@pytest.mark.parametrize("method,name", [("save", "ckpt.keras"),
                                         ("save_weights", "ckpt.weights.h5")])
def test_killed_during_save_leaves_the_old_checkpoint(tmp_path, data, method, name):
    x, y = data
    path = tmp_path / name
    old = small_model()
    old.fit(x, y, epochs=1, verbose=0)
    getattr(old, method)(path)
    before = path.read_bytes()
    marker = tmp_path / "paused"
    env = dict(os.environ, DENSEFIT_TEST_PAUSE_BEFORE_RENAME=str(marker))
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(path), method], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the child never reached the pause"
            time.sleep(0.02)
        temps = [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
        assert temps, "the new content should sit in a temporary file next to the target"
        assert os.path.getsize(tmp_path / temps[0]) > 0
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert path.read_bytes() == before
    restored = small_model(seed=1)
    if method == "save":
        restored = keras.models.load_model(path)
    else:
        restored.load_weights(path)
    np.testing.assert_array_equal(restored.predict(x, verbose=0), old.predict(x, verbose=0))


def _kill_paused_writer(tmp_path, path, method):
    """A child killed while its finished temporary file waits to be renamed over `path`."""
    marker = tmp_path / "paused"
    env = dict(os.environ, DENSEFIT_TEST_PAUSE_BEFORE_RENAME=str(marker))
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(path), method], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the child never reached the pause"
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    marker.unlink()


@pytest.mark.parametrize("method,name", [("save", "ckpt.keras"),
                                         ("save_weights", "ckpt.weights.h5")])
def test_the_next_save_removes_temporary_files_of_killed_writers(tmp_path, data, method, name):
    path = tmp_path / name
    for _ in range(2):
        _kill_paused_writer(tmp_path, path, method)
        assert [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
    model = small_model()
    getattr(model, method)(path)  # this process started before both writers died
    assert os.listdir(tmp_path) == [name]


def test_temporary_files_of_live_writers_and_other_files_are_kept(tmp_path):
    path = tmp_path / "f.bin"
    live = tmp_path / f".f.bin.{atomic_file._HOST}-{os.getppid()}.abc123.tmp"
    live.write_bytes(b"another process is writing this")
    other_host = tmp_path / ".f.bin.elsewhere-1.abc123.tmp"
    other_host.write_bytes(b"x")
    other_target = tmp_path / ".g.bin.somehost-1.abc123.tmp"
    other_target.write_bytes(b"x")
    unrelated = tmp_path / "notes.tmp"
    unrelated.write_bytes(b"x")
    atomic_file.write_bytes(path, b"new")
    assert sorted(os.listdir(tmp_path)) == sorted(
        ["f.bin", live.name, other_host.name, other_target.name, unrelated.name])


def test_exception_while_writing_keeps_old_file_and_cleans_up(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_file.atomic_write(path) as f:
            f.write(b"partial")
            raise RuntimeError("disk full")
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["f.bin"]
    atomic_file.write_bytes(path, b"new")
    assert path.read_bytes() == b"new" and os.listdir(tmp_path) == ["f.bin"]
    assert oct(os.stat(path).st_mode & 0o777) == oct(0o666 & ~atomic_file._UMASK)
