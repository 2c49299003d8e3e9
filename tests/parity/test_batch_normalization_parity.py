"""BatchNormalization, the layer op with state (moving statistics in the arena, updated by
training passes only): training and inference mode, frozen layers, training-mode calls,
every serving path and .keras files both ways, against real Keras with the same weights."""

import numpy as np
import pytest

import densefit
from densefit._native import core
from keras_oracle import keras as keras_module

RNG = np.random.default_rng(11)
X = (RNG.standard_normal((96, 6)) * 2 + 1).astype(np.float32)
Y = RNG.standard_normal((96, 2)).astype(np.float32)


def build(lib, **options):
    return lib.Sequential([lib.Input((6,)), lib.layers.Dense(8),
                           lib.layers.BatchNormalization(**options),
                           lib.layers.Activation("relu"), lib.layers.Dense(2)])


def pair(**options):
    keras = keras_module()
    keras.utils.set_random_seed(3)
    theirs = build(keras, **options)
    ours = build(densefit, **options)
    weights = [w + RNG.uniform(0.1, 0.5, w.shape).astype(np.float32)
               for w in theirs.get_weights()]  # moving statistics away from 0 / 1
    theirs.set_weights(weights)
    ours.set_weights(weights)
    return ours, theirs


def assert_weights_close(ours, theirs, rtol=1e-4, atol=1e-5):
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


