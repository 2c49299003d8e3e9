"""model.export(path) writes the native model file (.dfm) that C++ programs load; reading it
back (densefit._core.load_model_file, the reader the C++ API uses) gives the same model."""

import os
import struct

import numpy as np
import pytest

import densefit as keras
from densefit._native import core
from serving_models import inputs, w4_like

ACTIVATIONS = ["relu", "sigmoid", "tanh", "softmax", "log_softmax", "gelu", "elu", "selu",
               "softplus", "softsign", "silu", "leaky_relu", "relu6", "hard_sigmoid",
               "hard_silu", "exponential", "mish", "linear"]


def test_round_trip_predicts_the_same(tmp_path):
    model = w4_like()
    path = model.export(tmp_path / "m.dfm")
    loaded = core.load_model_file(str(path))
    x = inputs(33, 48)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x, verbose=0))
    assert (loaded.input_dim, loaded.output_dim) == (48, 10)
    assert os.listdir(tmp_path) == ["m.dfm"]  # the temporary file was renamed, not left


def test_every_activation_bias_and_dropout_survive(tmp_path):
    keras.utils.set_random_seed(5)
    layers = [keras.Input((6,))]
    for name in ACTIVATIONS:
        layers.append(keras.layers.Dense(5, activation=name, use_bias=name != "tanh"))
    layers += [keras.layers.Dropout(0.3), keras.layers.Activation("leaky_relu"),
               keras.layers.Dense(3)]
    model = keras.Sequential(layers)
    model.export(tmp_path / "all.dfm", format="densefit")
    loaded = core.load_model_file(str(tmp_path / "all.dfm"))
    x = inputs(4, 6) * 0.5
    np.testing.assert_array_equal(loaded.predict(x), model.predict_on_batch(x))
    kinds = [layer["kind"] for layer in loaded.layers()]
    assert kinds.count("dense") == len(ACTIVATIONS) + 1 and "activation" in kinds


def test_export_arguments_are_checked(tmp_path):
    with pytest.raises(ValueError, match="format"):
        w4_like().export(tmp_path / "m", format="tf_saved_model")
    unbuilt = keras.Sequential([keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="not built"):
        unbuilt.export(tmp_path / "m.dfm")


def _corrupt(path, data):
    path.write_bytes(data)
    with pytest.raises(RuntimeError, match="densefit model file") as error:
        core.load_model_file(str(path))
    return str(error.value)


def test_malformed_files_raise_clear_errors(tmp_path):
    good = (tmp_path / "good.dfm")
    w4_like().export(good)
    data = good.read_bytes()
    bad = tmp_path / "bad.dfm"
    assert "magic" in _corrupt(bad, b"PK\x03\x04" + data[4:])
    assert "version" in _corrupt(bad, data[:8] + struct.pack("<I", 99) + data[12:])
    assert "truncated" in _corrupt(bad, data[:-100])
    assert "after the end" in _corrupt(bad, data + b"\0")
    # A hostile header asking for a huge layer must fail before allocating it.
    huge = data[:24] + struct.pack("<I", 1) + struct.pack("<q", 1 << 30) + data[36:]
    assert "truncated" in _corrupt(bad, huge)
    assert "too many layers" in _corrupt(bad, data[:12] + struct.pack("<I", 1 << 30) + data[16:])
    with pytest.raises(RuntimeError, match="cannot open"):
        core.load_model_file(str(tmp_path / "missing.dfm"))


def _layer_norm_model(**options):
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4),
                              keras.layers.LayerNormalization(**options)])
    rng = np.random.default_rng(9)
    model.set_weights([rng.standard_normal(w.shape).astype(np.float32)
                       for w in model.get_weights()])
    return model


def test_version_3_only_for_models_with_a_layer_op(tmp_path):
    # Plain chains stay version 1, which readers from before layer ops read.
    w4_like().export(tmp_path / "plain.dfm")
    _layer_norm_model().export(tmp_path / "ln.dfm")
    assert struct.unpack("<I", (tmp_path / "plain.dfm").read_bytes()[8:12]) == (1,)
    assert struct.unpack("<I", (tmp_path / "ln.dfm").read_bytes()[8:12]) == (3,)


def _op_record(kind, width, attributes, count):
    """The head of a version-3 layer-op record, up to its weights."""
    name = kind.encode()
    return (struct.pack("<II", 5, len(name)) + name + struct.pack("<qI", width, len(attributes))
            + struct.pack(f"<{len(attributes)}d", *attributes) + struct.pack("<I", count))


