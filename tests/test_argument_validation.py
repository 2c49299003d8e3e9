"""Bad arguments to compile / fit / evaluate / predict / *_on_batch (and Dense's units) raise a
ValueError or TypeError naming the argument BEFORE anything is trained; the values Keras
accepts (batch sizes larger than the data, a single callback, NumPy integers, steps without
a batch size) do what Keras does with them.

The error table is argument, bad value, exception type, a substring the message must hold.
The exception type is Keras's where Keras raises one on purpose (e.g. ValueError for
`validation_freq=1.5` or `Dense(units=1.5)`, ValueError for a NaN count as `int(nan)` gives,
TypeError for a float count as `range()` gives); where Keras fails by accident
(StopIteration, AttributeError, a made-up 0.0) or not at all on a meaningless value
(`epochs=-1`, `validation_batch_size=-3`) densefit raises a ValueError. A count of 0 steps
is an error, as batch_size=0 is (the user's documents): Keras reads both as "the default"."""

import math
import os
import sys
import warnings

import numpy as np
import pytest

import densefit
from densefit import layers

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "parity"))
from keras_oracle import keras  # noqa: E402  (sets Keras's backend before Keras loads)

N, D = 20, 3
NAN = float("nan")


def _data():
    rng = np.random.default_rng(0)
    return (rng.normal(size=(N, D)).astype(np.float32),
            rng.integers(0, 2, size=(N, 1)).astype(np.float32))


X, Y = _data()


