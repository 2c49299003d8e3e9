"""`densefit.losses.get(name)` / `densefit.metrics.get(name)` against Keras's for every name
Keras's registries hold (keras.src.losses.ALL_OBJECTS_DICT, keras.src.metrics.
ALL_OBJECTS_DICT, aliases included) and for names Keras refuses: the same succeeds, giving the
same class or function (by name and config), and the same exception type otherwise."""

import inspect

import numpy as np
import pytest

import densefit
from keras_oracle import keras

pytestmark = pytest.mark.parity

# Names outside the registries that someone might try: other spellings, Keras 2 aliases,
# densefit's old extras, compile()-only names (get() itself refuses them).
NEAR_MISSES = ["logcosh", "LOGCOSH", "huber_loss", "kullback_leibler_divergence", "Mse", "mSE",
               "bce ", "crossentropy", "ce", "acc", "ACC", "Accuracy", "accuracy", "cosine",
               "iou", "IOU", "categorical_generalized_cross_entropy",
               "CategoricalGeneralizedCrossEntropy", "no_such_thing", "", "log_cosh", "huber",
               "binary_focal_crossentropy", "cosine_similarity", "LossFunctionWrapper"]

# Constructor arguments Keras's get_config leaves out (so a config round trip would lose
# them); densefit keeps them. The values must still be Keras's defaults.
KERAS_FORGETS = {"Huber": {"delta"}, "CosineSimilarity": {"axis"},
                 "SparseCategoricalCrossentropy": {"axis"}}


def _registry(module):
    from keras.src import losses, metrics
    table = {"losses": losses.ALL_OBJECTS_DICT, "metrics": metrics.ALL_OBJECTS_DICT}[module]
    return sorted(table) + NEAR_MISSES


def _get(mod, module, name):
    try:
        return getattr(mod, module).get(name)
    except Exception as exc:  # noqa: BLE001  (the exception itself is compared)
        return exc


def _normalized(config):
    # A dtype policy and a dtype name say the same thing.
    out = dict(config)
    if isinstance(out.get("dtype"), dict):
        out["dtype"] = out["dtype"].get("config", {}).get("name")
    return out


@pytest.mark.parametrize("module", ["losses", "metrics"])
def test_get_resolves_exactly_the_names_keras_resolves(module):
    failures = []
    for name in _registry(module):
        want, got = _get(keras(), module, name), _get(densefit, module, name)
        if isinstance(want, Exception):
            if not isinstance(got, Exception) or type(got) is not type(want):
                failures.append(f"{name!r}: Keras raises {type(want).__name__}, densefit "
                                f"gives {got!r}")
            continue
        if isinstance(got, Exception):
            failures.append(f"{name!r}: Keras gives {want!r}, densefit raises {got!r}")
            continue
        if inspect.isfunction(want):
            if not callable(got) or getattr(got, "__name__", None) != want.__name__ or \
                    isinstance(got, (densefit.losses.Loss, densefit.metrics.Metric)):
                failures.append(f"{name!r}: Keras gives function {want.__name__}, densefit "
                                f"{got!r}")
            continue
        if type(got).__name__ != type(want).__name__:
            failures.append(f"{name!r}: Keras gives {type(want).__name__}, densefit "
                            f"{type(got).__name__}")
            continue
        want_config, got_config = _normalized(want.get_config()), _normalized(got.get_config())
        extra = set(got_config) - set(want_config)
        forgotten = KERAS_FORGETS.get(type(want).__name__, set())
        if extra - forgotten or any(got_config.get(k) != v for k, v in want_config.items()
                                    if k != "name"):
            failures.append(f"{name!r}: config {got_config} vs Keras {want_config}")
        elif not _same_name(got.name, want.name):
            failures.append(f"{name!r}: name {got.name!r} vs Keras {want.name!r}")
        for key in extra & forgotten:
            default = inspect.signature(type(want)).parameters[key].default
            if got_config[key] != default:
                failures.append(f"{name!r}: {key}={got_config[key]!r}, Keras's default is "
                                f"{default!r}")
    assert not failures, "\n".join(failures)


def _same_name(got, want):
    # Keras numbers repeated automatic names ("loss", "loss_1", ...) across the session.
    import re
    return got == want or re.sub(r"_\d+$", "", want) == got


