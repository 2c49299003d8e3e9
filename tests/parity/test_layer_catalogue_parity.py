"""The activation, reshaping and scaling layers, one case table against real Keras with the
same weights: inference (every serving path), training (losses, metrics and weights after a
few epochs), config, .keras files both ways, and the .dfm and ONNX exports."""

import numpy as np
import pytest

import densefit
from densefit._native import core
from keras_oracle import keras as keras_module

RNG = np.random.default_rng(23)


def _between(layer):
    """[Input, Dense, layer, Dense]: the layer sees a hidden activation, and its backward
    reaches a trained layer."""
    def build(lib, shape):
        return [lib.Input(shape), lib.layers.Dense(5), layer(lib), lib.layers.Dense(2)]
    return build


def _reshaped(lib, shape):
    # A flat sample read as time steps: Dense and Softmax then act per step.
    return [lib.Input(shape), lib.layers.Reshape((3, 4)), lib.layers.Dense(3),
            lib.layers.Softmax(), lib.layers.Dense(2)]


def _flattened(lib, shape):
    return [lib.Input(shape), lib.layers.Reshape((2, 6)), lib.layers.Flatten(),
            lib.layers.Dense(4), lib.layers.ReLU(max_value=0.5), lib.layers.Dense(2)]


def _dense_penalized_per_step(lib, shape):
    # Keras divides an activity penalty by the samples, not the time steps.
    return [lib.Input(shape), lib.layers.Dense(5, activity_regularizer="l2"),
            lib.layers.Dense(2)]


def _embedding(flatten):
    """Integer features: the inputs (standard normal draws) truncate to indices -3..3, the
    negative ones counting from the end of the table, as in Keras."""
    def build(lib, shape):
        return [lib.Input(shape), lib.layers.Embedding(10, 3)] + \
            ([lib.layers.Flatten()] if flatten else []) + [lib.layers.Dense(2)]
    return build


def _layer(name, **kwargs):
    return lambda lib: getattr(lib.layers, name)(**kwargs)


ADAPT = (np.random.default_rng(3).standard_normal((40, 5)) * [1, 2, 5, 10, 0.1]
         + [0, 1, -3, 20, 0.5])


def _normalization(shape=(5,), data_scale=1.0, **kwargs):
    """Normalization adapted (before any model exists, as the TensorFlow tutorials do) on
    data of the model's input shape, or given its mean and variance."""
    def build(lib, _):
        layer = lib.layers.Normalization(**kwargs)
        if "mean" not in kwargs:
            layer.adapt(ADAPT.reshape((-1,) + shape) * data_scale)
        return [lib.Input(shape), layer, lib.layers.Dense(3), lib.layers.Dense(2)]
    return build


