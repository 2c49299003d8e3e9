"""Op tests for the losses, in the style of ggml's test-backend-ops.

One table, CASES: each row is a loss config (a Keras get_config-style dict), a maker for
(y_true, y_pred), and a float64 NumPy reference of the per-sample loss with Keras's formula
(clipping epsilons included). Every row is checked
  - forward: core.loss_per_sample against the reference,
  - grad: core.loss_backward against central finite differences of the reference,
  - scale: loss_backward's per-row `scale` multiplies that row's gradient.
Makers keep inputs away from clip boundaries and kinks, where finite differences mean nothing
(the parity tests cover those points against JAX's autodiff). Adding a loss = adding a row.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest

# keras.backend.epsilon() and the clip bound 1 - epsilon, as float32 (which JAX clips with:
# float32(1 - 1e-7) is 1 - 1.19e-7, so log(1 - clipped p) bottoms out at -15.94, not -16.12).
EPS = float(np.float32(1e-7))
ONE_MINUS_EPS = float(np.float32(1 - 1e-7))
ROWS = 6


# ---- input makers: (rng, rows, cols) -> (y_true, y_pred) ---------------------------------


def _uniform(lo, hi):
    return lambda rng, r, c: rng.uniform(lo, hi, (r, c))


def _binary(rng, r, c):
    return rng.integers(0, 2, (r, c)).astype(np.float64)


def _one_hot(rng, r, c):
    return np.eye(c)[rng.integers(0, c, r)]


def _simplex(rng, r, c):
    return rng.dirichlet(np.full(c, 2.0), r)


def make(y_true, y_pred):
    return lambda rng, r, c: (y_true(rng, r, c), y_pred(rng, r, c))


def away_from(kink_of, gap=0.05):
    """Wraps a maker: moves y_pred entries whose kink_of(t, p) is within `gap` of 0."""

    def wrapped(maker):
        def f(rng, r, c):
            t, p = maker(rng, r, c)
            for _ in range(50):
                near = np.abs(kink_of(t, p)) < gap
                if not near.any():
                    break
                p = np.where(near, p + 3 * gap, p)
            return t, p

        return f

    return wrapped


def _sparse(rng, r, c):
    return rng.integers(0, c, (r, 1)).astype(np.float64), rng.uniform(0.05, 1.0, (r, c))


def _sparse_logits(rng, r, c):
    return rng.integers(0, c, (r, 1)).astype(np.float64), rng.normal(0, 2, (r, c))


def _categorical_hinge(rng, r, c):
    # margin neg - pos + 1 kept away from 0, and a unique max of (1 - t) * p.
    t = _one_hot(rng, r, c)
    p = rng.normal(0, 1, (r, c))
    for i in range(r):
        while True:
            p[i] = rng.normal(0, 1, c)
            v = (1 - t[i]) * p[i]
            top = np.sort(v)[-2:]
            margin = top[1] - (t[i] * p[i]).sum() + 1
            if abs(margin) > 0.05 and top[1] - top[0] > 0.05:
                break
    return t, p


# ---- float64 references (Keras 3 formulas, JAX backend) ----------------------------------


def _softplus(x):
    return np.logaddexp(x, 0.0)


def _log_softmax(x):
    m = x.max(-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(-1, keepdims=True))


def _bce_elems(t, p):
    p = np.clip(p, EPS, ONE_MINUS_EPS)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))


def bce(from_logits=False, ls=0.0):
    def f(t, p):
        t = t * (1 - ls) + 0.5 * ls
        if from_logits:
            return np.mean(t * _softplus(-p) + (1 - t) * _softplus(p), -1)
        return np.mean(_bce_elems(t, p), -1)

    return f


def focal(gamma=2.0, alpha=0.25, balance=False, from_logits=False, ls=0.0):
    def f(t, p):
        t = t * (1 - ls) + 0.5 * ls
        if from_logits:
            p = 1 / (1 + np.exp(-p))
        pt = t * p + (1 - t) * (1 - p)
        v = (1 - pt) ** gamma * _bce_elems(t, p)
        if balance:
            v = (t * alpha + (1 - t) * (1 - alpha)) * v
        return np.mean(v, -1)

    return f


def _cce_log_prob(p, from_logits):
    if from_logits:
        return _log_softmax(p)
    return np.log(np.clip(p / p.sum(-1, keepdims=True), EPS, ONE_MINUS_EPS))


def cce(from_logits=False, ls=0.0):
    def f(t, p):
        t = t * (1 - ls) + ls / t.shape[-1]
        return -np.sum(t * _cce_log_prob(p, from_logits), -1)

    return f


def scce(from_logits=False):
    def f(t, p):
        one_hot = np.eye(p.shape[-1])[t[:, 0].astype(int)]
        return -np.sum(one_hot * _cce_log_prob(p, from_logits), -1)

    return f


def _hinge_labels(t):
    return 2 * t - 1 if np.all((t == 0) | (t == 1)) else t


def hinge(t, p):
    return np.mean(np.maximum(1 - _hinge_labels(t) * p, 0), -1)


def squared_hinge(t, p):
    return np.mean(np.maximum(1 - _hinge_labels(t) * p, 0) ** 2, -1)


def categorical_hinge(t, p):
    return np.maximum(np.max((1 - t) * p, -1) - np.sum(t * p, -1) + 1, 0)


def huber(delta=1.0):
    def f(t, p):
        e = np.abs(p - t)
        return np.mean(np.where(e <= delta, 0.5 * e**2, delta * e - 0.5 * delta**2), -1)

    return f


def _normalize(x):
    return x * np.minimum(1 / np.sqrt((x**2).sum(-1, keepdims=True)), 1 / EPS)


REFS = {
    "mse": lambda t, p: np.mean((t - p) ** 2, -1),
    "mae": lambda t, p: np.mean(np.abs(t - p), -1),
    "mape": lambda t, p: 100 * np.mean(np.abs((t - p) / np.maximum(np.abs(t), EPS)), -1),
    "msle": lambda t, p: np.mean(
        (np.log(np.maximum(p, EPS) + 1) - np.log(np.maximum(t, EPS) + 1)) ** 2, -1
    ),
    "log_cosh": lambda t, p: np.mean(np.log(np.cosh(p - t)), -1),
    "kld": lambda t, p: np.sum(
        np.clip(t, EPS, 1) * np.log(np.clip(t, EPS, 1) / np.clip(p, EPS, 1)), -1
    ),
    "poisson": lambda t, p: np.mean(p - t * np.log(p + EPS), -1),
    "cosine_similarity": lambda t, p: -np.sum(_normalize(t) * _normalize(p), -1),
}


# ---- the table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    config: dict
    make: Callable
    ref: Callable
    cols: int = 5
    rtol: float = 2e-5


_reg = make(_uniform(-2, 2), _uniform(-2, 2))
_pos = make(_uniform(0.2, 2), _uniform(0.2, 2))
_bin_probs = make(_binary, _uniform(0.02, 0.98))
_soft_probs = make(_uniform(0, 1), _uniform(0.02, 0.98))
_bin_logits = make(_binary, lambda rng, r, c: rng.normal(0, 3, (r, c)))
_onehot_probs = make(_one_hot, _simplex)
_soft_logits = make(_simplex, lambda rng, r, c: rng.normal(0, 2, (r, c)))
_signs = lambda rng, r, c: rng.choice([-1.0, 1.0], (r, c))  # noqa: E731
_hinge_kink = lambda t, p: 1 - _hinge_labels(t) * p  # noqa: E731

CASES = [
    Case("bce", {"name": "BinaryCrossentropy"}, _bin_probs, bce()),
    Case("bce_soft_labels", {"name": "binary_crossentropy"}, _soft_probs, bce()),
    Case("bce_smooth", {"name": "BinaryCrossentropy", "label_smoothing": 0.2}, _bin_probs,
         bce(ls=0.2)),
    Case("bce_logits", {"name": "BinaryCrossentropy", "from_logits": True}, _bin_logits, bce(True)),
    Case("bce_logits_smooth", {"name": "bce", "from_logits": True, "label_smoothing": 0.1},
         _bin_logits, bce(True, 0.1)),
    Case("bce_one_col", {"name": "BinaryCrossentropy"}, _bin_probs, bce(), cols=1),
    Case("focal", {"name": "BinaryFocalCrossentropy"}, _bin_probs, focal()),
    Case("focal_balanced", {"name": "BinaryFocalCrossentropy", "apply_class_balancing": True,
                            "alpha": 0.4, "gamma": 1.5}, _bin_probs, focal(1.5, 0.4, True)),
    Case("focal_logits_smooth", {"name": "binary_focal_crossentropy", "from_logits": True,
                                 "label_smoothing": 0.1, "gamma": 3.0},
         _bin_logits, focal(3.0, from_logits=True, ls=0.1)),
    Case("cce", {"name": "CategoricalCrossentropy"}, _onehot_probs, cce()),
    Case("cce_unnormalized", {"name": "categorical_crossentropy"},
         make(_simplex, _uniform(0.1, 2)), cce()),
    Case("cce_smooth", {"name": "CategoricalCrossentropy", "label_smoothing": 0.1},
         _onehot_probs, cce(ls=0.1)),
    Case("cce_logits", {"name": "CategoricalCrossentropy", "from_logits": True}, _soft_logits,
         cce(True)),
    Case("cce_logits_smooth", {"name": "CategoricalCrossentropy", "from_logits": True,
                               "label_smoothing": 0.3}, _soft_logits, cce(True, 0.3)),
    Case("scce", {"name": "SparseCategoricalCrossentropy"}, _sparse, scce()),
    Case("scce_logits", {"name": "sparse_categorical_crossentropy", "from_logits": True},
         _sparse_logits, scce(True)),
    Case("mse", {"name": "MeanSquaredError"}, _reg, REFS["mse"]),
    Case("mae", {"name": "mae"}, away_from(lambda t, p: t - p)(_reg), REFS["mae"]),
    Case("mape", {"name": "MeanAbsolutePercentageError"},
         away_from(lambda t, p: t - p)(make(_uniform(0.5, 2), _uniform(-2, 2))), REFS["mape"]),
    Case("msle", {"name": "msle"}, _pos, REFS["msle"]),
    Case("huber", {"name": "Huber"}, away_from(lambda t, p: np.abs(p - t) - 1.0)(_reg), huber()),
    Case("huber_delta", {"name": "huber_loss", "delta": 0.5},
         away_from(lambda t, p: np.abs(p - t) - 0.5)(_reg), huber(0.5)),
    Case("log_cosh", {"name": "LogCosh"}, _reg, REFS["log_cosh"]),
    Case("hinge_pm1", {"name": "Hinge"}, away_from(_hinge_kink)(make(_signs, _uniform(-2, 2))),
         hinge),
    Case("hinge_01", {"name": "hinge"}, away_from(_hinge_kink)(make(_binary, _uniform(-2, 2))),
         hinge),
    Case("squared_hinge_01", {"name": "SquaredHinge"},
         away_from(_hinge_kink)(make(_binary, _uniform(-2, 2))), squared_hinge),
    Case("squared_hinge_real", {"name": "squared_hinge"}, _reg, squared_hinge),
    Case("categorical_hinge", {"name": "CategoricalHinge"}, _categorical_hinge,
         categorical_hinge),
    Case("kld", {"name": "KLDivergence"}, make(_simplex, _simplex), REFS["kld"]),
    Case("poisson", {"name": "Poisson"}, _pos, REFS["poisson"]),
    Case("cosine", {"name": "CosineSimilarity"}, _reg, REFS["cosine_similarity"]),
]


def _inputs(case, seed=0):
    rng = np.random.default_rng(seed)
    t, p = case.make(rng, ROWS, case.cols)
    # The engine sees float32; the reference evaluates at exactly those values.
    return t.astype(np.float32), p.astype(np.float32)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_forward(core, case):
    t, p = _inputs(case)
    got = core.loss_per_sample(case.config, t, p)
    want = case.ref(t.astype(np.float64), p.astype(np.float64))
    assert got.shape == (ROWS,) and got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=case.rtol, atol=1e-6)


def _finite_difference(ref, t, p, h=1e-6):
    grad = np.empty_like(p)
    for c in range(p.shape[1]):  # rows are independent: perturb a whole column at once
        up, down = p.copy(), p.copy()
        up[:, c] += h
        down[:, c] -= h
        grad[:, c] = (ref(t, up) - ref(t, down)) / (2 * h)
    return grad


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_grad(core, case):
    t, p = _inputs(case, seed=1)
    scale = np.random.default_rng(2).uniform(0.5, 2.0, ROWS).astype(np.float32)
    got = core.loss_backward(case.config, t, p, scale)
    want = scale[:, None] * _finite_difference(case.ref, t.astype(np.float64), p.astype(np.float64))
    assert got.shape == p.shape and got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5 * max(1.0, np.abs(want).max()))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_scale(core, case):
    t, p = _inputs(case, seed=3)
    unit = core.loss_backward(case.config, t, p, np.ones(ROWS, np.float32))
    scale = np.linspace(-1.0, 2.0, ROWS).astype(np.float32)  # includes a 0 and a negative
    got = core.loss_backward(case.config, t, p, scale)
    np.testing.assert_allclose(got, scale[:, None] * unit, rtol=1e-6, atol=1e-7)
    assert np.all(got[scale == 0] == 0)


# ---- behaviours outside the table ---------------------------------------------------------


def test_unknown_name_lists_valid_names(core):
    t = p = np.zeros((2, 3), np.float32)
    with pytest.raises(ValueError, match="BinaryCrossentropy.*mse"):
        core.loss_per_sample({"name": "no_such_loss"}, t, p)
    with pytest.raises(ValueError):
        core.loss_backward({"name": "no_such_loss"}, t, p, np.ones(2, np.float32))


@pytest.mark.parametrize(
    "names",
    [
        ["MeanSquaredError", "mean_squared_error", "mse", "MSE"],
        ["MeanAbsoluteError", "mean_absolute_error", "mae", "MAE"],
        ["MeanAbsolutePercentageError", "mean_absolute_percentage_error", "mape", "MAPE"],
        ["MeanSquaredLogarithmicError", "mean_squared_logarithmic_error", "msle", "MSLE"],
        ["BinaryCrossentropy", "binary_crossentropy", "bce", "BCE"],
        ["KLDivergence", "kl_divergence", "kld", "KLD"],
        ["LogCosh", "log_cosh", "logcosh"],
        ["Huber", "huber", "huber_loss"],
    ],
    ids=lambda n: n[0],
)
def test_aliases(core, names):
    rng = np.random.default_rng(4)
    t, p = rng.uniform(0.1, 0.9, (2, 4, 3)).astype(np.float32)
    first = core.loss_per_sample({"name": names[0]}, t, p)
    for name in names[1:]:
        np.testing.assert_array_equal(core.loss_per_sample({"name": name}, t, p), first)


def test_config_keys(core):
    t = np.array([[0.0, 1.0]], np.float32)
    p = np.array([[0.3, 0.6]], np.float32)
    full = {"name": "BinaryCrossentropy", "from_logits": False, "label_smoothing": 0.0,
            "axis": -1, "reduction": "sum_over_batch_size", "dtype": "float32"}
    np.testing.assert_array_equal(core.loss_per_sample(full, t, p),
                                  core.loss_per_sample({"name": "bce"}, t, p))
    for reduction in ["sum_over_batch_size", "sum", "mean", "none", None]:
        core.loss_per_sample({"name": "mse", "reduction": reduction}, t, p)
    with pytest.raises(ValueError):
        core.loss_per_sample({"name": "mse", "reduction": "bogus"}, t, p)
    with pytest.raises(ValueError):
        core.loss_per_sample({"name": "bce", "axis": 0}, t, p)
    with pytest.raises(ValueError):
        core.loss_per_sample({"from_logits": True}, t, p)


def test_shapes_are_checked(core):
    p = np.zeros((3, 4), np.float32)
    one = np.ones(3, np.float32)
    with pytest.raises(ValueError):
        core.loss_per_sample({"name": "mse"}, np.zeros((3, 3), np.float32), p)
    with pytest.raises(ValueError):
        core.loss_per_sample({"name": "mse"}, np.zeros(12, np.float32), p.ravel())
    with pytest.raises(ValueError):
        core.loss_per_sample({"name": "SparseCategoricalCrossentropy"}, p, p)
    with pytest.raises(ValueError):
        core.loss_backward({"name": "mse"}, p, p, np.ones(4, np.float32))
    core.loss_backward({"name": "SparseCategoricalCrossentropy"}, np.zeros((3, 1), np.float32),
                       p + 0.25, one)


def test_clip_blocks_gradient(core):
    # Outside [eps, 1 - eps] Keras's clip is active: the loss is flat there.
    t = np.array([[1.0, 0.0, 1.0, 0.0]], np.float32)
    p = np.array([[0.0, 1.0, 1.0, 0.0]], np.float32)
    g = core.loss_backward({"name": "BinaryCrossentropy"}, t, p, np.ones(1, np.float32))
    np.testing.assert_array_equal(g, 0)
    loss = core.loss_per_sample({"name": "BinaryCrossentropy"}, t, p)
    np.testing.assert_allclose(loss, bce()(t.astype(np.float64), p.astype(np.float64)), rtol=1e-5)


def test_hinge_converts_only_all_binary_batches(core):
    p = np.full((2, 2), 0.5, np.float32)
    binary = np.array([[0, 1], [1, 0]], np.float32)
    np.testing.assert_allclose(core.loss_per_sample({"name": "hinge"}, binary, p), [1.0, 1.0])
    mixed = np.array([[0, 1], [1, -1]], np.float32)  # one -1: no conversion anywhere
    np.testing.assert_allclose(core.loss_per_sample({"name": "hinge"}, mixed, p), [0.75, 1.0])


def test_sparse_labels_out_of_range_and_ignored(core):
    p = np.array([[0.2, 0.3, 0.5]] * 4, np.float32)
    t = np.array([[2], [3], [-1], [1]], np.float32)  # 3 and -1 are no class: loss 0
    loss = core.loss_per_sample({"name": "SparseCategoricalCrossentropy"}, t, p)
    np.testing.assert_allclose(loss, [-np.log(0.5), 0, 0, -np.log(0.3)], rtol=1e-6)
    cfg = {"name": "SparseCategoricalCrossentropy", "ignore_class": 1, "from_logits": True}
    loss = core.loss_per_sample(cfg, t, p)
    grad = core.loss_backward(cfg, t, p, np.ones(4, np.float32))
    assert loss[3] == 0 and np.all(grad[3] == 0) and np.all(grad[1] == 0)
    assert loss[0] > 0 and np.any(grad[0] != 0)