def test_get_passes_through_none_instances_and_functions_like_keras():
    for module in ("losses", "metrics"):
        assert getattr(densefit, module).get(None) is None
    loss = densefit.losses.Huber(delta=0.3)
    assert densefit.losses.get(loss) is loss
    metric = densefit.metrics.Precision()
    assert densefit.metrics.get(metric) is metric

    def my_fn(y_true, y_pred):
        return y_pred

    assert densefit.losses.get(my_fn) is my_fn and densefit.metrics.get(my_fn) is my_fn
    assert isinstance(densefit.losses.get(densefit.losses.Dice), densefit.losses.Dice)
    with pytest.raises(ValueError):
        keras().losses.get(3)
    with pytest.raises(ValueError):
        densefit.losses.get(3)


@pytest.mark.parametrize("config", [
    {"class_name": "Tversky", "config": {"alpha": 0.2, "beta": 0.8, "axis": -1}},
    {"class_name": "CategoricalFocalCrossentropy", "config": {"gamma": 3.0}},
    {"class_name": "Huber", "config": {"delta": 0.5, "reduction": "sum"}},
])
def test_get_from_a_config_dict(config):
    want, got = keras().losses.get(config), densefit.losses.get(config)
    assert type(got).__name__ == type(want).__name__
    for key, value in want.get_config().items():
        assert got.get_config()[key] == value, key


def test_compile_names_keras_resolves_train_natively_and_match_keras():
    """A name densefit gained (and one whose resolution changed) gives Keras's history."""
    k = keras()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype(np.float32)
    y = rng.integers(0, 2, (32, 3)).astype(np.float32)
    hists = []
    for mod in (k, densefit):
        k.utils.set_random_seed(0)
        model = mod.Sequential([mod.Input(shape=(4,)), mod.layers.Dense(3, activation="sigmoid")])
        if hists:
            model.set_weights(weights)
        weights = model.get_weights()
        model.compile("sgd", loss="bce", metrics=["BCE", "mse", "MAPE", "cosine_similarity",
                                                  "pearson_correlation"])
        hists.append(model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history)
    assert set(hists[1]) == set(hists[0])
    for key in hists[0]:
        np.testing.assert_allclose(hists[1][key], hists[0][key], rtol=1e-4, err_msg=key)


@pytest.mark.parametrize("loss", ["Dice", "Tversky", "categorical_focal_crossentropy",
                                  "CategoricalFocalCrossentropy", "dice", "tversky"])
def test_new_losses_train_like_keras(loss):
    k = keras()
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 5)).astype(np.float32)
    y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 40)]
    hists = []
    for mod in (k, densefit):
        k.utils.set_random_seed(1)
        model = mod.Sequential([mod.Input(shape=(5,)), mod.layers.Dense(3, activation="softmax")])
        if hists:
            model.set_weights(weights)
        weights = model.get_weights()
        model.compile("adam", loss=loss)
        hists.append(model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0,
                               validation_split=0.25).history)
    for key in hists[0]:
        np.testing.assert_allclose(hists[1][key], hists[0][key], rtol=1e-4, err_msg=key)


@pytest.mark.parametrize("loss", ["ctc", "CTC", "circle", "Circle"])
def test_losses_a_dense_network_cannot_run_fail_at_compile_naming_them(loss):
    model = densefit.Sequential([densefit.Input(shape=(4,)), densefit.layers.Dense(3)])
    model.compile("sgd", loss=loss)
    with pytest.raises(TypeError, match="(?i)ctc|circle"):
        model.fit(np.zeros((8, 4), np.float32), np.zeros((8, 3), np.float32), verbose=0)


@pytest.mark.parametrize("metric", ["binary_io_u", "BinaryIoU"])
def test_iou_metrics_resolve_but_refuse_compile_naming_themselves(metric):
    """densefit's native step cannot report a ratio of confusion-matrix sums yet: compile
    says so rather than log something else under the name."""
    model = densefit.Sequential([densefit.Input(shape=(4,)),
                                 densefit.layers.Dense(1, activation="sigmoid")])
    model.compile("sgd", loss="bce", metrics=[metric])
    with pytest.raises(TypeError, match="BinaryIoU"):
        model.fit(np.zeros((8, 4), np.float32), np.zeros((8, 1), np.float32), verbose=0)


# Constructor arguments for the metrics that need some (the rest take none).
_METRIC_ARGS = {"MeanIoU": {"num_classes": 2}, "IoU": {"num_classes": 2, "target_class_ids": [0]},
                "OneHotIoU": {"num_classes": 2, "target_class_ids": [0]},
                "OneHotMeanIoU": {"num_classes": 2}, "PrecisionAtRecall": {"recall": 0.5},
                "RecallAtPrecision": {"precision": 0.5},
                "SensitivityAtSpecificity": {"specificity": 0.5},
                "SpecificityAtSensitivity": {"sensitivity": 0.5},
                "MeanMetricWrapper": {"fn": lambda y_true, y_pred: y_pred}}


