"""User functions as losses and metrics: the same model trained in real Keras with a
`keras.ops` function and in densefit with the NumPy spelling of it (traced into the native
step) gives the same loss and metric histories."""

import numpy as np
import pytest

import densefit
from keras_oracle import keras

pytestmark = pytest.mark.parity


def _numpy_and_keras_ops(kind):
    """One function written twice: NumPy for densefit, keras.ops for Keras."""
    kops = keras().ops
    if kind == "smooth_l1":
        def smooth_l1(y_true, y_pred):
            err = np.abs(y_true - y_pred)
            return np.mean(np.where(err < 1.0, 0.5 * err ** 2, err - 0.5), axis=-1)

        def k_smooth_l1(y_true, y_pred):
            err = kops.abs(y_true - y_pred)
            return kops.mean(kops.where(err < 1.0, 0.5 * err ** 2, err - 0.5), axis=-1)
        return smooth_l1, k_smooth_l1
    if kind == "log_cosh_scaled":
        def log_cosh_scaled(y_true, y_pred):
            d = (y_pred - y_true) * 2.0
            return np.mean(np.log(np.cosh(d)), axis=-1) + 0.1 * np.mean(np.square(y_pred), axis=-1)

        def k_log_cosh_scaled(y_true, y_pred):
            d = (y_pred - y_true) * 2.0
            return kops.mean(kops.log(kops.cosh(d)), axis=-1) + 0.1 * kops.mean(
                kops.square(y_pred), axis=-1)
        return log_cosh_scaled, k_log_cosh_scaled
    if kind == "bce_from_logits":
        def bce_from_logits(y_true, y_pred):
            return densefit.ops.mean(densefit.ops.softplus(y_pred) - y_true * y_pred, axis=-1)

        def k_bce_from_logits(y_true, y_pred):
            return kops.mean(kops.softplus(y_pred) - y_true * y_pred, axis=-1)
        return bce_from_logits, k_bce_from_logits
    raise ValueError(kind)


@pytest.mark.parametrize("kind, task", [("smooth_l1", "regression"),
                                        ("log_cosh_scaled", "regression"),
                                        ("bce_from_logits", "binary")])
@pytest.mark.parametrize("weighted", [False, True])
def test_custom_loss_history_matches_keras(kind, task, weighted):
    k = keras()
    k.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(48, 6)).astype(np.float32)
    if task == "regression":
        y = rng.normal(size=(48, 2)).astype(np.float32)
    else:
        y = rng.integers(0, 2, size=(48, 1)).astype(np.float32)
    sw = np.linspace(0.2, 2.0, 48).astype(np.float32) if weighted else None
    d_fn, k_fn = _numpy_and_keras_ops(kind)
    models = [mod.Sequential([mod.Input(shape=(6,)), mod.layers.Dense(8, activation="tanh"),
                              mod.layers.Dense(y.shape[1])]) for mod in (k, densefit)]
    models[1].set_weights(models[0].get_weights())
    models[0].compile("adam", loss=k_fn)
    models[1].compile("adam", loss=d_fn)
    hists = [m.fit(x, y, sample_weight=sw, batch_size=16, epochs=5, shuffle=False,
                   validation_split=0.25, verbose=0).history for m in models]
    assert set(hists[1]) == set(hists[0])
    for key in hists[0]:
        np.testing.assert_allclose(hists[1][key], hists[0][key], rtol=1e-4, err_msg=key)
    np.testing.assert_allclose(models[1].predict(x, verbose=0), models[0].predict(x, verbose=0),
                               rtol=1e-4, atol=1e-6)


def test_custom_metrics_and_weighted_metrics_match_keras():
    k = keras()
    k.utils.set_random_seed(1)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 4)).astype(np.float32)
    y = rng.normal(size=(40, 2)).astype(np.float32)
    sw = np.linspace(0.1, 1.5, 40).astype(np.float32)
    d_metric, k_metric = _numpy_and_keras_ops("smooth_l1")
    d_weighted, k_weighted = _numpy_and_keras_ops("log_cosh_scaled")
    k_metric.__name__, k_weighted.__name__ = d_metric.__name__, d_weighted.__name__
    models = [mod.Sequential([mod.Input(shape=(4,)), mod.layers.Dense(2)]) for mod in (k, densefit)]
    models[1].set_weights(models[0].get_weights())
    models[0].compile("sgd", "mse", metrics=[k_metric], weighted_metrics=[k_weighted])
    models[1].compile("sgd", "mse", metrics=[d_metric], weighted_metrics=[d_weighted])
    hists = [m.fit(x, y, sample_weight=sw, batch_size=8, epochs=3, shuffle=False,
                   validation_data=(x[:10], y[:10], sw[:10]), verbose=0).history for m in models]
    assert set(hists[1]) == set(hists[0]) and "smooth_l1" in hists[1]
    for key in hists[0]:
        np.testing.assert_allclose(hists[1][key], hists[0][key], rtol=1e-4, err_msg=key)
    results = [m.evaluate(x, y, sample_weight=sw, verbose=0, return_dict=True) for m in models]
    for key in results[0]:
        np.testing.assert_allclose(results[1][key], results[0][key], rtol=1e-4, err_msg=key)