def test_version_2_layer_normalization_records_still_load(tmp_path):
    model = _layer_norm_model(epsilon=0.05)
    model.export(tmp_path / "v3.dfm")
    data = (tmp_path / "v3.dfm").read_bytes()
    head = _op_record("layer_normalization", 4, [np.float32(0.05), 1.0, 1.0], 2)
    at = data.index(head)
    # Version 2's record: kind 3, width, scale, center, float32 epsilon, then the weights.
    legacy = struct.pack("<IqIIf", 3, 4, 1, 1, 0.05)
    v2 = data[:8] + struct.pack("<I", 2) + data[12:at] + legacy + data[at + len(head):]
    (tmp_path / "v2.dfm").write_bytes(v2)
    x = np.random.default_rng(1).standard_normal((7, 5)).astype(np.float32)
    np.testing.assert_array_equal(core.load_model_file(str(tmp_path / "v2.dfm")).predict(x),
                                  model.predict(x, verbose=0))


@pytest.mark.parametrize("options", [{}, {"center": False}, {"scale": False},
                                     {"center": False, "scale": False}], ids=str)
def test_layer_normalization_round_trips(tmp_path, options):
    model = _layer_norm_model(epsilon=0.05, **options)
    model.export(tmp_path / "m.dfm")
    x = np.random.default_rng(1).standard_normal((7, 5)).astype(np.float32)
    loaded = core.load_model_file(str(tmp_path / "m.dfm"))
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x, verbose=0))
    layer = loaded.layers()[1]
    assert layer["kind"] == "layer_normalization" and layer["epsilon"] == np.float32(0.05)
    assert len(layer["params"]) == int(options.get("scale", True)) + int(options.get("center", True))


def test_malformed_layer_op_records_raise_clear_errors(tmp_path):
    _layer_norm_model().export(tmp_path / "good.dfm")
    data = (tmp_path / "good.dfm").read_bytes()
    bad = tmp_path / "bad.dfm"
    eps = float(np.float32(1e-3))
    head = _op_record("layer_normalization", 4, [eps, 1.0, 1.0], 2)
    at = data.index(head)  # the LayerNormalization record follows the Dense one

    def with_head(new_head):
        return data[:at] + new_head + data[at + len(head):]

    assert "epsilon" in _corrupt(bad, with_head(_op_record("layer_normalization", 4,
                                                           [0.0, 1.0, 1.0], 2)))
    assert "width is wrong" in _corrupt(bad, with_head(_op_record("layer_normalization", 5,
                                                                  [eps, 1.0, 1.0], 2)))
    assert "attributes" in _corrupt(bad, with_head(_op_record("layer_normalization", 4,
                                                              [eps, 1.0], 2)))
    assert "wrong number of weights" in _corrupt(bad, with_head(_op_record(
        "layer_normalization", 4, [eps, 1.0, 1.0], 3)))
    assert "unknown layer op 'layer_renormalization'" in _corrupt(bad, with_head(_op_record(
        "layer_renormalization", 4, [eps, 1.0, 1.0], 2)))
    assert "truncated" in _corrupt(bad, data[:at + len(head) + 10])
    # Versions 1 and 2 cannot hold a generic op record: kind 5 is unknown there.
    for version in (1, 2):
        assert "unknown layer kind" in _corrupt(bad, data[:8] + struct.pack("<I", version) +
                                                data[12:])


def test_batch_normalization_round_trips_with_its_moving_statistics(tmp_path):
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4),
                              keras.layers.BatchNormalization(epsilon=0.01, center=False)])
    rng = np.random.default_rng(2)
    model.set_weights([rng.uniform(0.5, 1.5, w.shape).astype(np.float32)
                       for w in model.get_weights()])
    model.export(tmp_path / "m.dfm")
    x = rng.standard_normal((6, 5)).astype(np.float32)
    loaded = core.load_model_file(str(tmp_path / "m.dfm"))
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x, verbose=0))
    layer = loaded.layers()[1]
    assert layer["kind"] == "batch_normalization"
    np.testing.assert_array_equal(layer["params"][1], model.layers[1].moving_mean.numpy())
    np.testing.assert_array_equal(layer["params"][2], model.layers[1].moving_variance.numpy())