# id -> (layers of the model given the library and the input shape, sample shape)
CASES = {
    "Softmax": (_between(_layer("Softmax")), (6,)),
    "Softmax-time-steps": (_between(_layer("Softmax", axis=2)), (3, 4)),
    "ReLU": (_between(_layer("ReLU")), (6,)),
    "ReLU-max_value": (_between(_layer("ReLU", max_value=0.8)), (6,)),
    "ReLU-relu6": (_between(_layer("ReLU", max_value=6.0)), (6,)),
    "ReLU-negative_slope": (_between(_layer("ReLU", negative_slope=0.2)), (6,)),
    "ReLU-all": (_between(_layer("ReLU", negative_slope=0.1, max_value=1.2, threshold=0.3)),
                 (6,)),
    "LeakyReLU": (_between(_layer("LeakyReLU")), (6,)),
    "LeakyReLU-slope": (_between(_layer("LeakyReLU", negative_slope=0.05)), (6,)),
    "ELU": (_between(_layer("ELU")), (6,)),
    "ELU-alpha": (_between(_layer("ELU", alpha=0.4)), (6,)),
    "PReLU": (_between(_layer("PReLU")), (6,)),
    "PReLU-shared-time-steps": (_between(_layer("PReLU", shared_axes=[1])), (3, 4)),
    "Identity": (_between(_layer("Identity")), (6,)),
    "Rescaling": (_between(_layer("Rescaling", scale=0.5, offset=-0.25)), (6,)),
    "UnitNormalization": (_between(_layer("UnitNormalization")), (6,)),
    "UnitNormalization-time-steps": (_between(_layer("UnitNormalization", axis=[-1])), (3, 4)),
    "Normalization-adapted": (_normalization(), (5,)),
    "Normalization-axis-None": (_normalization(axis=None), (5,)),
    # (small statistics: inverted, the large ones would make plain SGD diverge)
    "Normalization-invert": (_normalization(invert=True, data_scale=0.05), (5,)),
    "Normalization-time-steps": (_normalization(shape=(4, 5)), (4, 5)),
    "Normalization-given": (_normalization(mean=[0.5, 1.0, -1.0, 2.0, 0.0],
                                           variance=[1.0, 4.0, 0.25, 9.0, 0.0]), (5,)),
    "Normalization-given-scalar": (_normalization(axis=None, mean=2.0, variance=4.0), (5,)),
    "ActivityRegularization": (_between(_layer("ActivityRegularization", l1=0.01, l2=0.02)),
                               (6,)),
    "ActivityRegularization-time-steps": (_between(_layer("ActivityRegularization", l2=0.05)),
                                          (3, 4)),
    "Dense-activity_regularizer-time-steps": (_dense_penalized_per_step, (3, 4)),
    # The noise layers pass their input through outside training; their training draws are
    # densefit's own (tests/test_noise_layers.py), so training is compared at rate 0.
    "GaussianNoise": (_between(_layer("GaussianNoise", stddev=0.0)), (6,)),
    "GaussianDropout": (_between(_layer("GaussianDropout", rate=0.0)), (6,)),
    "AlphaDropout": (_between(_layer("AlphaDropout", rate=0.0)), (6,)),
    "Embedding-then-Flatten": (_embedding(flatten=True), (4,)),
    "Embedding-per-index": (_embedding(flatten=False), (4,)),
    "Reshape-to-time-steps": (_reshaped, (12,)),
    "Reshape-then-Flatten": (_flattened, (12,)),
}


def pair(case):
    keras = keras_module()
    build, shape = CASES[case]
    keras.utils.set_random_seed(5)
    theirs = keras.Sequential(build(keras, shape))
    ours = densefit.Sequential(build(densefit, shape))
    # Trained weights away from their initial values (PReLU's alpha starts at 0), the same
    # in both. Not Normalization's statistics: Keras reads them into its call only in adapt()
    # and loading, so a set_weights would not reach its forward pass.
    weights = [w.numpy() + RNG.uniform(0.1, 0.4, w.shape).astype(np.float32) if w.trainable
               else w.numpy() for w in theirs.weights]
    theirs.set_weights(weights)
    ours.set_weights(weights)
    x = RNG.standard_normal((48,) + shape).astype(np.float32)
    y = RNG.standard_normal((48,) + tuple(theirs.output_shape[1:])).astype(np.float32)
    return ours, theirs, x, y


@pytest.mark.parametrize("case", CASES)
def test_inference_matches_keras_on_every_path(case):
    ours, theirs, x, _ = pair(case)
    expected = np.asarray(theirs.predict(x, verbose=0))
    assert ours.output_shape == theirs.output_shape
    np.testing.assert_allclose(ours.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ours.predict_on_batch(x[:3]), expected[:3], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np.asarray(ours(x[:1])), expected[:1], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", CASES)
def test_training_matches_keras(case):
    ours, theirs, x, y = pair(case)
    for model in (ours, theirs):
        model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    h_ours = ours.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0).history
    h_theirs = theirs.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0).history
    for key in h_theirs:
        np.testing.assert_allclose(h_ours[key], h_theirs[key], rtol=1e-4, err_msg=key)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("case", CASES)
