"""User functions as losses and metrics: compile(loss=fn, metrics=[fn]) traced into the native
step, with Keras's semantics (LossFunctionWrapper / MeanMetricWrapper)."""

import numpy as np
import pytest

import densefit as keras
from densefit import ops

RNG = np.random.default_rng(3)
X = RNG.normal(size=(50, 4)).astype(np.float32)
Y = RNG.normal(size=(50, 2)).astype(np.float32)
SW = RNG.uniform(0.2, 2.0, 50).astype(np.float32)


def my_mse(y_true, y_pred):
    return np.mean(np.square(y_true - y_pred), axis=-1)


def my_mae(y_true, y_pred):
    return ops.mean(ops.abs(y_true - y_pred), axis=-1)


def _model(seed=0, outputs=2):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(6, activation="tanh"),
                             keras.layers.Dense(outputs)])


def _fit(loss, metrics=None, weighted_metrics=None, sample_weight=None, y=Y, epochs=3):
    model = _model(outputs=y.shape[1] if y.ndim > 1 else 1)
    model.compile(optimizer="sgd", loss=loss, metrics=metrics, weighted_metrics=weighted_metrics)
    history = model.fit(X, y, batch_size=16, epochs=epochs, shuffle=False, verbose=0,
                        sample_weight=sample_weight)
    return model, history.history


@pytest.mark.parametrize("custom,builtin", [(my_mse, "mse"), (my_mae, "mae")])
@pytest.mark.parametrize("weighted", [False, True])
def test_function_loss_trains_like_the_builtin_it_restates(custom, builtin, weighted):
    sw = SW if weighted else None
    _, custom_history = _fit(custom, sample_weight=sw)
    _, builtin_history = _fit(builtin, sample_weight=sw)
    np.testing.assert_allclose(custom_history["loss"], builtin_history["loss"], rtol=1e-5)


def test_loss_subclass_call_is_traced():
    class ScaledMSE(keras.losses.Loss):
        def __init__(self, scale, **kwargs):
            super().__init__(name="scaled_mse", **kwargs)
            self.scale = scale

        def call(self, y_true, y_pred):
            return self.scale * np.mean(np.square(y_true - y_pred), axis=-1)

    model = _model()
    model.compile("sgd", loss=ScaledMSE(3.0, reduction="sum"))
    pred = model.predict(X[:16], verbose=0)
    expected = 3.0 * np.sum(np.mean(np.square(Y[:16] - pred), axis=-1))
    np.testing.assert_allclose(model.evaluate(X[:16], Y[:16], verbose=0), expected, rtol=1e-5)


def test_function_loss_evaluate_matches_numpy_on_predictions():
    model, _ = _fit(my_mae)
    pred = model.predict(X, verbose=0)
    loss = model.evaluate(X, Y, batch_size=50, sample_weight=SW, verbose=0)
    expected = np.mean(np.mean(np.abs(Y - pred), axis=-1) * SW)  # sum_over_batch_size
    np.testing.assert_allclose(loss, expected, rtol=1e-5)


def test_scalar_and_per_element_losses():
    def scalar_loss(y_true, y_pred):
        return np.mean(np.square(y_true - y_pred))

    def element_loss(y_true, y_pred):
        return np.square(y_true - y_pred)

    _, scalar = _fit(scalar_loss)
    _, element = _fit(element_loss)
    _, builtin = _fit("mse")
    np.testing.assert_allclose(scalar["loss"], builtin["loss"], rtol=1e-5)
    np.testing.assert_allclose(element["loss"], builtin["loss"], rtol=1e-5)


def test_rank_one_targets_are_expanded_like_keras():
    y = Y[:, 0].copy()  # (n,) targets, (n, 1) outputs: Keras expands y_true to (batch, 1)
    _, custom = _fit(my_mse, y=y)
    _, builtin = _fit("mse", y=y)
    np.testing.assert_allclose(custom["loss"], builtin["loss"], rtol=1e-5)


def test_losses_get_wraps_functions_with_their_name():
    # get() hands a function back as Keras's does; compile() wraps it (losses.resolve).
    assert keras.losses.get(my_mse) is my_mse
    loss = keras.losses.resolve(my_mse)
    assert isinstance(loss, keras.losses.LossFunctionWrapper)
    assert loss.name == "my_mse"
    assert loss.get_config()["fn"] == "my_mse"


def test_function_loss_called_standalone_uses_numpy():
    loss = keras.losses.LossFunctionWrapper(my_mse)
    pred = Y + RNG.normal(size=Y.shape).astype(np.float32)
    np.testing.assert_allclose(loss(Y, pred), np.mean(my_mse(Y, pred)), rtol=1e-6)
    np.testing.assert_allclose(loss(Y, pred, sample_weight=SW), np.mean(my_mse(Y, pred) * SW),
                               rtol=1e-6)


def test_untraceable_loss_raises_type_error_naming_function_and_operation():
    def branchy_loss(y_true, y_pred):
        if np.mean(y_pred) > 0:
            return np.abs(y_true - y_pred)
        return np.square(y_true - y_pred)

    model = _model()
    model.compile("sgd", loss=branchy_loss)
    with pytest.raises(TypeError, match=r"branchy_loss.*Python `if`.*densefit\.ops"):
        model.fit(X, Y, verbose=0)


@pytest.mark.parametrize("fn,operation", [
    (lambda t, p: np.argmax(p, axis=-1), "np.argmax"),
    (lambda t, p: float(np.mean(p)) * p, "float()"),
    (lambda t, p: np.asarray(p) - t, "NumPy array"),
    (lambda t, p: np.sum(p) / p.size, ".size"),
    (lambda t, p: p[0] - t[0], "column selection"),
])
def test_unsupported_operations_are_named(fn, operation):
    model = _model()
    model.compile("sgd", loss=fn)
    with pytest.raises(TypeError, match=re_escape(operation)):
        model.fit(X, Y, verbose=0)


def re_escape(text):
    import re
    return re.escape(text)
