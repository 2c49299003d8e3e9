"""densefit's loss and metric FUNCTIONS (densefit.losses.mean_squared_error, ...,
densefit.metrics.binary_accuracy, ...) against Keras's, called eagerly on arrays and used
inside a user's loss or metric, where compile() traces them into the native step.

`import densefit as keras` runs `def my_loss(t, p): return keras.losses.mse(t, p) * 2.0`, so
each function must be traceable as densefit.ops is, and give Keras's values and (for a loss)
JAX's gradient there too.
"""

import numpy as np
import pytest

import densefit
from keras_oracle import keras
from test_losses_parity import (categorical, categorical_hinge, categorical_logits, cosine,
                                distributions, hinge_01, hinge_pm1, logits, positive, probs,
                                regression, soft_probs, sparse, sparse_logits)

pytestmark = pytest.mark.parity

ROWS, COLS = 8, 5


def ties(seed):
    """One-hot labels; predictions with tied maxima and ties at the label (argmax and top-k
    must break them as Keras does)."""
    t, p = categorical(seed)
    p[2] = [0.3, 0.3, 0.1, 0.3, 0.0]
    p[3] = [0.2, 0.2, 0.2, 0.2, 0.2]
    t[2], t[3] = np.eye(COLS, dtype=np.float32)[[1, 4]]
    return t, p


def sparse_ties(seed):
    t, p = ties(seed)
    return np.argmax(t, axis=-1).astype(np.float32)[:, None], p


def sparse_1d(seed):
    t, p = sparse_ties(seed)
    return t[:, 0], p


def sorted_ids(seed):
    t, p = sparse_ties(seed)
    return t, np.argsort(-p, axis=-1, kind="stable").astype(np.float32)


def thresholds(seed):
    """Binary labels; predictions exactly at the 0.5 threshold too."""
    t, p = probs(seed)
    p[2, :2] = 0.5
    return t, p


def embeddings(seed):
    rng = np.random.default_rng(seed)
    t = rng.integers(0, 3, ROWS).astype(np.float32)
    p = rng.normal(size=(ROWS, COLS)).astype(np.float32)
    return t, (p / np.linalg.norm(p, axis=-1, keepdims=True)).astype(np.float32)


# (module, function, kwargs, input maker, a loss densefit traces with its gradient)
LOSS_FUNCTIONS = [
    ("losses", "mean_squared_error", {}, regression),
    ("losses", "mean_absolute_error", {}, regression),
    ("losses", "mean_absolute_percentage_error", {}, regression),
    ("losses", "mean_squared_logarithmic_error", {}, positive),
    ("losses", "cosine_similarity", {}, cosine),
    ("losses", "huber", {}, regression),
    ("losses", "huber", {"delta": 0.5}, regression),
    ("losses", "log_cosh", {}, regression),
    ("losses", "kl_divergence", {}, distributions),
    ("losses", "poisson", {}, positive),
    ("losses", "hinge", {}, hinge_pm1),
    ("losses", "hinge", {}, hinge_01),
    ("losses", "squared_hinge", {}, hinge_pm1),
    ("losses", "squared_hinge", {}, hinge_01),
    ("losses", "categorical_hinge", {}, categorical_hinge),
    ("losses", "binary_crossentropy", {}, probs),
    ("losses", "binary_crossentropy", {"label_smoothing": 0.2}, soft_probs),
    ("losses", "binary_crossentropy", {"from_logits": True}, logits),
    ("losses", "binary_focal_crossentropy", {}, probs),
    ("losses", "binary_focal_crossentropy",
     {"apply_class_balancing": True, "alpha": 0.4, "gamma": 1.5, "from_logits": True,
      "label_smoothing": 0.1}, logits),
    ("losses", "categorical_crossentropy", {}, categorical),
    ("losses", "categorical_crossentropy", {"label_smoothing": 0.1}, categorical),
    ("losses", "categorical_crossentropy", {"from_logits": True}, categorical_logits),
    ("losses", "categorical_focal_crossentropy", {}, categorical),
    ("losses", "categorical_focal_crossentropy",
     {"alpha": 0.5, "gamma": 1.5, "from_logits": True, "label_smoothing": 0.1},
     categorical_logits),
    ("losses", "sparse_categorical_crossentropy", {}, sparse),
    ("losses", "sparse_categorical_crossentropy", {"from_logits": True}, sparse_logits),
    ("losses", "dice", {}, probs),
    ("losses", "dice", {"axis": -1}, soft_probs),
    ("losses", "tversky", {}, probs),
    ("losses", "tversky", {"alpha": 0.3, "beta": 0.7, "axis": -1}, soft_probs),
    ("losses", "categorical_generalized_cross_entropy", {"q": 0.5}, sparse_1d),
    ("metrics", "mean_squared_error", {}, regression),
    ("metrics", "binary_crossentropy", {"from_logits": True}, logits),
    ("metrics", "categorical_focal_crossentropy", {}, categorical),
    ("metrics", "huber", {}, regression),
    ("metrics", "pearson_correlation", {}, regression),
    ("metrics", "concordance_correlation", {}, regression),
]