OPTIONS = [{}, {"momentum": 0.5, "epsilon": 0.1}, {"center": False}, {"scale": False},
           {"center": False, "scale": False}]


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_inference_uses_the_moving_statistics(options):
    ours, theirs = pair(**options)
    expected = np.asarray(theirs.predict(X, verbose=0))
    np.testing.assert_allclose(ours.predict(X, verbose=0), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ours.predict_on_batch(X[:2]), expected[:2], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np.asarray(ours(X[:1])), expected[:1], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_training_matches_keras_moving_statistics_included(options):
    # SGD: the Dense bias before a BatchNormalization has a zero gradient up to rounding
    # (the batch mean cancels it), which Adam would blow up into steps of the learning rate.
    ours, theirs = pair(**options)
    for model in (ours, theirs):
        model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    h_ours = ours.fit(X, Y, batch_size=32, epochs=3, shuffle=False, verbose=0,
                      validation_data=(X[:40], Y[:40])).history
    h_theirs = theirs.fit(X, Y, batch_size=32, epochs=3, shuffle=False, verbose=0,
                          validation_data=(X[:40], Y[:40])).history
    for key in h_theirs:
        np.testing.assert_allclose(h_ours[key], h_theirs[key], rtol=1e-4, err_msg=key)
    assert_weights_close(ours, theirs)
    # evaluate runs in inference mode and leaves the moving statistics alone.
    before = ours.layers[1].get_weights()
    np.testing.assert_allclose(ours.evaluate(X, Y, verbose=0), theirs.evaluate(X, Y, verbose=0),
                               rtol=1e-4)
    for a, b in zip(before, ours.layers[1].get_weights()):
        np.testing.assert_array_equal(a, b)


def test_train_on_batch_and_an_odd_last_batch():
    ours, theirs = pair()
    for model in (ours, theirs):
        model.compile(optimizer="sgd", loss="mse")
    for start in (0, 7, 50):
        ours.train_on_batch(X[start:start + 13], Y[start:start + 13])
        theirs.train_on_batch(X[start:start + 13], Y[start:start + 13])
    assert_weights_close(ours, theirs)
    ours.fit(X[:50], Y[:50], batch_size=16, epochs=1, shuffle=False, verbose=0)  # last batch: 2
    theirs.fit(X[:50], Y[:50], batch_size=16, epochs=1, shuffle=False, verbose=0)
    assert_weights_close(ours, theirs)


def test_a_frozen_layer_runs_in_inference_mode_while_the_model_trains():
    ours, theirs = pair()
    for model in (ours, theirs):
        model.layers[1].trainable = False
        model.compile(optimizer="adam", loss="mse")
    frozen = ours.layers[1].get_weights()
    h_ours = ours.fit(X, Y, batch_size=32, epochs=2, shuffle=False, verbose=0).history
    h_theirs = theirs.fit(X, Y, batch_size=32, epochs=2, shuffle=False, verbose=0).history
    np.testing.assert_allclose(h_ours["loss"], h_theirs["loss"], rtol=1e-4)
    for a, b in zip(frozen, ours.layers[1].get_weights()):
        np.testing.assert_array_equal(a, b)  # moving statistics unchanged too
    assert_weights_close(ours, theirs)


def test_weight_lists_and_summary_counts_match_keras():
    ours, theirs = pair()
    for attr in ("weights", "trainable_weights", "non_trainable_weights"):
        assert [v.name for v in getattr(ours.layers[1], attr)] == \
            [v.name for v in getattr(theirs.layers[1], attr)], attr
        assert [v.shape for v in getattr(ours, attr)] == \
            [tuple(v.shape) for v in getattr(theirs, attr)], attr
    for model in (ours, theirs):
        model.layers[1].trainable = False
    assert [v.name for v in ours.layers[1].non_trainable_weights] == \
        [v.name for v in theirs.layers[1].non_trainable_weights]
    assert ours.layers[1].trainable_weights == []


def test_training_mode_call_uses_batch_statistics_and_updates_moving_ones():
    ours, theirs = pair(momentum=0.8)
    x = X[:20]
    np.testing.assert_allclose(np.asarray(ours(x, training=True)),
                               np.asarray(theirs(x, training=True)), rtol=1e-4, atol=1e-5)
    assert_weights_close(ours, theirs)  # Keras moves the moving statistics in such a call
    np.testing.assert_allclose(ours.predict(X, verbose=0), theirs.predict(X, verbose=0),
                               rtol=1e-4, atol=1e-5)


def test_over_time_steps_the_statistics_cover_samples_and_steps():
    keras = keras_module()
    x = RNG.standard_normal((8, 3, 4)).astype(np.float32)
    y = RNG.standard_normal((8, 3, 4)).astype(np.float32)
    models = [lib.Sequential([lib.Input((3, 4)), lib.layers.BatchNormalization(momentum=0.5)])
              for lib in (densefit, keras)]
    for model in models:
        model.compile(optimizer="sgd", loss="mse")
        model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert_weights_close(*models)


def test_config_matches_keras():
    ours, theirs = pair(momentum=0.9, epsilon=0.01, center=False)
    assert ours.layers[1].get_config() == {**theirs.layers[1].get_config(),
                                           "name": ours.layers[1].name, "dtype": "float32"}


def test_keras_file_loads_in_densefit_and_back(tmp_path):
    keras = keras_module()
    ours, theirs = pair(momentum=0.9)
    # SGD with momentum: optimizer state to carry over, without Adam's amplified rounding of
    # the pre-normalization bias's zero gradient.
    theirs.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss="mse")
    theirs.fit(X, Y, batch_size=32, epochs=1, verbose=0)
    theirs.save(tmp_path / "k.keras")
    loaded = densefit.models.load_model(tmp_path / "k.keras")
    assert_weights_close(loaded, theirs, rtol=0, atol=0)
    np.testing.assert_allclose(loaded.predict(X, verbose=0), theirs.predict(X, verbose=0),
                               rtol=1e-5, atol=1e-5)
    # Training continues alike from the loaded optimizer state (slots of gamma/beta only).
    loaded.fit(X, Y, batch_size=32, epochs=1, shuffle=False, verbose=0)
    theirs.fit(X, Y, batch_size=32, epochs=1, shuffle=False, verbose=0)
    assert_weights_close(loaded, theirs)
    loaded.save(tmp_path / "d.keras")
    back = keras.models.load_model(tmp_path / "d.keras")
    assert back.layers[1].momentum == 0.9
    np.testing.assert_allclose(back.predict(X, verbose=0), loaded.predict(X, verbose=0),
                               rtol=1e-5, atol=1e-5)


def test_model_file_and_onnx_export_serve_the_same_answers(tmp_path):
    ours, _ = pair(scale=False)
    expected = ours.predict(X, verbose=0)
    ours.export(tmp_path / "m.dfm", format="densefit")
    served = core.load_model_file(str(tmp_path / "m.dfm"))
    np.testing.assert_allclose(served.predict(X), expected, rtol=1e-6, atol=1e-6)
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    ours.export(tmp_path / "m.onnx", format="onnx")
    (out,) = ort.InferenceSession(str(tmp_path / "m.onnx")).run(None, {"input": X})
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kwargs, error", [
    ({"axis": 0}, ValueError), ({"axis": 1.5}, TypeError), ({"epsilon": -1}, ValueError),
    ({"momentum": 2}, ValueError), ({"renorm": True}, ValueError),
    ({"gamma_regularizer": "l2"}, ValueError), ({"beta_constraint": "non_neg"}, ValueError)])
def test_what_densefit_cannot_run_is_refused_before_native_work(kwargs, error):
    with pytest.raises(error):
        build(densefit, **kwargs).build()
