"""keras.backend, keras.config and the registries' lower-case aliases against real Keras."""

import importlib

import numpy as np
import pytest

import densefit
from keras_oracle import keras

pytestmark = pytest.mark.parity

# Registered by Keras, refused by densefit with a clear error (never resolved to something
# that would run differently): base classes whose subclasses hold user code, and objects no
# dense layer of densefit runs yet.
UNSUPPORTED = {
    "regularizers": {"OrthogonalRegularizer", "orthogonal_regularizer", "Regularizer",
                     "regularizer"},
    "constraints": {"Constraint", "constraint"},
    "initializers": {"Initializer", "initializer", "STFT", "STFTInitializer", "stft"},
}


def _outcome(get, name):
    try:
        obj = get(name)
    except (ValueError, TypeError, KeyError) as e:
        return "error", type(e).__name__
    try:
        return type(obj).__name__, obj.get_config()
    except NotImplementedError:  # Keras's base Regularizer has no config
        return type(obj).__name__, None


@pytest.mark.parametrize("module", sorted(UNSUPPORTED))
def test_every_registered_name_resolves_as_keras_resolves_it(module):
    k = keras()
    registry = importlib.import_module(f"keras.src.{module}").ALL_OBJECTS_DICT
    names = sorted(set(registry) | {"l1_l2", "maxnorm", "zeroes"})  # ones Keras refuses
    for name in names:
        expected = _outcome(getattr(k, module).get, name)
        got = _outcome(getattr(densefit, module).get, name)
        if expected[0] == "error" or name in UNSUPPORTED[module]:
            # Keras's KeyError ("constant" needs a value) is densefit's Constant(0.0); anything
            # Keras refuses or densefit can't run must be refused.
            if not (module == "initializers" and expected[1] == "KeyError"):
                assert got[0] == "error", (module, name, got)
            continue
        assert got[0] == expected[0], (module, name)
        # Keras 3.15's variance-scaling configs add input_axes/output_axes (None by default);
        # Keras's Identity.get_config drops `gain` (densefit keeps it, so it round-trips).
        theirs_only = {key: v for key, v in expected[1].items() if key not in got[1]}
        ours_only = set(got[1]) - set(expected[1])
        common = set(got[1]) & set(expected[1])
        assert {key: got[1][key] for key in common} == {key: expected[1][key] for key in common}
        assert all(v is None for v in theirs_only.values()), (module, name, theirs_only)
        assert ours_only <= ({"gain"} if got[0] == "Identity" else set()), (module, name)


@pytest.mark.parametrize("alias, cls, args", [
    ("l1", "L1", (0.3,)), ("l2", "L2", (0.3,)), ("l1_l2", "L1L2", ()),
    ("max_norm", "MaxNorm", (3.0,)), ("non_neg", "NonNeg", ()), ("unit_norm", "UnitNorm", ()),
    ("min_max_norm", "MinMaxNorm", (0.5, 2.0)),
])
def test_lower_case_aliases_are_keras_classes_with_keras_defaults(alias, cls, args):
    k = keras()
    module = "regularizers" if alias.startswith("l") else "constraints"
    ours, theirs = getattr(getattr(densefit, module), alias), getattr(getattr(k, module), alias)
    assert ours is getattr(getattr(densefit, module), cls)
    assert ours(*args).get_config() == theirs(*args).get_config()


def test_clear_session_restarts_layer_names_as_keras_does():
    k = keras()
    names = {}
    for lib in (k, densefit):
        lib.backend.clear_session()
        first = lib.Sequential([lib.Input((3,)), lib.layers.Dense(2), lib.layers.Dense(1)])
        again = lib.Sequential([lib.Input((3,)), lib.layers.Dense(2)])
        lib.backend.clear_session()
        fresh = lib.Sequential([lib.Input((3,)), lib.layers.Dense(2)])
        names[lib.__name__] = ([l.name for l in first.layers], [l.name for l in again.layers],
                               [l.name for l in fresh.layers])
    assert names["densefit"] == names["keras"]
    assert names["densefit"][2] == ["dense"]


def test_get_uid_counts_per_prefix_as_keras():
    k = keras()
    seqs = []
    for lib in (k, densefit):
        lib.backend.clear_session()
        seqs.append([lib.backend.get_uid(p) for p in ("", "", "a", "", "a")])
    assert seqs[0] == seqs[1]


@pytest.mark.parametrize("dtype", [None, "float32", "float16", "bfloat16", "int8", "uint8",
                                   "bool", np.float64, np.int32, int, float, bool, str,
                                   np.dtype("int16"), "float", "int", "nonsense"])
