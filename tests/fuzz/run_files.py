"""Case runners over hostile files (worker side): a valid .keras or .weights.h5 written by
densefit, corrupted by the case's ops (fuzz_corrupt.py), then loaded.

load_corrupted: loading either succeeds, with a model that predicts and, when the weights
    were not touched, the original weights and finite predictions; or raises
    MalformedFileError / ValueError (TypeError for a class it cannot locate, as Keras), from
    densefit's own checks, leaving a model that load_weights was called on as it was.
    (The worker's memory budget covers "never allocate what a file declares".)
backup_position: BackupAndRestore finding a backup whose resume position attribute is
    anything at all: fit resumes at a position inside [0, epochs) or refuses the file
    cleanly; it never crashes, hangs or runs epochs that do not exist.
"""

import json
import os
import zipfile

import numpy as np

import densefit as keras
from densefit.callbacks import BackupAndRestore
from densefit.saving import weights_h5

from fuzz_checks import error_problems, traceback_text
from fuzz_corrupt import apply_archive_op, apply_byte_op, edit_h5, members, zip_of
from fuzz_models import compiled, data, with_head
from fuzz_oracle import close, forward
from fuzz_probe import BatchProbe
from fuzz_values import materialize, same

ALLOWED = (ValueError, TypeError)


def _base(case):
    model = compiled(case["model"], case["loss"], optimizer="adam")
    x, y = data(case["loss"], 8, tuple(case["model"]["input_shape"]), case["data_seed"])
    if case.get("trained", True):
        model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    return model, x


def load_corrupted(case, workdir):
    violations = []
    model, x = _base(case)
    original = model.get_weights()
    desc = with_head(case["model"], case["loss"])
    weights_touched = bool(case.get("h5_edits")) or any(
        op["op"] == "h5" for op in case.get("archive_ops", []))
    if case["target"] == "keras":
        path = os.path.join(workdir, "model.keras")
        model.save(path)
        with open(path, "rb") as f:
            blob = f.read()
        entries = members(blob)
        for op in case.get("archive_ops", []):
            entries = apply_archive_op(entries, op)
        if case.get("archive_ops"):
            bomb = any(op["op"] == "bomb" for op in case["archive_ops"])
            blob = zip_of(entries, zipfile.ZIP_DEFLATED if bomb else zipfile.ZIP_STORED)
    else:
        path = os.path.join(workdir, "model.weights.h5")
        model.save_weights(path)
        with open(path, "rb") as f:
            blob = f.read()
        for edit in case.get("h5_edits", []):
            blob = edit_h5(blob, edit)
    for op in case.get("byte_ops", []):
        blob = apply_byte_op(blob, op)
        weights_touched = weights_touched or case["target"] == "weights"
    with open(path, "wb") as f:
        f.write(blob)

    target = None
    if case["target"] == "weights":
        target = compiled(case["model"], case["loss"], optimizer="adam")
        before = target.get_weights()
    label = f"loading a corrupted {os.path.basename(path)}"
    try:
        if target is None:
            loaded = keras.models.load_model(path)
        else:
            target.load_weights(path)
            loaded = target
    except Exception as e:  # noqa: BLE001 - classified below
        violations += [f"{label}: {p}" for p in error_problems(e, ALLOWED, on_purpose=True)]
        if target is not None and not all(map(same, target.get_weights(), before)):
            violations.append(f"{label} failed but changed the model's weights")
        return violations
    try:
        out = loaded.predict(x, verbose=0)
        got = loaded.get_weights()
    except Exception as e:  # noqa: BLE001
        return violations + [f"{label} loaded a model whose predict raised: "
                             f"{traceback_text(e)}"]
    if not weights_touched:
        if len(got) != len(original) or not all(map(same, got, original)):
            violations.append(f"{label}: the weights member was not touched, yet the loaded "
                              f"weights differ from the saved ones")
        elif not np.all(np.isfinite(out)):
            violations.append(f"{label}: predictions are not finite")
        elif not any(op["op"] == "config_edit" for op in case.get("archive_ops", [])):
            ref = forward(desc["layers"], got, x)  # the architecture is the saved one
            if not close(out, ref)[0]:
                violations.append(f"{label}: predict differs from the NumPy forward pass")
    return violations


def _position_attr(path, value, raw):
    """Writes the backup's position attribute: a JSON text of `value`, or `value` itself as an
    HDF5 attribute of any type (raw)."""
    import h5py

    from fuzz_corrupt import materialize_attr

    with h5py.File(path, "a") as f:
        if raw:
            f.attrs["densefit_backup_position"] = materialize_attr(value)
        else:
            f.attrs["densefit_backup_position"] = json.dumps(materialize(value))


def backup_position(case, workdir):
    violations = []
    model, x = _base(case)
    _, y = data(case["loss"], 8, tuple(case["model"]["input_shape"]), case["data_seed"])
    backup_dir = os.path.join(workdir, "backup")
    os.makedirs(backup_dir)
    weights_path = os.path.join(backup_dir, "latest.weights.h5")
    with open(weights_path, "wb") as f:
        f.write(weights_h5.weights_bytes(model))
    _position_attr(weights_path, case["position"], case.get("raw", False))
    fresh = compiled(case["model"], case["loss"], optimizer="adam")
    before = fresh.get_weights()
    epochs = case["epochs"]
    probe = BatchProbe()
    label = f"fit(epochs={epochs}) resuming from a backup at position {case['position']!r}"
    try:
        history = fresh.fit(x, y, batch_size=4, epochs=epochs, verbose=0,
                            callbacks=[BackupAndRestore(backup_dir, save_freq=case["save_freq"]),
                                       probe])
    except Exception as e:  # noqa: BLE001 - classified below
        violations += [f"{label}: {p}" for p in error_problems(e, ALLOWED, on_purpose=True)]
        if probe.epoch_batches:
            violations.append(f"{label}: refused only after training epochs "
                              f"{[e for e, _ in probe.epoch_batches]}")
        return violations
    ran = [e for e, _ in probe.epoch_batches]
    if any(e < 0 or e >= epochs for e in ran) or len(ran) > epochs:
        violations.append(f"{label} ran epochs {ran}, outside [0, {epochs})")
    batches = [b for _, b in probe.epoch_batches]
    if any(b > 2 for b in batches):  # 8 samples, batch_size 4
        violations.append(f"{label} ran {batches} batches per epoch; an epoch has 2")
    if len(history.history.get("loss", [])) != len(ran):
        violations.append(f"{label}: History has {len(history.history.get('loss', []))} "
                          f"epochs, {len(ran)} ran")
    if not ran and not all(map(same, fresh.get_weights(), model.get_weights())) and \
            not all(map(same, fresh.get_weights(), before)):
        violations.append(f"{label}: no epoch ran, yet the weights are neither the backup's "
                          f"nor the model's own")
    return violations
