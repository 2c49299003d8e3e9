"""A process killed (SIGKILL) at random moments while it saves, again and again to the same
path, always leaves a file that loads and is one complete version of what it wrote, and the
temporary files of the killed writes do not pile up.

Each child stamps every version it writes with one number (all its weights equal it), so a
file mixing two versions, or a half-written one, cannot pass for a complete one. The four ways
densefit writes are covered: `model.save`, `save_weights`, `ModelCheckpoint` every batch during
`fit`, and `BackupAndRestore` every batch with `double_checkpoint` (whose children also resume
from what the killed one left)."""

import json
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import time

import h5py
import numpy as np
import pytest

import densefit as keras
from densefit.layers import Dense
from densefit.saving import write_bytes

_CHILD = r"""
import itertools, sys
import numpy as np
import densefit as keras
from densefit.callbacks import BackupAndRestore, Callback, ModelCheckpoint
from densefit.layers import Dense

mode, path, first = sys.argv[1], sys.argv[2], int(sys.argv[3])
keras.utils.set_random_seed(0)
model = keras.Sequential([Dense(16, activation="relu", input_shape=(8,)), Dense(4)])
model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
x, y = np.ones((64, 8), np.float32), np.zeros((64, 4), np.float32)

def stamp(k):
    model.set_weights([np.full(w.shape, k / 1024, np.float32) for w in model.get_weights()])

class Stamp(Callback):  # runs before the saving callback: the version saved is stamped
    def __init__(self, value):
        super().__init__()
        self.value = value
    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch
    def on_train_batch_end(self, batch, logs=None):
        stamp(self.value(self.epoch, batch))

print("ready", flush=True)
if mode in ("save", "save_weights"):
    save = getattr(model, mode)
    for k in itertools.count(first):
        stamp(k)
        save(path)
elif mode == "checkpoint":
    counter = itertools.count(first)
    model.fit(x, y, batch_size=8, epochs=10 ** 6, verbose=0,
              callbacks=[Stamp(lambda e, b: next(counter)), ModelCheckpoint(path, save_freq=1)])
else:
    # The stamp is the position the backup records, so weights and position must agree.
    model.fit(x, y, batch_size=8, epochs=10 ** 6, verbose=0,
              callbacks=[Stamp(lambda e, b: e * 1000 + b + 1),
                         BackupAndRestore(path, save_freq=1, double_checkpoint=True,
                                          delete_checkpoint=False)])
"""

_KILLS_PER_MODE = 5
_TARGETS = {"save": ["model.keras"], "save_weights": ["model.weights.h5"],
            "checkpoint": ["model.keras"],
            "backup": ["latest.weights.h5", "latest.weights.h5.bkp", "training_metadata.json",
                       "training_metadata.json.bkp"]}


def _template():
    model = keras.Sequential([Dense(16, activation="relu", input_shape=(8,)), Dense(4)])
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    return model


def _stamp_of(model, path):
    """The one number all the model's weights equal (times 1024), or a failed assertion."""
    values = np.concatenate([w.ravel() for w in model.get_weights()])
    assert np.all(values == values[0]), f"{path} mixes versions: {np.unique(values)[:8]}"
    stamp = float(values[0]) * 1024
    assert stamp == int(stamp) and stamp >= 1, f"{path} holds no version the child wrote"
    return int(stamp)


def _check(mode, directory, first_of_run, scratch):
    """Every target present loads as one complete version; returns the names present."""
    present = [name for name in _TARGETS[mode] if (directory / name).exists()]
    for name in present:
        path = directory / name
        if ".json" in name:
            assert set(json.loads(path.read_text())) == {"epoch", "batch"}
            continue
        if mode in ("save", "checkpoint"):
            model = keras.models.load_model(path)
        else:
            if name.endswith(".bkp"):  # load_weights reads .weights.h5 names only
                shutil.copyfile(path, scratch / "bkp.weights.h5")
                path = scratch / "bkp.weights.h5"
            model = _template()
            model.load_weights(path)
        stamp = _stamp_of(model, path)
        if mode == "backup":
            with h5py.File(path, "r") as f:
                position = json.loads(f.attrs["densefit_backup_position"])
            assert stamp == position["epoch"] * 1000 + position["batch"] + 1, (path, position)
        else:
            # This run's versions, or (killed before its first write) an earlier run's.
            assert stamp < first_of_run + 1000, (path, stamp)
    return present


def _strays(directory, targets):
    """{target: its temporary files} (a temporary file is named `.<target>.<...>.tmp`)."""
    out = {name: [] for name in targets}
    for entry in sorted(os.listdir(directory)):
        if entry.endswith(".tmp"):
            owners = [name for name in targets if entry.startswith(f".{name}.")]
            assert owners, f"a temporary file of no target: {entry}"
            out[max(owners, key=len)].append(entry)
    return out


def _wait_ready(child, timeout=60):
    ready, _, _ = select.select([child.stdout], [], [], timeout)
    assert ready, "the child did not start"
    line = child.stdout.readline()
    assert line == b"ready\n", (line, child.communicate(timeout=30))


@pytest.mark.parametrize("mode", sorted(_TARGETS))
def test_random_kills_leave_complete_files(tmp_path, mode):
    rng = random.Random(f"kill-{mode}")
    directory = tmp_path / mode
    directory.mkdir()
    target = directory if mode == "backup" else directory / _TARGETS[mode][0]
    ever_written = set()
    for run in range(_KILLS_PER_MODE):
        first = 1000 * (run + 1)
        child = subprocess.Popen([sys.executable, "-c", _CHILD, mode, str(target), str(first)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            _wait_ready(child)
            time.sleep(rng.uniform(0.02, 0.3))
            assert child.poll() is None, child.communicate(timeout=30)
            child.kill()
        finally:
            child.wait(timeout=30)
            child.stdout.close()
            child.stderr.close()
        assert child.returncode == -signal.SIGKILL
        present = _check(mode, directory, first, tmp_path)
        assert ever_written <= set(present), "a killed write lost a file that existed"
        ever_written |= set(present)
        # The writes a kill interrupted leave at most one temporary file per target: the
        # next write to it cleans up after the dead one.
        strays = _strays(directory, _TARGETS[mode])
        assert all(len(files) <= 1 for files in strays.values()), strays
    assert ever_written, "no kill came after a complete write; the delays are too short"
    # One more write of each target, from this process (which outlived every killed child),
    # leaves no temporary file at all.
    for name in ever_written:
        write_bytes(directory / name, (directory / name).read_bytes())
    assert _strays(directory, _TARGETS[mode]) == {name: [] for name in _TARGETS[mode]}

