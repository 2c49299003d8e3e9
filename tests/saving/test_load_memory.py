"""Loading a `.keras` whose weights member is far larger than its config's weights could need
is refused without reading the member into memory: a few MB of file cannot make densefit hold
hundreds of MB (the peak resident size of a child process that loads it stays near that of one
loading the honest file)."""

import io
import json
import subprocess
import sys
import zipfile

import numpy as np

import densefit as keras
from densefit.layers import Dense
from densefit.saving import keras_zip

_CHILD = r"""
import json, resource, sys
import densefit as keras
try:
    keras.models.load_model(sys.argv[1])
    outcome = "loaded"
except Exception as e:
    outcome = f"{type(e).__name__}: {e}"
print(json.dumps({"outcome": outcome,
                  "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

_JUNK_MIB = 128


def _members():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([Dense(2, activation="relu", input_shape=(3,))])
    model.compile(optimizer="adam", loss="mse")
    with zipfile.ZipFile(io.BytesIO(keras_zip.model_bytes(model))) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _load_in_child(path):
    out = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True,
                         timeout=300, check=True)
    return json.loads(out.stdout.decode().strip().splitlines()[-1])


def test_an_oversized_weights_member_is_refused_before_it_is_read(tmp_path):
    members = _members()
    honest = tmp_path / "honest.keras"
    with zipfile.ZipFile(honest, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    # The honest weights followed by junk HDF5 ignores, compressed ~30x: below the ratio
    # that marks a zip bomb, so only the budget the config implies can stop it.
    rng = np.random.default_rng(0)
    block = (rng.random(1 << 20) < 0.01).astype(np.uint8).tobytes()
    hostile = tmp_path / "hostile.keras"
    with zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("metadata.json", members["metadata.json"])
        zf.writestr("config.json", members["config.json"])
        with zf.open("model.weights.h5", "w", force_zip64=True) as f:
            f.write(members["model.weights.h5"])
            for _ in range(_JUNK_MIB):
                f.write(block)
    assert hostile.stat().st_size < _JUNK_MIB * (1 << 20) / 10

    baseline = _load_in_child(honest)
    assert baseline["outcome"] == "loaded"
    result = _load_in_child(hostile)
    assert result["outcome"].startswith("MalformedFileError"), result
    assert "model.weights.h5 declares" in result["outcome"]
    grown_mib = (result["peak_kb"] - baseline["peak_kb"]) / 1024
    assert grown_mib < _JUNK_MIB / 4, (baseline, result)
