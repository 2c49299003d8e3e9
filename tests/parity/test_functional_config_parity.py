"""Functional get_config -> from_config, in both directions between densefit and Keras."""

import numpy as np
import pytest

import densefit
from keras_oracle import keras


pytestmark = pytest.mark.parity


def _build(lib):
    i = lib.Input((4, 2), name="features")
    h = lib.layers.Flatten(name="flat")(i)
    h = lib.layers.Dense(3, activation="relu", name="hidden")(h)
    h = lib.layers.Dropout(0.25, name="drop")(h)
    o = lib.layers.Dense(1, activation="sigmoid", name="score")(h)
    return lib.Model(i, o, name="scorer")


def _summary(model):
    """What a config must carry over: names, classes, the layers' own configs and shapes."""
    layers = [l for l in model.layers if type(l).__name__ != "InputLayer"]
    return (model.name, [(type(l).__name__, l.name) for l in layers],
            [w.shape for w in model.get_weights()],
            [l.get_config().get("units") for l in layers],
            [l.get_config().get("activation") for l in layers])


@pytest.mark.parametrize("source, target", [("densefit", "densefit"), ("densefit", "keras"),
                                            ("keras", "densefit")])
def test_functional_config_round_trips(source, target):
    k = keras()
    libs = {"densefit": densefit, "keras": k}
    original = _build(libs[source])
    rebuilt = libs[target].Model.from_config(original.get_config())
    assert _summary(rebuilt) == _summary(original)
    # Same weights give the same outputs: the graph was rebuilt, not just its names.
    rebuilt.set_weights(original.get_weights())
    x = np.random.default_rng(0).normal(size=(5, 4, 2)).astype(np.float32)
    np.testing.assert_allclose(np.asarray(rebuilt.predict(x, verbose=0)),
                               np.asarray(original.predict(x, verbose=0)), rtol=1e-6)


def test_functional_config_has_keras_keys():
    k = keras()
    ours, theirs = _build(densefit).get_config(), _build(k).get_config()
    assert set(ours) == set(theirs) - {"dtype"} or set(ours) == set(theirs)
    assert ours["input_layers"] == theirs["input_layers"]
    assert ours["output_layers"] == theirs["output_layers"]
    assert [l["name"] for l in ours["layers"]] == [l["name"] for l in theirs["layers"]]
    assert [l["inbound_nodes"][0]["args"][0]["config"]["keras_history"]
            for l in ours["layers"][1:]] == \
        [l["inbound_nodes"][0]["args"][0]["config"]["keras_history"] for l in theirs["layers"][1:]]
