"""Every documented argument of compile / fit / evaluate / predict / *_on_batch, run in real
Keras and in densefit from the same weights: histories, returned values and shapes must match.

Each case is one row of a table; `shuffle=False` throughout so both see the same batches."""

import numpy as np
import pytest

import densefit
from keras_oracle import keras

pytestmark = pytest.mark.parity

RTOL = 1e-4
N, D = 40, 5


def _data(kind, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(N, D)).astype(np.float32)
    if kind == "binary":
        y = rng.integers(0, 2, size=(N, 1)).astype(np.float32)
    elif kind == "sparse":
        y = rng.integers(0, 3, size=(N,))
    elif kind == "onehot":
        y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, size=N)]
    else:  # regression
        y = rng.normal(size=(N, 2)).astype(np.float32)
    return x, y


HEADS = {  # output units, activation, loss, metrics
    "binary": (1, "sigmoid", "binary_crossentropy", ["accuracy"]),
    "sparse": (3, "softmax", "sparse_categorical_crossentropy", ["accuracy"]),
    "onehot": (3, "softmax", "categorical_crossentropy", ["accuracy"]),
    "regression": (2, None, "mse", ["mae"]),
}


def _twins(kind, compile_kwargs=None, input_shape=(D,)):
    """The same model in Keras and densefit, same weights, compiled alike."""
    k = keras()
    k.utils.set_random_seed(0)  # the same weights whatever ran before: reproducible cases
    units, activation, loss, metrics = HEADS[kind]
    compile_kwargs = {"optimizer": "adam", "loss": loss, "metrics": metrics,
                      **(compile_kwargs or {})}
    models = []
    for mod in (k, densefit):
        models.append(mod.Sequential([mod.Input(shape=input_shape),
                                      mod.layers.Dense(6, activation="tanh"),
                                      mod.layers.Dense(units, activation=activation)]))
    models[1].set_weights(models[0].get_weights())
    for m in models:
        m.compile(**compile_kwargs)
    return models


def _assert_logs_match(d_logs, k_logs):
    assert list(d_logs) == list(k_logs), (d_logs, k_logs)  # same keys, same order
    for key in k_logs:
        np.testing.assert_allclose(d_logs[key], k_logs[key], rtol=RTOL, atol=1e-6, err_msg=key)


def _assert_same_result(d_value, k_value):
    """evaluate / *_on_batch results: same type (scalar, list or dict), same values."""
    if isinstance(k_value, dict):
        assert isinstance(d_value, dict)
        _assert_logs_match(d_value, k_value)
    elif isinstance(k_value, list):
        assert isinstance(d_value, list) and len(d_value) == len(k_value)
        np.testing.assert_allclose(d_value, k_value, rtol=RTOL, atol=1e-6)
    else:
        assert np.ndim(d_value) == 0 and not isinstance(d_value, (list, dict))
        np.testing.assert_allclose(d_value, k_value, rtol=RTOL, atol=1e-6)