# Functions without a gradient (accuracies) or that cannot run in the native step (circle's
# batch x batch distances): compared as values.
METRIC_FUNCTIONS = [
    ("metrics", "binary_accuracy", {}, thresholds),
    ("metrics", "binary_accuracy", {"threshold": 0.3}, thresholds),
    ("metrics", "categorical_accuracy", {}, ties),
    ("metrics", "sparse_categorical_accuracy", {}, sparse_ties),
    ("metrics", "sparse_categorical_accuracy", {}, sparse_1d),
    ("metrics", "top_k_categorical_accuracy", {"k": 2}, ties),
    ("metrics", "top_k_categorical_accuracy", {}, ties),
    ("metrics", "sparse_top_k_categorical_accuracy", {"k": 2}, sparse_ties),
    ("metrics", "sparse_top_k_categorical_accuracy", {"k": 3}, sparse_1d),
    ("metrics", "sparse_top_k_categorical_accuracy", {"k": 2, "from_sorted_ids": True},
     sorted_ids),
]
EAGER_ONLY = [("losses", "circle", {}, embeddings),
              ("losses", "circle", {"gamma": 10.0, "margin": 0.3, "remove_diagonal": False},
               embeddings)]


def _id(case):
    module, name, kwargs, maker = case
    extra = ",".join(f"{k}={v}" for k, v in kwargs.items())
    return f"{module}.{name}({extra})-{maker.__name__}"


def _fns(module, name):
    return getattr(getattr(keras(), module), name), getattr(getattr(densefit, module), name)


@pytest.mark.parametrize("case", LOSS_FUNCTIONS + METRIC_FUNCTIONS + EAGER_ONLY, ids=_id)
def test_function_on_arrays_matches_keras(case):
    module, name, kwargs, maker = case
    k_fn, d_fn = _fns(module, name)
    t, p = maker(0)
    want = np.asarray(k_fn(t, p, **kwargs))
    got = d_fn(t, p, **kwargs)
    assert isinstance(got, np.ndarray) or np.isscalar(got)
    got = np.asarray(got)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


def _traced_loss(d_fn, kwargs, reduction):
    def my_loss(y_true, y_pred):
        return d_fn(y_true, y_pred, **kwargs) * 2.0
    return densefit.losses.LossFunctionWrapper(my_loss, reduction=reduction)


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum"])
@pytest.mark.parametrize("case", LOSS_FUNCTIONS, ids=_id)
def test_function_inside_a_custom_loss_is_traced_with_keras_value_and_gradient(core, case,
                                                                                 reduction):
    import jax
    import jax.numpy as jnp
    module, name, kwargs, maker = case
    k_fn, d_fn = _fns(module, name)
    t, p = maker(0)
    sw = np.random.default_rng(1).uniform(0.5, 2.0, ROWS).astype(np.float32)
    from keras.src.losses import LossFunctionWrapper
    k_loss = LossFunctionWrapper(lambda a, b: k_fn(a, b, **kwargs) * 2.0,
                                                reduction=reduction)
    want, vjp = jax.vjp(lambda yp: k_loss(t, yp, sample_weight=sw), jnp.asarray(p))
    want_grad = np.asarray(vjp(jnp.ones_like(want))[0])

    config = _traced_loss(d_fn, kwargs, reduction).native_for(t.shape[-1] if t.ndim > 1 else 1,
                                                              p.shape[-1])
    t2d = np.ascontiguousarray(t.reshape(ROWS, -1))
    value, grad = core.expression_eval(config["expression"], t2d, p, sw, True)
    np.testing.assert_allclose(value[0], np.asarray(want), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-4,
                               atol=1e-6 * max(1.0, np.abs(want_grad).max()))


@pytest.mark.parametrize("case", LOSS_FUNCTIONS + METRIC_FUNCTIONS, ids=_id)
def test_function_inside_a_custom_metric_is_traced_with_keras_values(core, case):
    module, name, kwargs, maker = case
    k_fn, d_fn = _fns(module, name)
    t, p = maker(0)
    want = np.asarray(k_fn(t, p, **kwargs))
    if want.ndim > 1:
        want = want.mean(axis=tuple(range(1, want.ndim)))

    def my_metric(y_true, y_pred):
        return d_fn(y_true, y_pred, **kwargs)

    from densefit.ops.trace import trace_metric
    desc = trace_metric(my_metric, t.shape[-1] if t.ndim > 1 else 1, p.shape[-1])
    t2d = np.ascontiguousarray(t.reshape(ROWS, -1))
    values, _ = core.expression_eval(desc, t2d, p)
    np.testing.assert_allclose(values, np.broadcast_to(want, values.shape), rtol=1e-5,
                               atol=1e-6)