def _model():
    model = densefit.Sequential([densefit.Input(shape=(D,)), layers.Dense(4, activation="tanh"),
                                 layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    return model


def _batches(count=3, batch=(X[:8], Y[:8])):
    return (batch for _ in range(count))


class _Recorder(densefit.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.epochs = []

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(epoch)


# (method, keyword arguments, exception type, substring of the message)
FIT = [
    ("batch_size", 1.5, TypeError), ("batch_size", "32", TypeError),
    ("batch_size", True, TypeError), ("batch_size", NAN, ValueError),
    ("batch_size", 0, ValueError), ("batch_size", -1, ValueError),
    ("epochs", "2", TypeError), ("epochs", 2.0, TypeError), ("epochs", None, TypeError),
    ("epochs", True, TypeError), ("epochs", -1, ValueError), ("epochs", NAN, ValueError),
    ("initial_epoch", 1.5, TypeError), ("initial_epoch", "1", TypeError),
    ("initial_epoch", None, TypeError), ("initial_epoch", -1, ValueError),
    ("validation_split", "0.2", TypeError), ("validation_split", NAN, ValueError),
    ("validation_split", 1.0, ValueError), ("validation_split", -0.1, ValueError),
    ("validation_split", True, ValueError), ("validation_split", [0.2], TypeError),
    ("validation_data", (X, None), ValueError), ("validation_data", (X,), ValueError),
    ("validation_data", X, ValueError), ("validation_data", 5, ValueError),
    ("validation_data", (None, Y), ValueError), ("validation_data", (X, Y, Y[:, 0], Y), ValueError),
    ("validation_batch_size", 1.5, TypeError), ("validation_batch_size", "8", TypeError),
    ("validation_batch_size", -3, ValueError), ("validation_batch_size", 0, ValueError),
    ("validation_batch_size", NAN, ValueError),
    ("validation_steps", -1, ValueError), ("validation_steps", 0, ValueError),
    ("validation_steps", 1.5, TypeError),
    ("validation_steps", NAN, ValueError), ("validation_steps", "2", TypeError),
    ("validation_freq", 0, ValueError), ("validation_freq", -1, ValueError),
    ("validation_freq", 1.5, ValueError), ("validation_freq", "1", ValueError),
    ("validation_freq", [1, "2"], ValueError),
    ("steps_per_epoch", -1, ValueError), ("steps_per_epoch", 0, ValueError),
    ("steps_per_epoch", 1.5, TypeError),
    ("steps_per_epoch", "2", TypeError), ("steps_per_epoch", NAN, ValueError),
    ("callbacks", 5, TypeError), ("callbacks", [1], TypeError), ("callbacks", "cb", TypeError),
    ("callbacks", [[_Recorder(), 2]], TypeError),
    ("shuffle", "x", ValueError), ("shuffle", 2, ValueError),
    ("verbose", 3, ValueError), ("verbose", "x", ValueError),
    ("class_weight", [1.0, 2.0], TypeError), ("class_weight", {0: "x"}, ValueError),
    ("class_weight", {"a": 1.0}, ValueError), ("class_weight", {1.5: 4.0}, ValueError),
    ("class_weight", {0: NAN}, ValueError), ("class_weight", {0: None}, ValueError),
    ("class_weight", {None: 1.0}, ValueError),
    ("sample_weight", "heavy", TypeError),
]

CASES = [("fit", {name: value}, exc, name) for name, value, exc in FIT] + [
    ("fit", dict(y=None), ValueError, "y"),
    ("fit", dict(x=None), ValueError, "x"),
    ("fit", dict(unknown_argument=1), TypeError, "unknown_argument"),
    ("fit", dict(validation_split=0.2, validation_freq=0), ValueError, "validation_freq"),
    ("fit", dict(validation_data=(X, Y), validation_batch_size=1.5), TypeError,
     "validation_batch_size"),
    ("fit", dict(validation_data=(X, Y), validation_steps=-2), ValueError, "validation_steps"),
    # batch sources
    ("fit", dict(x=_batches, y=None, steps_per_epoch=-1), ValueError, "steps_per_epoch"),
    ("fit", dict(x=_batches, y=None, steps_per_epoch=0), ValueError, "steps_per_epoch"),
    ("fit", dict(x=_batches, y=None, steps_per_epoch=1.5), TypeError, "steps_per_epoch"),
    ("fit", dict(x=lambda: (None for _ in range(3)), y=None), ValueError, "None"),
    ("fit", dict(x=lambda: iter([]), y=None), ValueError, "at least one batch"),
    ("fit", dict(validation_data=_batches, validation_steps=-1), ValueError, "validation_steps"),
    ("fit", dict(x=_batches, y=None, class_weight={0: "x"}), ValueError, "class_weight"),
    ("evaluate", dict(x=_batches, y=None, steps=-1), ValueError, "steps"),
    ("evaluate", dict(x=_batches, y=None, steps=0), ValueError, "steps"),
    ("evaluate", dict(x=lambda: iter([]), y=None), ValueError, "at least one batch"),
    ("predict", dict(x=_batches, steps=-1), ValueError, "steps"),
    ("predict", dict(x=_batches, steps=0), ValueError, "steps"),
    ("predict", dict(x=lambda: (None for _ in range(3))), ValueError, "None"),
    # evaluate / predict over arrays
    *[("evaluate", {name: value}, exc, name) for name, value, exc in [
        ("batch_size", 1.5, TypeError), ("batch_size", NAN, ValueError),
        ("batch_size", 0, ValueError), ("steps", -1, ValueError), ("steps", 0, ValueError),
        ("steps", 1.5, TypeError), ("steps", NAN, ValueError), ("steps", "2", TypeError),
        ("callbacks", 5, TypeError),
        ("verbose", "x", ValueError), ("y", None, ValueError), ("x", None, ValueError),
        ("sample_weight", np.ones(3), ValueError)]],
    ("evaluate", dict(unknown_argument=1), TypeError, "unknown_argument"),
    *[("predict", {name: value}, exc, name) for name, value, exc in [
        ("batch_size", 1.5, TypeError), ("batch_size", True, TypeError),
        ("batch_size", -4, ValueError), ("steps", -1, ValueError), ("steps", 0, ValueError),
        ("steps", 1.5, TypeError),
        ("steps", NAN, ValueError), ("callbacks", [1], TypeError), ("verbose", 3, ValueError),
        ("x", None, ValueError)]],
    ("predict", dict(unknown_argument=1), TypeError, "unknown_argument"),
    # *_on_batch
    ("train_on_batch", dict(y=None), ValueError, "y"),
    ("train_on_batch", dict(x=None), ValueError, "x"),
    ("train_on_batch", dict(class_weight={0: "x"}), ValueError, "class_weight"),
    ("train_on_batch", dict(class_weight={1.5: 2.0}), ValueError, "class_weight"),
    ("train_on_batch", dict(class_weight=[1.0]), TypeError, "class_weight"),
    ("train_on_batch", dict(sample_weight=np.ones(3)), ValueError, "sample_weight"),
    ("test_on_batch", dict(y=None), ValueError, "y"),
    ("test_on_batch", dict(x=None), ValueError, "x"),
    ("predict_on_batch", dict(x=None), ValueError, "x"),
    # compile
    *[("compile", {name: value}, exc, name) for name, value, exc in [
        ("steps_per_execution", 0, ValueError), ("steps_per_execution", -2, ValueError),
        ("steps_per_execution", 1.5, TypeError), ("steps_per_execution", "2", TypeError),
        ("steps_per_execution", True, TypeError), ("loss_weights", "x", ValueError),
        ("loss_weights", NAN, ValueError), ("loss_weights", math.inf, ValueError),
        ("metrics", 5, ValueError), ("weighted_metrics", 5, ValueError),
        ("loss", None, ValueError)]],
]


def _call(model, method, kwargs):
    kwargs = dict(kwargs)
    for key in ("x", "validation_data"):
        if callable(kwargs.get(key)):
            kwargs[key] = kwargs[key]()  # a fresh generator per case
    if method == "compile":
        args = {"optimizer": "adam", "loss": "binary_crossentropy", **kwargs}
        return model.compile(**args)
    args = {"x": X} if method == "predict_on_batch" else {"x": X, "y": Y}
    if method in ("predict",):
        del args["y"]
    args.update(kwargs)
    if method in ("fit", "evaluate", "predict") and "verbose" not in kwargs:
        args["verbose"] = 0
    return getattr(model, method)(**args)


def _shown(value):
    if callable(value):
        return "<batches>"
    if isinstance(value, np.ndarray):
        return f"array{value.shape}"
    if isinstance(value, (list, tuple)):
        inner = ",".join(map(_shown, value))
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    if isinstance(value, densefit.callbacks.Callback):
        return type(value).__name__
    return repr(value)[:24]


def _case_id(case):
    method, kwargs, _, _ = case
    return f"{method}({','.join(f'{k}={_shown(v)}' for k, v in kwargs.items())})"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_bad_argument_raises_naming_it_before_training(case):
    method, kwargs, exc, name = case
    model = _model()
    before = model.get_weights()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(exc) as err:
            _call(model, method, kwargs)
    assert name in str(err.value), str(err.value)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("units, exc", [(0, ValueError), (-1, ValueError), (1.5, ValueError),
                                        ("3", ValueError), (None, ValueError), (NAN, ValueError),
                                        (True, ValueError)])
def test_dense_units_must_be_a_positive_integer(units, exc):
    # Keras raises ValueError for every one of these (but takes True as 1).
    with pytest.raises(exc, match="units"):
        layers.Dense(units)


def test_dense_units_too_large_for_any_memory_raise_before_native_work():
    with pytest.raises(ValueError, match="units"):
        densefit.Sequential([densefit.Input(shape=(D,)), layers.Dense(2 ** 62)])
    model = densefit.Sequential([layers.Dense(2 ** 62)])  # no input shape yet: checked at build
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match="units"):
        model.fit(X, Y, verbose=0)


def test_numpy_integers_and_a_single_callback_are_accepted_as_keras_accepts_them():
    model = _model()
    recorder = _Recorder()
    model.fit(X, Y, epochs=np.int64(2), batch_size=np.int32(8), initial_epoch=np.int16(0),
              steps_per_epoch=np.int64(2), validation_split=np.float32(0.25),
              validation_batch_size=np.uint8(4), validation_steps=np.int64(1),
              validation_freq=np.int64(1), callbacks=recorder, verbose=np.int64(0))
    assert recorder.epochs == [0, 1]
    recorder = _Recorder()
    model.fit(X, Y, callbacks=(recorder,), validation_split=None, shuffle=None, verbose=0)
    assert recorder.epochs == [0]
    model.compile("adam", "binary_crossentropy", steps_per_execution=np.int64(2),
                  loss_weights=np.float32(0.5))
    model.evaluate(X, Y, steps=np.int64(1), batch_size=np.int64(4), verbose=0)
    assert model.predict(X, steps=np.int64(1), batch_size=np.int64(4), verbose=0).shape == (4, 1)


def test_epochs_not_after_initial_epoch_train_nothing_as_keras():
    model = _model()
    before = model.get_weights()
    assert model.fit(X, Y, epochs=0, verbose=0).history == {}
    assert model.fit(X, Y, epochs=2, initial_epoch=2, verbose=0).history == {}
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


# ---- what Keras does with the values it accepts -------------------------------------------------

RTOL = 1e-4


def _twins(**compile_kwargs):
    """The same model in Keras and densefit, same weights, compiled alike."""
    k = keras()
    k.utils.set_random_seed(0)
    models = []
    for mod in (k, densefit):
        models.append(mod.Sequential([mod.Input(shape=(D,)),
                                      mod.layers.Dense(4, activation="tanh"),
                                      mod.layers.Dense(1, activation="sigmoid")]))
    models[1].set_weights(models[0].get_weights())
    compile_kwargs = {"optimizer": "adam", "loss": "binary_crossentropy",
                      "metrics": ["accuracy"], **compile_kwargs}
    for m in models:
        m.compile(**compile_kwargs)
    return models


def _close(d, k):
    if isinstance(k, dict):
        assert sorted(d) == sorted(k), (d, k)
        for key in k:
            np.testing.assert_allclose(d[key], k[key], rtol=RTOL, atol=1e-6, err_msg=key)
    else:
        assert np.shape(d) == np.shape(k), (d, k)
        np.testing.assert_allclose(d, k, rtol=RTOL, atol=1e-6)


def _gen(n_batches=3):
    return ((X[i * 6:(i + 1) * 6], Y[i * 6:(i + 1) * 6]) for i in range(n_batches))


X40 = np.random.default_rng(2).normal(size=(40, D)).astype(np.float32)
Y40 = (X40[:, :1] > 0).astype(np.float32)

KERAS_CASES = {
    # Batch sizes larger than the data are the whole data as one batch.
    "fit_batch_size_2**31": ("fit", dict(batch_size=2 ** 31)),
    "fit_batch_size_2**62": ("fit", dict(batch_size=2 ** 62, epochs=2)),
    "fit_validation_batch_size_2**62": ("fit", dict(validation_split=0.5,
                                                    validation_batch_size=2 ** 62)),
    "evaluate_batch_size_2**62": ("evaluate", dict(batch_size=2 ** 62)),
    "predict_batch_size_2**62": ("predict", dict(batch_size=2 ** 62)),
    "predict_batch_size_2**62_verbose": ("predict", dict(batch_size=2 ** 62, verbose=1)),
    "train_batch_size_2**40_steps": ("fit", dict(batch_size=2 ** 40, steps_per_epoch=1)),
    # Steps without a batch size: batches of ceil(samples / steps), as Keras's array adapter.
    "evaluate_steps_1_no_batch_size": ("evaluate", dict(steps=1, data=(X40, Y40))),
    "predict_steps_1_no_batch_size": ("predict", dict(steps=1, data=(X40, Y40))),
    "fit_steps_per_epoch_2_no_batch_size": ("fit", dict(steps_per_epoch=2, data=(X40, Y40))),
    "fit_validation_steps_1_no_batch_size": ("fit", dict(validation_data=(X40, Y40),
                                                         validation_steps=1)),
    "evaluate_steps_beyond_the_data": ("evaluate", dict(steps=100, batch_size=8)),
    "fit_steps_per_epoch_beyond_the_data": ("fit", dict(steps_per_epoch=5, batch_size=8)),
    "fit_validation_steps_beyond_the_data": ("fit", dict(validation_split=0.5,
                                                         validation_steps=9,
                                                         validation_batch_size=4)),
    # Batch sources with steps: as many batches, or the source's end if it comes first.
    "fit_generator_steps_per_epoch": ("fit", dict(gen=True, steps_per_epoch=2)),
    "evaluate_generator_steps": ("evaluate", dict(gen=True, steps=2)),
    "predict_generator_steps": ("predict", dict(gen=True, steps=2)),
}


@pytest.mark.parity
@pytest.mark.parametrize("case", sorted(KERAS_CASES))
def test_accepted_values_give_keras_results(case):
    method, kwargs = KERAS_CASES[case]
    kwargs = dict(kwargs)
    x, y = kwargs.pop("data", (X, Y))
    use_gen = kwargs.pop("gen", False)
    k_model, d_model = _twins()
    results = []
    for model in (k_model, d_model):
        call = dict(kwargs, verbose=kwargs.get("verbose", 0))
        if method == "fit":
            call.setdefault("shuffle", False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if use_gen:
                data = (_gen(),) if method != "predict" else \
                    (((bx,) for bx, _ in _gen()),)
            else:
                data = (x,) if method == "predict" else (x, y)
            out = getattr(model, method)(*data, **call)
        results.append(out.history if method == "fit" else out)
    _close(results[1], results[0])
    _close(d_model.get_weights()[0], k_model.get_weights()[0])


@pytest.mark.parity
@pytest.mark.parametrize("loss_weights", [0.0, 0.5, [2.0]])
def test_loss_weights_scale_the_loss_as_keras(loss_weights):
    # 0.0 included: a zero weight is a weight (no loss, no update), not "unset".
    k_model, d_model = _twins(optimizer="sgd", loss_weights=loss_weights)
    _close(d_model.evaluate(X, Y, verbose=0), k_model.evaluate(X, Y, verbose=0))
    kwargs = dict(batch_size=8, epochs=2, shuffle=False, verbose=0)
    _close(d_model.fit(X, Y, **kwargs).history, k_model.fit(X, Y, **kwargs).history)
    for d, k in zip(d_model.get_weights(), k_model.get_weights()):
        _close(d, k)


@pytest.mark.parametrize("identifier", [{"class_name": [[]], "config": {}},
                                        {"class_name": {"a": 1}, "config": {}},
                                        {"class_name": "Zeros", "config": [1]}])
def test_malformed_config_identifiers_are_a_clear_type_error(identifier):
    # Found by the fuzz suite: a corrupted .keras config made a list the class name, and the
    # lookup failed with Python's "unhashable type" instead of naming the identifier.
    with pytest.raises(TypeError, match="Could not interpret initializer identifier"):
        densefit.layers.Dense.from_config({"units": 2, "bias_initializer": identifier})


@pytest.mark.parametrize("batch_shape", [4611686018427387904, [], "abc"])
def test_a_batch_shape_that_is_not_a_shape_is_a_clear_error(batch_shape):
    # Found by the fuzz suite: a corrupted .keras config made batch_shape an int, and loading
    # failed with Python's "'int' object is not iterable" instead of naming the argument.
    with pytest.raises(TypeError, match="batch_shape must be a tuple of ints"):
        layers.InputLayer(batch_shape=batch_shape)
    with pytest.raises(TypeError, match="batch_shape must be a tuple of ints"):
        layers.Input(batch_shape=batch_shape)
    with pytest.raises(TypeError, match="batch_shape must be a tuple of ints"):
        densefit.Sequential.from_config({"name": "s", "layers": [
            {"class_name": "InputLayer", "config": {"batch_shape": batch_shape}},
            {"class_name": "Dense", "config": {"units": 1}}]})