def _fit_both(kind, fit_kwargs, compile_kwargs=None, data=None):
    k_model, d_model = _twins(kind, compile_kwargs)
    x, y = data if data is not None else _data(kind)
    kwargs = {"epochs": 2, "shuffle": False, "verbose": 0, **fit_kwargs}
    k_hist = k_model.fit(x, y, **kwargs).history
    d_hist = d_model.fit(x, y, **kwargs).history
    _assert_logs_match(d_hist, k_hist)
    np.testing.assert_allclose(d_model.predict(x, verbose=0), k_model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
    return k_model, d_model


def _val(kind, with_weights=False):
    x, y = _data(kind, seed=1)
    x, y = x[:12], y[:12]
    if with_weights:
        return x, y, np.linspace(0.5, 2.0, 12).astype(np.float32)
    return x, y


FIT_CASES = {
    "batch_size_with_partial_last_batch": ("binary", dict(batch_size=13)),
    "default_batch_size_32": ("sparse", dict()),
    "epochs_with_initial_epoch": ("binary", dict(epochs=4, initial_epoch=2)),
    "validation_split_takes_last_samples": ("onehot", dict(validation_split=0.25, batch_size=8)),
    "validation_data_pair": ("binary", dict(validation_data=_val("binary"), batch_size=8)),
    "validation_data_with_weights": ("regression",
                                     dict(validation_data=_val("regression", True), batch_size=8)),
    "validation_batch_size_and_steps": ("sparse", dict(validation_data=_val("sparse"),
                                                       validation_batch_size=5,
                                                       validation_steps=2, batch_size=8)),
    "validation_freq": ("binary", dict(epochs=4, validation_split=0.2, validation_freq=2)),
    "class_weight_sparse": ("sparse", dict(class_weight={0: 1.0, 1: 3.0, 2: 0.5}, batch_size=8)),
    "class_weight_onehot": ("onehot", dict(class_weight={0: 2.0, 1: 1.0, 2: 0.25}, batch_size=8)),
    "class_weight_n_by_1": ("binary", dict(class_weight={0: 0.3, 1: 2.0}, batch_size=8)),
    "sample_weight": ("regression", dict(sample_weight=np.linspace(0.1, 2, N).astype("float32"),
                                         batch_size=8)),
    "steps_per_epoch_continues_over_epochs": ("binary", dict(steps_per_epoch=3, batch_size=8, epochs=3)),
    "shuffle_false_float64_and_int_inputs": ("sparse", dict(batch_size=16)),
}


@pytest.mark.parametrize("case", sorted(FIT_CASES))
def test_fit_argument_matches_keras(case):
    kind, fit_kwargs = FIT_CASES[case]
    data = None
    if case == "shuffle_false_float64_and_int_inputs":
        x, y = _data(kind)
        data = (x.astype(np.float64), y.astype(np.int32))
    _fit_both(kind, fit_kwargs, data=data)


COMPILE_CASES = {
    "loss_weights": ("regression", dict(loss_weights=0.5)),
    "weighted_metrics_with_sample_weight": ("binary", dict(metrics=["accuracy"],
                                                           weighted_metrics=["accuracy", "mse"])),
    "steps_per_execution": ("sparse", dict(steps_per_execution=3)),
    "optimizer_instance_and_loss_instance": ("onehot", None),
    "run_eagerly_jit_compile_auto_scale_loss": ("binary", dict(run_eagerly=True,
                                                               jit_compile=False,
                                                               auto_scale_loss=False)),
    "crossentropy_loss_by_shape_sparse": ("sparse", dict(loss="ce", metrics=["acc"])),
    "crossentropy_loss_by_shape_onehot": ("onehot", dict(loss="crossentropy", metrics=["acc"])),
    "crossentropy_loss_by_shape_binary": ("binary", dict(loss="CE", metrics=["acc"])),
}


@pytest.mark.parametrize("case", sorted(COMPILE_CASES))
def test_compile_argument_matches_keras(case):
    kind, compile_kwargs = COMPILE_CASES[case]
    fit_kwargs = {"batch_size": 8}
    if case == "optimizer_instance_and_loss_instance":
        k = keras()
        k_model, d_model = _twins(kind)
        for mod, m in ((k, k_model), (densefit, d_model)):
            m.compile(optimizer=mod.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                      loss=mod.losses.CategoricalCrossentropy(label_smoothing=0.1),
                      metrics=[mod.metrics.CategoricalAccuracy()])
        x, y = _data(kind)
        k_hist = k_model.fit(x, y, epochs=2, shuffle=False, verbose=0, **fit_kwargs).history
        d_hist = d_model.fit(x, y, epochs=2, shuffle=False, verbose=0, **fit_kwargs).history
        _assert_logs_match(d_hist, k_hist)
        return
    if case == "weighted_metrics_with_sample_weight":
        fit_kwargs["sample_weight"] = np.linspace(0.1, 2, N).astype("float32")
    _fit_both(kind, fit_kwargs, compile_kwargs)


def test_temporal_sample_weight_and_sequence_outputs_match_keras():
    k = keras()
    rng = np.random.default_rng(3)
    x = rng.normal(size=(16, 4, 3)).astype(np.float32)
    y = rng.integers(0, 2, size=(16, 4, 1)).astype(np.float32)
    sw = rng.random((16, 4)).astype(np.float32)
    models = [mod.Sequential([mod.Input(shape=(4, 3)), mod.layers.Dense(5, activation="relu"),
                              mod.layers.Dense(1, activation="sigmoid")]) for mod in (k, densefit)]
    models[1].set_weights(models[0].get_weights())
    for m in models:
        m.compile("sgd", "binary_crossentropy", metrics=["accuracy"], weighted_metrics=["accuracy"])
    hists = [m.fit(x, y, sample_weight=sw, batch_size=4, epochs=2, shuffle=False,
                   validation_split=0.25, verbose=0).history for m in models]
    _assert_logs_match(hists[1], hists[0])
    k_pred, d_pred = (m.predict(x, verbose=0) for m in models)
    assert d_pred.shape == k_pred.shape == (16, 4, 1)
    np.testing.assert_allclose(d_pred, k_pred, rtol=1e-5, atol=1e-6)
    _assert_same_result(models[1].evaluate(x, y, sample_weight=sw, verbose=0),
                        models[0].evaluate(x, y, sample_weight=sw, verbose=0))


@pytest.mark.parametrize("kind", ["binary", "regression"])
def test_evaluate_predict_and_batch_methods_return_what_keras_returns(kind):
    k_model, d_model = _twins(kind)
    x, y = _data(kind)
    sw = np.linspace(0.2, 1.5, N).astype(np.float32)
    for kwargs in (dict(), dict(batch_size=7), dict(sample_weight=sw), dict(steps=2, batch_size=8),
                   dict(return_dict=True)):
        _assert_same_result(d_model.evaluate(x, y, verbose=0, **kwargs),
                            k_model.evaluate(x, y, verbose=0, **kwargs))
    for kwargs in (dict(), dict(batch_size=3), dict(steps=2, batch_size=8)):
        k_pred, d_pred = k_model.predict(x, verbose=0, **kwargs), d_model.predict(x, verbose=0, **kwargs)
        assert d_pred.shape == k_pred.shape and d_pred.dtype == k_pred.dtype
        np.testing.assert_allclose(d_pred, k_pred, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(d_model.predict_on_batch(x[:5]), k_model.predict_on_batch(x[:5]),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(d_model(x[:5]), np.asarray(k_model(x[:5])), rtol=1e-5, atol=1e-6)
    # Keras 3 says ['loss', 'compile_metrics']; densefit keeps Keras 2's useful answer, the
    # names of evaluate's list, so dict(zip(metrics_names, evaluate(...))) works.
    assert dict(zip(d_model.metrics_names, d_model.evaluate(x, y, verbose=0))) == \
        d_model.evaluate(x, y, verbose=0, return_dict=True)
    for kwargs in (dict(), dict(sample_weight=sw[:10]), dict(return_dict=True)):
        _assert_same_result(d_model.test_on_batch(x[:10], y[:10], **kwargs),
                            k_model.test_on_batch(x[:10], y[:10], **kwargs))
        _assert_same_result(d_model.train_on_batch(x[:10], y[:10], **kwargs),
                            k_model.train_on_batch(x[:10], y[:10], **kwargs))
    if kind == "binary":
        _assert_same_result(d_model.train_on_batch(x[:10], y[:10], class_weight={0: 2.0, 1: 0.5}),
                            k_model.train_on_batch(x[:10], y[:10], class_weight={0: 2.0, 1: 0.5}))
    np.testing.assert_allclose(d_model.predict(x, verbose=0), k_model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)


def test_loss_only_model_returns_scalars_like_keras():
    k_model, d_model = _twins("regression", dict(metrics=None))
    x, y = _data("regression")
    for method in ("evaluate", "test_on_batch", "train_on_batch"):
        kwargs = {"verbose": 0} if method == "evaluate" else {}
        _assert_same_result(getattr(d_model, method)(x, y, **kwargs),
                            getattr(k_model, method)(x, y, **kwargs))


def _generator(x, y, batch_size, sample_weight=None):
    while True:
        for start in range(0, len(x), batch_size):
            stop = start + batch_size
            if sample_weight is None:
                yield x[start:stop], y[start:stop]
            else:
                yield x[start:stop], y[start:stop], sample_weight[start:stop]


def test_generators_and_pydataset_with_steps_match_keras():
    k = keras()
    k_model, d_model = _twins("binary")
    x, y = _data("binary")
    sw = np.linspace(0.5, 1.5, N).astype(np.float32)
    kwargs = dict(steps_per_epoch=4, epochs=2, verbose=0)
    k_hist = k_model.fit(_generator(x, y, 8, sw), **kwargs).history
    d_hist = d_model.fit(_generator(x, y, 8, sw), **kwargs).history
    _assert_logs_match(d_hist, k_hist)

    def dataset(mod):
        class Batches(mod.utils.PyDataset):
            def __len__(self):
                return 5

            def __getitem__(self, i):
                return x[i * 8:(i + 1) * 8], y[i * 8:(i + 1) * 8]
        return Batches()

    k_hist = k_model.fit(dataset(k), epochs=2, shuffle=False, verbose=0,
                         validation_data=dataset(k)).history
    d_hist = d_model.fit(dataset(densefit), epochs=2, shuffle=False, verbose=0,
                         validation_data=dataset(densefit)).history
    _assert_logs_match(d_hist, k_hist)
    _assert_same_result(d_model.evaluate(_generator(x, y, 8), steps=3, verbose=0),
                        k_model.evaluate(_generator(x, y, 8), steps=3, verbose=0))
    np.testing.assert_allclose(d_model.predict(dataset(densefit), verbose=0),
                               k_model.predict(dataset(k), verbose=0), rtol=1e-5, atol=1e-6)


# ---- errors: where Keras raises, densefit raises the same type ----------------------------------

def _error_cases():
    x, y = _data("binary")

    def gen():
        while True:
            yield x[:8], y[:8]

    return {
        "length_mismatch": lambda m: m.fit(x, y[:30], verbose=0),
        "wrong_feature_dimension": lambda m: m.fit(x[:, :3], y, verbose=0),
        "y_with_a_generator": lambda m: m.fit(gen(), y, steps_per_epoch=2, verbose=0),
        "validation_split_with_a_generator": lambda m: m.fit(gen(), steps_per_epoch=2,
                                                             validation_split=0.2, verbose=0),
        "predict_wrong_feature_dimension": lambda m: m.predict(x[:, :4], verbose=0),
        "evaluate_length_mismatch": lambda m: m.evaluate(x, y[:10], verbose=0),
        "bad_validation_data": lambda m: m.fit(x, y, validation_data=(x,), verbose=0),
    }


@pytest.mark.parametrize("case", sorted(_error_cases()))
def test_errors_match_keras(case):
    call = _error_cases()[case]
    k_model, d_model = _twins("binary")
    with pytest.raises(Exception) as k_err:
        call(k_model)
    with pytest.raises(Exception) as d_err:
        call(d_model)
    assert isinstance(d_err.value, k_err.type), (d_err.value, k_err.value)


def test_unknown_names_raise_like_keras():
    # Keras raises at compile or (for a loss) at the first fit; densefit at compile, naming
    # the valid choices.
    k = keras()
    x, y = _data("binary")
    for kwargs in (dict(optimizer="nope", loss="mse"), dict(optimizer="sgd", loss="nope")):
        for mod in (k, densefit):
            model = mod.Sequential([mod.Input(shape=(D,)), mod.layers.Dense(1)])
            with pytest.raises(ValueError) as err:
                model.compile(**kwargs)
                model.fit(x, y, verbose=0)
            if mod is densefit:
                assert "nope" in str(err.value) and "Valid names" in str(err.value)
    for mod in (k, densefit):
        with pytest.raises(ValueError):
            mod.layers.Dense(2, activation="nope")


def test_fit_before_compile_raises_keras_type_and_keras2_type():
    k = keras()
    x, y = _data("binary")
    k_model = k.Sequential([k.Input(shape=(D,)), k.layers.Dense(1)])
    d_model = densefit.Sequential([densefit.Input(shape=(D,)), densefit.layers.Dense(1)])
    with pytest.raises(Exception) as k_err:
        k_model.fit(x, y, verbose=0)
    with pytest.raises(RuntimeError) as d_err:  # Keras 2's documented type...
        d_model.fit(x, y, verbose=0)
    assert isinstance(d_err.value, k_err.type)  # ...and Keras 3's


@pytest.mark.parametrize("call", ["batch_size_0", "empty_data"])
def test_errors_the_users_documents_demand_although_keras3_passes(call):
    # spec/README.md: batch_size=0 and empty input must raise ValueError in densefit.
    x, y = _data("binary")
    d_model = _twins("binary")[1]
    with pytest.raises(ValueError, match="batch_size" if call == "batch_size_0" else "empty"):
        if call == "batch_size_0":
            d_model.fit(x, y, batch_size=0, verbose=0)
        else:
            d_model.fit(x[:0], y[:0], verbose=0)
