"""LayerNormalization, the first layer op (cpp/src/ops/): inference, training, every serving
path and .keras files both ways, against real Keras with the same weights."""

import numpy as np
import pytest

import densefit
from densefit._native import core
from keras_oracle import keras as keras_module

RNG = np.random.default_rng(5)
X = RNG.standard_normal((64, 6)).astype(np.float32) * 3 + 1
Y = RNG.standard_normal((64, 2)).astype(np.float32)


def build(lib, **options):
    return lib.Sequential([lib.Input((6,)), lib.layers.Dense(8, activation="tanh"),
                           lib.layers.LayerNormalization(**options),
                           lib.layers.Dense(2)])


def pair(**options):
    keras = keras_module()
    keras.utils.set_random_seed(1)
    theirs = build(keras, **options)
    ours = build(densefit, **options)
    weights = [w + RNG.standard_normal(w.shape).astype(np.float32) * 0.1
               for w in theirs.get_weights()]  # gamma/beta away from 1/0
    theirs.set_weights(weights)
    ours.set_weights(weights)
    return ours, theirs


OPTIONS = [{}, {"epsilon": 0.5}, {"center": False}, {"scale": False},
           {"center": False, "scale": False}, {"axis": [-1]}, {"axis": 1}]


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_inference_matches_keras(options):
    ours, theirs = pair(**options)
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    expected = np.asarray(theirs.predict(X, verbose=0))
    np.testing.assert_allclose(ours.predict(X, verbose=0), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ours.predict_on_batch(X[:3]), expected[:3], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np.asarray(ours(X[:1])), expected[:1], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("options", OPTIONS[:5], ids=str)
def test_training_matches_keras(options):
    ours, theirs = pair(**options)
    for model in (ours, theirs):
        model.compile(optimizer="adam", loss="mse")
    h_ours = ours.fit(X, Y, batch_size=16, epochs=3, shuffle=False, verbose=0).history
    h_theirs = theirs.fit(X, Y, batch_size=16, epochs=3, shuffle=False, verbose=0).history
    np.testing.assert_allclose(h_ours["loss"], h_theirs["loss"], rtol=1e-4)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-5)


def test_frozen_layer_keeps_its_weights_and_still_passes_gradients():
    ours, theirs = pair()
    for model in (ours, theirs):
        model.layers[1].trainable = False
        model.compile(optimizer="sgd", loss="mse")
        model.fit(X, Y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_array_equal(ours.layers[1].get_weights()[0],
                                  theirs.layers[1].get_weights()[0])
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_over_time_steps_normalizes_each_step():
    keras = keras_module()
    x = RNG.standard_normal((5, 3, 4)).astype(np.float32)
    models = [lib.Sequential([lib.Input((3, 4)), lib.layers.LayerNormalization()])
              for lib in (densefit, keras)]
    np.testing.assert_allclose(models[0].predict(x, verbose=0), models[1].predict(x, verbose=0),
                               rtol=1e-5, atol=1e-5)


def test_config_and_weight_names_match_keras():
    ours, theirs = pair(epsilon=0.01, center=False)
    # dtype: densefit's layers report the name where Keras 3 gives its DTypePolicy dict
    # (the same for every layer; the saved files convert, tests/parity/test_saving_parity.py).
    assert ours.layers[1].get_config() == {**theirs.layers[1].get_config(),
                                           "name": ours.layers[1].name, "dtype": "float32"}
    assert [v.name for v in ours.layers[1].weights] == [v.name for v in theirs.layers[1].weights]


def test_keras_file_loads_in_densefit_and_back(tmp_path):
    keras = keras_module()
    ours, theirs = pair(epsilon=0.01)
    theirs.save(tmp_path / "k.keras")
    loaded = densefit.models.load_model(tmp_path / "k.keras")
    np.testing.assert_allclose(loaded.predict(X, verbose=0), theirs.predict(X, verbose=0),
                               rtol=1e-5, atol=1e-5)
    loaded.save(tmp_path / "d.keras")
    back = keras.models.load_model(tmp_path / "d.keras")
    assert back.layers[1].epsilon == 0.01
    np.testing.assert_allclose(back.predict(X, verbose=0), theirs.predict(X, verbose=0),
                               rtol=1e-5, atol=1e-5)


def test_model_file_and_onnx_export_serve_the_same_answers(tmp_path):
    ours, _ = pair(epsilon=0.01, center=False)
    expected = ours.predict(X, verbose=0)
    ours.export(tmp_path / "m.dfm", format="densefit")
    served = core.load_model_file(str(tmp_path / "m.dfm"))  # what the C++ API loads
    np.testing.assert_allclose(served.predict(X), expected, rtol=1e-6, atol=1e-6)
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    ours.export(tmp_path / "m.onnx", format="onnx")
    session = ort.InferenceSession(str(tmp_path / "m.onnx"))
    (out,) = session.run(None, {"input": X})
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kwargs, error", [
    ({"axis": 0}, ValueError), ({"axis": "x"}, TypeError), ({"epsilon": 0}, ValueError),
    ({"rms_scaling": True}, ValueError), ({"gamma_regularizer": "l2"}, ValueError),
    ({"beta_constraint": "non_neg"}, ValueError)])
def test_what_densefit_cannot_run_is_refused_before_native_work(kwargs, error):
    with pytest.raises(error):
        build(densefit, **kwargs).build()