def test_config_and_weights_match_keras(case):
    ours, theirs, _, _ = pair(case)
    for mine, keras_layer in zip(ours.layers, theirs.layers):
        if type(mine).__name__ == "Dense":  # its config: tests/parity/test_config_parity.py
            continue
        # dtype: densefit reports the name where Keras 3 gives its DTypePolicy dict (the
        # saved files convert, tests/parity/test_saving_parity.py); names count per process.
        assert mine.get_config() == {**keras_layer.get_config(), "name": mine.name,
                                     "dtype": "float32"}
        assert [v.name for v in mine.weights] == [v.name for v in keras_layer.weights]
        assert [v.shape for v in mine.weights] == [tuple(v.shape) for v in keras_layer.weights]


@pytest.mark.parametrize("case", CASES)
def test_keras_files_load_both_ways(case, tmp_path):
    keras = keras_module()
    ours, theirs, x, _ = pair(case)
    expected = np.asarray(theirs.predict(x, verbose=0))
    theirs.save(tmp_path / "k.keras")
    loaded = densefit.models.load_model(tmp_path / "k.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5)
    ours.save(tmp_path / "d.keras")
    back = keras.models.load_model(tmp_path / "d.keras")
    np.testing.assert_allclose(np.asarray(back.predict(x, verbose=0)), expected, rtol=1e-5,
                               atol=1e-5)


@pytest.mark.parametrize("case", CASES)
def test_model_file_and_onnx_serve_the_same_answers(case, tmp_path):
    ours, _, x, _ = pair(case)
    expected = ours.predict(x, verbose=0)
    ours.export(tmp_path / "m.dfm", format="densefit")
    served = core.load_model_file(str(tmp_path / "m.dfm"))  # what the C++ API loads
    rows = x.reshape(-1, served.input_dim)  # the file serves rows (time steps: several)
    np.testing.assert_allclose(served.predict(rows).reshape(expected.shape),
                               expected, rtol=1e-6, atol=1e-6)
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    ours.export(tmp_path / "m.onnx", format="onnx")
    (out,) = ort.InferenceSession(str(tmp_path / "m.onnx")).run(None, {"input": x})
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("make, error", [
    (lambda L: L.Softmax(axis=1), ValueError),  # not the last axis of (3, 4) samples
    (lambda L: L.ReLU(max_value=-1.0), ValueError),
    (lambda L: L.ReLU(threshold=None), ValueError),
    (lambda L: L.LeakyReLU(negative_slope=-0.1), ValueError),
    (lambda L: L.PReLU(), ValueError),  # one alpha per (step, feature): not the last axis only
    (lambda L: L.PReLU(alpha_regularizer="l2"), ValueError),
    (lambda L: L.Rescaling(scale=[1.0, 2.0]), ValueError),
    (lambda L: L.UnitNormalization(axis=1), ValueError),
    (lambda L: L.Reshape((5, 5)), ValueError),
    (lambda L: L.Reshape((-1, -1)), ValueError),
    (lambda L: L.Reshape("ab"), TypeError),
    (lambda L: L.Embedding(0, 3), ValueError),
    (lambda L: L.Embedding(10, 3, mask_zero=True), ValueError),
    (lambda L: L.Embedding(2 ** 25, 3), ValueError),
    (lambda L: L.Normalization(axis=1), ValueError),  # one mean per time step
    (lambda L: L.Normalization(axis=(1, 2)), ValueError),
    (lambda L: L.Normalization(mean=1.0), ValueError),
    (lambda L: L.Normalization(mean=[1.0, 2.0], variance=[1.0]), ValueError),
    (lambda L: L.Normalization(mean=[1.0, 2.0], variance=[1.0, 1.0]), ValueError),  # 4 features
], ids=lambda v: "" if callable(v) else v.__name__)
def test_what_densefit_cannot_run_is_refused_before_native_work(make, error):
    with pytest.raises(error):
        densefit.Sequential([densefit.Input((3, 4)), make(densefit.layers),
                             densefit.layers.Dense(2)])


def test_a_model_that_regroups_rows_between_last_axis_layers_is_refused():
    L = densefit.layers
    with pytest.raises(ValueError, match="regroups"):
        densefit.Sequential([densefit.Input((12,)), L.Dense(12), L.Reshape((3, 4)), L.Dense(2)])


def test_normalization_adapt_matches_keras_and_combines_batches():
    keras = keras_module()
    ours, theirs = densefit.layers.Normalization(), keras.layers.Normalization()
    ours.adapt(ADAPT)
    theirs.adapt(ADAPT)
    np.testing.assert_array_equal(ours.mean, np.asarray(theirs.mean))
    np.testing.assert_array_equal(ours.variance, np.asarray(theirs.variance))
    # Batches (Keras's running combination; Keras needs TensorFlow to adapt on them):
    # the statistics of the whole data, to float32 rounding.
    batches = [ADAPT[:16], ADAPT[16:30], ADAPT[30:]]
    for data in (batches, iter(batches), [(b, b) for b in batches]):
        layer = densefit.layers.Normalization()
        layer.adapt(data)
        np.testing.assert_allclose(layer.mean, ours.mean, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(layer.variance, ours.variance, rtol=1e-5)
    layer = densefit.layers.Normalization()
    layer.adapt(ADAPT)
    model = densefit.Sequential([densefit.Input((5,)), layer])
    layer.adapt(ADAPT * 2)  # adapted again inside a model: the model serves the new values
    expected = (ADAPT - (ADAPT * 2).mean(0)) / (ADAPT * 2).std(0)
    np.testing.assert_allclose(model.predict(ADAPT, verbose=0), expected, rtol=1e-4, atol=1e-4)
    with pytest.raises(ValueError, match="incompatible shape"):
        layer.adapt(ADAPT[:, :3])
    with pytest.raises(ValueError, match="empty iterable"):
        densefit.layers.Normalization().adapt([])
    with pytest.raises(TypeError, match="Unsupported data type"):
        densefit.layers.Normalization().adapt(3.0)
    with pytest.raises(ValueError, match="adapt"):
        densefit.layers.Normalization(mean=0.0, variance=1.0).adapt(ADAPT)


@pytest.mark.parametrize("case", CASES)
def test_layers_called_on_arrays_match_keras(case):
    """Keras's eager call, layer(x), as tutorials use it to show a layer's output."""
    ours, theirs, x, _ = pair(case)
    ours_out, theirs_out = x, x
    for mine, keras_layer in zip(ours.layers, theirs.layers):
        ours_out, theirs_out = mine(ours_out), keras_layer(theirs_out)
        np.testing.assert_allclose(ours_out, np.asarray(theirs_out), rtol=1e-5, atol=1e-5,
                                   err_msg=mine.name)


def test_an_eager_call_builds_a_new_layer_and_follows_training():
    layer = densefit.layers.Dense(2)
    first = layer(np.ones((1, 3)))
    assert first.shape == (1, 2) and [w.shape for w in layer.get_weights()] == [(3, 2), (2,)]
    model = densefit.Sequential([densefit.Input((3,)), layer])
    np.testing.assert_array_equal(model.predict(np.ones((1, 3)), verbose=0), first)
    model.compile("sgd", "mse")
    model.fit(np.ones((8, 3)), np.zeros((8, 2)), epochs=2, verbose=0)
    np.testing.assert_allclose(layer(np.ones((1, 3))), model.predict(np.ones((1, 3)), verbose=0))
    dropout = densefit.layers.Dropout(0.5)
    assert np.array_equal(dropout(np.ones((4, 8))), np.ones((4, 8)))  # inference by default
    dropped = dropout(np.ones((4, 8)), training=True)
    assert set(np.unique(dropped)) <= {0.0, 2.0} and 0 < (dropped == 0).sum() < 32


def test_embedding_indices_outside_the_table_and_fractions_as_keras_reads_them():
    ours, theirs, _, _ = pair("Embedding-per-index")
    x = np.array([[2.7, -0.5, -1, -10], [9, 10, -11, 3]], dtype=np.float32)
    expected = np.asarray(theirs.predict(x, verbose=0))
    assert np.isnan(expected).any()  # 10 and -11 name no row: NaN, as Keras on JAX gives
    np.testing.assert_allclose(ours.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours.predict_on_batch(x), expected, rtol=1e-5, atol=1e-6)
