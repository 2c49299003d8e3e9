"""model.export("m.onnx", format="onnx") runs in ONNX Runtime with the model's predictions
(issue 6). Skipped where onnx / onnxruntime are not installed (they are in the test extra)."""

import numpy as np
import pytest

import densefit as keras
from serving_models import inputs, w4_like

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

ACTIVATIONS = ["relu", "sigmoid", "tanh", "softmax", "log_softmax", "gelu", "elu",
               "selu", "softplus", "softsign", "silu", "leaky_relu", "relu6", "hard_sigmoid",
               "hard_silu", "exponential", "mish", "linear"]


def _run(path, x):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (name,) = [i.name for i in session.get_inputs()]
    return session.run(None, {name: x})[0]


def test_w4_like_model_matches_in_onnx_runtime(tmp_path):
    model = w4_like()
    path = model.export(tmp_path / "m.onnx")  # format picked from the extension
    x = inputs(50, 48)
    np.testing.assert_allclose(_run(path, x), model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_each_activation_matches(tmp_path, activation):
    keras.utils.set_random_seed(7)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(6, activation=activation),
                              keras.layers.Dense(4, use_bias=False)])
    path = model.export(tmp_path / "a.onnx", format="onnx")
    x = inputs(20, 5)
    np.testing.assert_allclose(_run(path, x), model.predict(x, verbose=0), rtol=2e-5, atol=2e-6)


def test_shapes_dropout_and_activation_layers(tmp_path):
    keras.utils.set_random_seed(8)
    model = keras.Sequential([keras.Input((4, 3)), keras.layers.Flatten(),
                              keras.layers.Dense(8, activation=keras.activations.leaky_relu),
                              keras.layers.Dropout(0.4), keras.layers.Activation("elu"),
                              keras.layers.Dense(2, activation="sigmoid")])
    path = model.export(tmp_path / "s.onnx", format="onnx")
    x = inputs(9, 12).reshape(9, 4, 3)
    out = _run(path, x)
    assert out.shape == (9, 2)
    np.testing.assert_allclose(out, model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    onnx.checker.check_model(onnx.load(str(path)))


def test_dense_over_time_steps(tmp_path):
    keras.utils.set_random_seed(9)
    model = keras.Sequential([keras.Input((5, 3)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(2)])
    path = model.export(tmp_path / "t.onnx")
    x = inputs(30, 3).reshape(6, 5, 3)
    out = _run(path, x)
    assert out.shape == (6, 5, 2)
    np.testing.assert_allclose(out, model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