def test_every_metric_improves_in_the_direction_keras_gives_it():
    """Keras's Metric._direction, which EarlyStopping, ModelCheckpoint and ReduceLROnPlateau
    read for mode="auto" (RootMeanSquaredError was maximized here before)."""
    keras_lib = keras()
    compared = 0
    for name in dir(keras_lib.metrics):
        theirs = getattr(keras_lib.metrics, name)
        if not (inspect.isclass(theirs) and issubclass(theirs, keras_lib.metrics.Metric)):
            continue
        ours = getattr(densefit.metrics, name)
        args = _METRIC_ARGS.get(name, {})
        expected = getattr(theirs(**args), "_direction", None)
        assert getattr(ours(**args), "_direction", None) == expected, name
        compared += 1
    assert compared >= 40


@pytest.mark.parametrize("metric, mode", [("root_mean_squared_error", "min"),
                                          ("cosine_similarity", "max"), ("auc", "max")])
def test_mode_auto_follows_the_metric_direction(metric, mode):
    import operator

    keras_lib = keras()
    for lib in (densefit, keras_lib):
        model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(1)])
        model.compile("sgd", "mse", metrics=[metric])
        stop = lib.callbacks.EarlyStopping(monitor="val_" + metric, patience=0)
        model.fit(np.zeros((8, 3)), np.zeros((8, 1)), validation_data=(np.zeros((4, 3)),
                  np.zeros((4, 1))), epochs=1, verbose=0, callbacks=[stop])
        picked = stop.monitor_op
        assert picked in ((operator.lt, keras_lib.ops.less) if mode == "min" else
                          (operator.gt, keras_lib.ops.greater)), (lib.__name__, picked)


def test_mode_auto_refuses_a_metric_without_a_direction():
    model = densefit.Sequential([densefit.Input((3,)), densefit.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=[densefit.metrics.TruePositives()])
    stop = densefit.callbacks.EarlyStopping(monitor="true_positives")
    with pytest.raises(ValueError, match="maximized or minimized"):
        model.fit(np.zeros((8, 3)), np.zeros((8, 1)), epochs=1, verbose=0, callbacks=[stop])


def test_metric_base_arguments_and_default_names_follow_keras():
    keras_lib = keras()

    class Total(densefit.metrics.Metric):
        pass

    KerasTotal = type("Total", (keras_lib.metrics.Metric,), {})

    # keras.metrics.Metric(dtype=None, name=None): a positional argument is the dtype.
    assert Total("float32").name == "total" and KerasTotal("float32").name.startswith("total")
    assert Total(name="t").name == KerasTotal(name="t").name == "t"

    def absolute_error(y_true, y_pred):
        return abs(y_true - y_pred)

    # (Keras numbers a repeated default name per process: mean_metric_wrapper_1, ...)
    assert densefit.metrics.MeanMetricWrapper(absolute_error).name == "mean_metric_wrapper"
    assert keras_lib.metrics.MeanMetricWrapper(absolute_error).name.startswith(
        "mean_metric_wrapper")
    # compile() names a function's metric after the function, in both.
    model = densefit.Sequential([densefit.Input((2,)), densefit.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=[absolute_error])
    history = model.fit(np.zeros((4, 2)), np.zeros((4, 1)), epochs=1, verbose=0).history
    assert "absolute_error" in history


def test_loss_metric_constructors_take_keras_arguments_positionally_too():
    import inspect

    keras_lib = keras()
    from densefit.metrics import loss_metrics

    names = [n for n in dir(loss_metrics) if isinstance(getattr(loss_metrics, n), type) and
             issubclass(getattr(loss_metrics, n), loss_metrics.LossMetric) and
             getattr(loss_metrics, n) is not loss_metrics.LossMetric]
    assert len(names) >= 10
    for name in names:
        ours = inspect.signature(getattr(densefit.metrics, name).__init__).parameters
        theirs = inspect.signature(getattr(keras_lib.metrics, name).__init__).parameters
        assert [(p.name, p.default) for p in ours.values()] == \
            [(p.name, p.default) for p in theirs.values()], name
    metric = densefit.metrics.BinaryCrossentropy("bce", None, True)
    assert metric.name == "bce" and metric.options["from_logits"] is True
    with pytest.raises(TypeError):
        densefit.metrics.MeanSquaredError(from_logits=True)