def test_dtype_helpers_match_keras(dtype):
    k = keras()
    for fn in ("standardize_dtype", "is_float_dtype", "is_int_dtype"):
        def run(lib):
            try:
                return getattr(lib.backend, fn)(dtype)
            except (ValueError, TypeError) as e:
                return type(e)
        assert run(densefit) == run(k), (fn, dtype)


def test_settings_defaults_and_refusals_match_keras():
    k = keras()
    for name in ("floatx", "epsilon", "image_data_format"):
        assert getattr(densefit.backend, name)() == getattr(k.backend, name)()
        assert getattr(densefit.config, name)() == getattr(k.config, name)()
    for lib in (k, densefit):
        with pytest.raises(ValueError, match="data_format"):
            lib.config.set_image_data_format("channels_middle")
    densefit.config.set_image_data_format("channels_first")
    try:
        assert densefit.backend.image_data_format() == "channels_first"
    finally:
        densefit.config.set_image_data_format("channels_last")
    # Accepted by Keras, refused by densefit, whose native step is float32 with epsilon 1e-7.
    with pytest.raises(ValueError, match="float32"):
        densefit.backend.set_floatx("float64")
    with pytest.raises(ValueError, match="epsilon"):
        densefit.config.set_epsilon(1e-3)
    densefit.backend.set_floatx("float32")
    densefit.backend.set_epsilon(1e-7)


def test_traceback_filtering_switches_like_keras():
    k = keras()
    for lib in (k, densefit):
        assert lib.config.is_traceback_filtering_enabled()
        lib.config.disable_traceback_filtering()
        assert not lib.config.is_traceback_filtering_enabled()
        lib.config.enable_traceback_filtering()
        assert lib.config.is_traceback_filtering_enabled()


def _f1_metric(K):
    """The F1 metric old scripts write with `K = keras.backend` (Keras 2's backend math)."""
    def f1(y_true, y_pred):
        tp = K.sum(K.round(K.clip(y_true * y_pred, 0, 1)))
        predicted = K.sum(K.round(K.clip(y_pred, 0, 1)))
        possible = K.sum(K.round(K.clip(y_true, 0, 1)))
        precision = tp / (predicted + K.epsilon())
        recall = tp / (possible + K.epsilon())
        return 2 * ((precision * recall) / (precision + recall + K.epsilon()))
    return f1


def test_keras2_backend_math_traces_into_a_metric_as_keras_ops_computes_it():
    k = keras()
    rng = np.random.default_rng(3)
    x = rng.normal(size=(64, 5)).astype("float32")
    y = (rng.random((64, 1)) > 0.5).astype("float32")
    results = []
    for lib, K in ((densefit, densefit.backend), (k, k.ops)):
        K = K if lib is densefit else _KerasOpsAsBackend(k)
        model = lib.Sequential([lib.Input((5,)), lib.layers.Dense(1, activation="sigmoid")])
        model.set_weights([np.full((5, 1), 0.3, "float32"), np.zeros(1, "float32")])
        model.compile(loss="binary_crossentropy", metrics=[_f1_metric(K)])
        results.append(model.evaluate(x, y, batch_size=16, verbose=0))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-5)


class _KerasOpsAsBackend:
    """keras.ops under Keras 2's backend names, for the oracle side."""

    def __init__(self, k):
        self._k = k

    def __getattr__(self, name):
        return self._k.config.epsilon if name == "epsilon" else getattr(self._k.ops, name)


@pytest.mark.parametrize("argument", ["kernel_initializer", "bias_initializer",
                                      "kernel_regularizer", "bias_regularizer",
                                      "activity_regularizer", "kernel_constraint",
                                      "bias_constraint"])
def test_none_arguments_of_dense_mean_keras_defaults(argument):
    k = keras()
    layers = {}
    for lib in (densefit, k):
        layer = lib.layers.Dense(64, **{argument: None})
        lib.Sequential([lib.Input((32,)), layer])
        layers[lib.__name__] = layer
    ours, theirs = layers["densefit"], layers["keras"]
    assert ours.get_config().get(argument) == theirs.get_config().get(argument)
    if argument == "bias_initializer":
        # add_weight's default for a float weight is GlorotUniform: the bias is not zeros.
        for layer in (ours, theirs):
            bias = np.asarray(layer.get_weights()[1])
            assert np.abs(bias).max() > 0 and np.abs(bias).max() <= np.sqrt(6 / 128)
    if argument == "kernel_initializer":
        for layer in (ours, theirs):
            kernel = np.asarray(layer.get_weights()[0])
            assert np.abs(kernel).max() <= np.sqrt(6 / 96) and kernel.std() > 0.05
