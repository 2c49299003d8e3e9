"""The sizes a config declares are checked before any native network is built for them:
against the weights its file holds (load_model), and against densefit's limits (any config,
from_config included). The corpus (test_malformed_files.py) has one file per hostile size; this
checks the order and the paths the corpus does not take."""

import io
import json
import os
import zipfile

import numpy as np
import pytest

import densefit as keras
from densefit import config
from densefit.layers import Dense
from densefit.saving import MalformedFileError, keras_zip, size_limits

CORPUS = os.path.join(os.path.dirname(__file__), "..", "data", "malformed")


@pytest.fixture
def networks_built(monkeypatch):
    """How many native networks were constructed since the test began."""
    built = []
    real = config.native_network_class

    def counting():
        make = real()

        def network(*args):
            built.append(args)
            return make(*args)
        return network

    monkeypatch.setattr(config, "native_network_class", counting)
    return built


@pytest.mark.parametrize("name", ["wrong_units.keras", "config_huge_units.keras",
                                  "config_huge_batch_shape.keras", "h5_extra_variable.keras"])
def test_a_config_that_differs_from_its_weights_builds_nothing(networks_built, name):
    with pytest.raises(MalformedFileError, match="layer 'dense'"):
        keras.models.load_model(os.path.join(CORPUS, name))
    assert networks_built == []


def _edited(model, tmp_path, edit):
    with zipfile.ZipFile(io.BytesIO(keras_zip.model_bytes(model))) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    cfg = json.loads(members["config.json"])
    edit(cfg)
    members["config.json"] = json.dumps(cfg).encode()
    path = tmp_path / "edited.keras"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_a_functional_config_is_checked_against_its_weights(tmp_path, networks_built):
    inputs = keras.Input((3,))
    outputs = Dense(2, name="head")(Dense(4, name="body")(inputs))
    model = keras.Model(inputs, outputs)
    model.compile("adam", "mse")
    networks_built.clear()

    def huge(cfg):
        head = next(e for e in cfg["config"]["layers"] if e["config"].get("name") == "head")
        head["config"]["units"] = 10 ** 12

    with pytest.raises(MalformedFileError,
                       match=r"layer 'head' \(saved as 'layers/dense_1'\): variable 0 has shape "
                             r"\(4, 2\) in the file, the config declares \(4, 1000000000000\)"):
        keras.models.load_model(_edited(model, tmp_path, huge))
    assert networks_built == []
    loaded = keras.models.load_model(_edited(model, tmp_path, lambda cfg: None))
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_from_config_holds_a_model_to_densefits_parameter_limit(networks_built):
    # Each layer alone fits in memory; together they pass the limit.
    width = 1 << 16
    layers = [{"class_name": "InputLayer", "config": {"batch_shape": [None, width]}}] + [
        {"class_name": "Dense", "config": {"units": width, "name": f"d{i}"}} for i in range(5)]
    assert 5 * width * width > size_limits.MAX_PARAMS
    with pytest.raises(ValueError, match=r"layer 'd\d' declares \d+ parameters.*past the"):
        keras.Sequential.from_config({"name": "wide", "layers": layers})
    assert networks_built == []


def test_from_config_refuses_too_many_layers_before_deserializing_them():
    layers = [{"class_name": "Dropout", "config": {"rate": 0.1}}] * (size_limits.MAX_LAYERS + 1)
    with pytest.raises(ValueError, match=f"lists {size_limits.MAX_LAYERS + 1} layers"):
        keras.Sequential.from_config({"name": "deep", "layers": layers})


def test_honest_configs_at_the_edges_still_load(tmp_path):
    model = keras.Sequential([keras.Input((2, 3)), Dense(4), Dense(1)])
    model.compile("sgd", "mse")
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.input_shape == (None, 2, 3)
    x = np.ones((5, 2, 3), np.float32)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