def test_a_loss_densefit_cannot_run_natively_fails_at_compile_naming_it():
    t, p = embeddings(0)

    def my_circle(y_true, y_pred):
        return densefit.losses.circle(y_true, y_pred) * 2.0

    model = densefit.Sequential([densefit.Input(shape=(3,)), densefit.layers.Dense(COLS)])
    model.compile("sgd", loss=my_circle)
    # A user loss gets targets as wide as the output; circle's labels ride in column 0.
    y = np.zeros((ROWS, COLS), np.float32)
    y[:, 0] = t
    with pytest.raises(TypeError, match="my_circle.*circle"):
        model.fit(np.zeros((ROWS, 3), np.float32), y, epochs=1, verbose=0)


# ---- end to end: `import densefit as keras` with Keras's functions inside user callables ----

def _tasks():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(48, 6)).astype(np.float32)
    reg = rng.normal(size=(48, 3)).astype(np.float32)
    binary = rng.integers(0, 2, size=(48, 1)).astype(np.float32)
    labels = rng.integers(0, 4, size=(48,))
    return x, {
        "regression": (reg, None, "mean_squared_error",
                       ["mean_absolute_error", "huber", "log_cosh",
                        "mean_squared_logarithmic_error", "pearson_correlation",
                        "concordance_correlation"]),
        "binary": (binary, "sigmoid", "binary_crossentropy",
                   ["binary_accuracy", "binary_focal_crossentropy", "hinge", "squared_hinge"]),
        "categorical": (np.eye(4, dtype=np.float32)[labels], "softmax",
                        "categorical_crossentropy",
                        ["categorical_accuracy", "top_k_categorical_accuracy",
                         "categorical_hinge", "kl_divergence", "categorical_focal_crossentropy"]),
        # A user loss gets targets as wide as the output (the trainer's rule), so class ids
        # go with the built-in loss here; the metrics are still user functions.
        "sparse": (labels.astype(np.float32)[:, None], "softmax", None,
                   ["sparse_categorical_accuracy", "sparse_top_k_categorical_accuracy"]),
    }


def _user_callables(mod, loss_name, metric_names):
    """What a user writes: their own functions built on mod.losses / mod.metrics."""
    def scaled_loss(y_true, y_pred):
        return getattr(mod.losses, loss_name)(y_true, y_pred) * 2.0
    if loss_name is None:
        scaled_loss = "sparse_categorical_crossentropy"

    metrics = []
    for name in metric_names:
        fn = getattr(mod.metrics, name, None) or getattr(mod.losses, name)

        def metric(y_true, y_pred, fn=fn):
            return fn(y_true, y_pred) + 1.0
        metric.__name__ = f"my_{name}"
        metrics.append(metric)
    return scaled_loss, metrics


@pytest.mark.parametrize("task", ["regression", "binary", "categorical", "sparse"])
def test_fit_and_evaluate_with_keras_functions_inside_custom_callables(task):
    k = keras()
    k.utils.set_random_seed(0)
    x, tasks = _tasks()
    y, activation, loss_name, metric_names = tasks[task]
    units = 4 if task in ("categorical", "sparse") else y.shape[1]
    sw = np.linspace(0.2, 2.0, len(x)).astype(np.float32)
    hists, results, initial = [], [], None
    for mod in (k, densefit):
        model = mod.Sequential([mod.Input(shape=(6,)), mod.layers.Dense(8, activation="tanh"),
                                mod.layers.Dense(units, activation=activation)])
        if initial is None:
            initial = model.get_weights()
        model.set_weights(initial)
        loss, metrics = _user_callables(mod, loss_name, metric_names)
        _, weighted = _user_callables(mod, None, metric_names[:1])
        weighted[0].__name__ = "my_weighted"
        model.compile("adam", loss=loss, metrics=metrics, weighted_metrics=weighted)
        hists.append(model.fit(x, y, sample_weight=sw, batch_size=16, epochs=3, shuffle=False,
                               validation_split=0.25, verbose=0).history)
        results.append(model.evaluate(x, y, sample_weight=sw, verbose=0, return_dict=True))
    assert set(hists[1]) == set(hists[0])
    for key in hists[0]:
        np.testing.assert_allclose(hists[1][key], hists[0][key], rtol=1e-4, atol=1e-6,
                                   err_msg=key)
    assert set(results[1]) == set(results[0])
    for key in results[0]:
        np.testing.assert_allclose(results[1][key], results[0][key], rtol=1e-4, atol=1e-6,
                                   err_msg=key)
