"""Parity of densefit's losses with real Keras 3 (JAX backend).

For every row of CASES, the per-sample loss of `keras.losses.<Class>(reduction=None, ...)` and
the gradient of sum(loss * scale) by JAX's autodiff are compared with core.loss_per_sample and
core.loss_backward. Inputs deliberately include the points where Keras's formulas are not
smooth -- clipped probabilities, exact ties, saturated sigmoids -- because there densefit
must follow JAX's autodiff conventions, which finite differences cannot check.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

keras = pytest.importorskip("keras")
jax = pytest.importorskip("jax")
jnp = jax.numpy

pytestmark = pytest.mark.parity

ROWS, COLS = 8, 5


def _rng(seed):
    return np.random.default_rng(seed)


def probs(seed):
    """Binary labels; probabilities with exact 0, 1 and float32(1e-7) sprinkled in."""
    rng = _rng(seed)
    t = rng.integers(0, 2, (ROWS, COLS)).astype(np.float32)
    p = rng.uniform(0, 1, (ROWS, COLS)).astype(np.float32)
    p[0, :3] = [0.0, 1.0, np.float32(1e-7)]
    p[1, :2] = [1e-9, 1 - 1e-9]
    return t, p


def soft_probs(seed):
    t, p = probs(seed)
    return _rng(seed + 100).uniform(0, 1, t.shape).astype(np.float32), p


def logits(seed):
    """Binary labels; logits including saturating ones (sigmoid rounds to exactly 1)."""
    rng = _rng(seed)
    t = rng.integers(0, 2, (ROWS, COLS)).astype(np.float32)
    x = rng.normal(0, 3, (ROWS, COLS)).astype(np.float32)
    x[0, :3] = [30.0, -30.0, 0.0]
    return t, x


def categorical(seed):
    """One-hot labels; rows of non-normalized probabilities, one with a zero entry."""
    rng = _rng(seed)
    t = np.eye(COLS, dtype=np.float32)[rng.integers(0, COLS, ROWS)]
    p = rng.uniform(0, 1.5, (ROWS, COLS)).astype(np.float32)
    p[0, 0] = 0.0
    p[1] = [1.0, 0, 0, 0, 0]
    return t, p


def categorical_logits(seed):
    rng = _rng(seed)
    t = rng.dirichlet(np.ones(COLS), ROWS).astype(np.float32)
    x = rng.normal(0, 2, (ROWS, COLS)).astype(np.float32)
    x[0, 0] = 40.0
    return t, x


def sparse(seed):
    rng = _rng(seed)
    t = rng.integers(0, COLS, (ROWS, 1)).astype(np.float32)
    t[0, 0] = 2.0
    p = rng.uniform(0, 1.5, (ROWS, COLS)).astype(np.float32)
    p[0, 2] = 0.0  # the true class has probability 0: clipped
    return t, p


def sparse_logits(seed):
    t, _ = sparse(seed)
    return t, _rng(seed).normal(0, 2, (ROWS, COLS)).astype(np.float32)


def regression(seed):
    rng = _rng(seed)
    t = rng.normal(0, 1, (ROWS, COLS)).astype(np.float32)
    p = rng.normal(0, 1, (ROWS, COLS)).astype(np.float32)
    p[0, :2] = t[0, :2]  # exact equality: |x|'s gradient at 0 is +1 in JAX
    p[1, 0] = t[1, 0] + 1.0
    p[2, 0] = t[2, 0] + 1e-3
    t[3, :2] = 0.0  # MAPE divides by epsilon there
    return t, p


def positive(seed):
    rng = _rng(seed)
    t = rng.uniform(0, 2, (ROWS, COLS)).astype(np.float32)
    p = rng.uniform(0.01, 2, (ROWS, COLS)).astype(np.float32)
    p[0, :2] = [np.float32(1e-7), -0.5]  # MSLE: a tie with epsilon, and a clipped value
    return t, p


def hinge_pm1(seed):
    rng = _rng(seed)
    t = rng.choice([-1.0, 1.0], (ROWS, COLS)).astype(np.float32)
    p = rng.normal(0, 1.5, (ROWS, COLS)).astype(np.float32)
    p[0, :2] = t[0, :2]  # margin exactly 0: maximum's gradient is 1/2
    return t, p


def hinge_01(seed):
    t, p = hinge_pm1(seed)
    return (t + 1) / 2, p


def categorical_hinge(seed):
    """One-hot labels, ReLU-like predictions: exact zeros give tied maxima."""
    rng = _rng(seed)
    t = np.eye(COLS, dtype=np.float32)[rng.integers(0, COLS, ROWS)]
    p = np.maximum(rng.normal(0, 1, (ROWS, COLS)), 0).astype(np.float32)
    p[0] = 0.0
    p[1] = t[1] * 0.3
    return t, p


def distributions(seed):
    rng = _rng(seed)
    t = rng.dirichlet(np.ones(COLS), ROWS).astype(np.float32)
    p = rng.dirichlet(np.ones(COLS), ROWS).astype(np.float32)
    t[0, 0] = 0.0
    p[1] = [1.0, 0, 0, 0, 0]  # a saturated softmax: exactly 1 and 0
    return t, p


def cosine(seed):
    t, p = regression(seed)
    p[4] = 1e-9  # norm below epsilon: the inverse norm is clipped
    return t, p


# (id, Keras class, constructor kwargs, input maker)
CASES = [
    ("bce", "BinaryCrossentropy", {}, probs),
    ("bce_soft", "BinaryCrossentropy", {}, soft_probs),
    ("bce_smooth", "BinaryCrossentropy", {"label_smoothing": 0.2}, probs),
    ("bce_logits", "BinaryCrossentropy", {"from_logits": True}, logits),
    ("bce_logits_smooth", "BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1},
     logits),
    ("focal", "BinaryFocalCrossentropy", {}, probs),
    ("focal_balanced", "BinaryFocalCrossentropy",
     {"apply_class_balancing": True, "alpha": 0.4, "gamma": 1.5}, probs),
    ("focal_logits", "BinaryFocalCrossentropy", {"from_logits": True}, logits),
    ("focal_logits_smooth", "BinaryFocalCrossentropy",
     {"from_logits": True, "label_smoothing": 0.1, "apply_class_balancing": True, "gamma": 3.0},
     logits),
    ("cce", "CategoricalCrossentropy", {}, categorical),
    ("cce_smooth", "CategoricalCrossentropy", {"label_smoothing": 0.1}, categorical),
    ("cce_logits", "CategoricalCrossentropy", {"from_logits": True}, categorical_logits),
    ("cce_logits_smooth", "CategoricalCrossentropy",
     {"from_logits": True, "label_smoothing": 0.3}, categorical_logits),
    ("scce", "SparseCategoricalCrossentropy", {}, sparse),
    ("scce_logits", "SparseCategoricalCrossentropy", {"from_logits": True}, sparse_logits),
    ("scce_ignore", "SparseCategoricalCrossentropy", {"ignore_class": 2}, sparse),
    ("scce_logits_ignore", "SparseCategoricalCrossentropy",
     {"from_logits": True, "ignore_class": 2}, sparse_logits),
    ("mse", "MeanSquaredError", {}, regression),
    ("mae", "MeanAbsoluteError", {}, regression),
    ("mape", "MeanAbsolutePercentageError", {}, regression),
    ("msle", "MeanSquaredLogarithmicError", {}, positive),
    ("huber", "Huber", {}, regression),
    ("huber_delta", "Huber", {"delta": 0.5}, regression),
    ("log_cosh", "LogCosh", {}, regression),
    ("hinge_pm1", "Hinge", {}, hinge_pm1),
    ("hinge_01", "Hinge", {}, hinge_01),
    ("squared_hinge_pm1", "SquaredHinge", {}, hinge_pm1),
    ("squared_hinge_01", "SquaredHinge", {}, hinge_01),
    ("categorical_hinge", "CategoricalHinge", {}, categorical_hinge),
    ("kld", "KLDivergence", {}, distributions),
    ("poisson", "Poisson", {}, positive),
    ("cosine", "CosineSimilarity", {}, cosine),
]


def _keras_loss(cls, kwargs):
    loss = getattr(keras.losses, cls)(reduction=None, **kwargs)
    # Huber and CosineSimilarity leave their arguments out of get_config; pass them along.
    return loss, {**loss.get_config(), **kwargs}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_matches_keras(core, case):
    _, cls, kwargs, maker = case
    t, p = maker(0)
    scale = _rng(1).uniform(0.5, 2.0, ROWS).astype(np.float32) / ROWS
    loss, config = _keras_loss(cls, kwargs)
    # One pass through Keras: the per-sample values, and the gradient of sum(values * scale).
    values, vjp = jax.vjp(lambda yp: loss(t, yp), jnp.asarray(p))
    want_loss = np.asarray(values)
    want_grad = np.asarray(vjp(jnp.asarray(scale))[0])

    got_loss = core.loss_per_sample(config, t, p)
    assert want_loss.shape == got_loss.shape == (ROWS,)
    np.testing.assert_allclose(got_loss, want_loss, rtol=1e-5, atol=1e-6, err_msg="loss")
    got_grad = core.loss_backward(config, t, p, scale)
    np.testing.assert_allclose(
        got_grad, want_grad, rtol=1e-4, atol=1e-6 * max(1.0, np.abs(want_grad).max()),
        err_msg="gradient",
    )
