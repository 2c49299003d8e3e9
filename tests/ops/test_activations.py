"""Activation ops against float64 NumPy references (in the manner of ggml's test-backend-ops).

`CASES` is the single description of the ops: adding an activation means adding one row.
Every row is checked for
  * forward: against the float64 reference, on random inputs, extreme magnitudes and tiny ones;
  * backward: against central finite differences of the reference, for the objective
    sum(w * f(z)) with random w (so the row-wise ops get a full vector-Jacobian product);
  * in-place use: a = f(z) written over z, dz written over da;
and the table itself must cover every activation the native core knows.
"""

import math
from typing import Callable, NamedTuple, Optional

import numpy as np
import pytest

NAN = float("nan")
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

_erfc = np.vectorize(math.erfc, otypes=[np.float64])


def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _elu(z, alpha):
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def _hard_sigmoid(z):
    return np.clip(z + 3.0, 0.0, 6.0) / 6.0


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _log_softmax(z):
    s = z - z.max(axis=1, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=1, keepdims=True))


def _gelu_tanh(z):
    return 0.5 * z * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (z + 0.044715 * z**3)))


class Case(NamedTuple):
    name: Optional[str]  # a Keras name (None is linear, as keras.activations.get(None))
    alpha: float  # NaN: Keras's default, which `ref` must then spell out
    ref: Callable[[np.ndarray], np.ndarray]  # float64 reference, rows x cols -> rows x cols


CASES = [
    Case("linear", NAN, lambda z: z),
    Case(None, NAN, lambda z: z),
    Case("relu", NAN, lambda z: np.maximum(z, 0.0)),
    Case("sigmoid", NAN, _sigmoid),
    Case("tanh", NAN, np.tanh),
    Case("softmax", NAN, _softmax),
    Case("log_softmax", NAN, _log_softmax),
    Case("gelu", NAN, lambda z: 0.5 * z * _erfc(-z / math.sqrt(2.0))),  # approximate=False
    Case("gelu_tanh", NAN, _gelu_tanh),
    Case("elu", NAN, lambda z: _elu(z, 1.0)),
    Case("elu", 0.5, lambda z: _elu(z, 0.5)),
    Case("selu", NAN, lambda z: SELU_SCALE * _elu(z, SELU_ALPHA)),
    Case("softplus", NAN, lambda z: np.logaddexp(z, 0.0)),
    Case("softsign", NAN, lambda z: z / (1.0 + np.abs(z))),
    Case("silu", NAN, lambda z: z * _sigmoid(z)),
    Case("swish", NAN, lambda z: z * _sigmoid(z)),
    Case("leaky_relu", NAN, lambda z: np.where(z >= 0, z, 0.2 * z)),  # Keras 3: 0.2
    Case("leaky_relu", 0.01, lambda z: np.where(z >= 0, z, 0.01 * z)),
    Case("relu6", NAN, lambda z: np.clip(z, 0.0, 6.0)),
    Case("hard_sigmoid", NAN, _hard_sigmoid),  # Keras 3: relu6(x + 3) / 6
    Case("hard_silu", NAN, lambda z: z * _hard_sigmoid(z)),
    Case("hard_swish", NAN, lambda z: z * _hard_sigmoid(z)),
    Case("exponential", NAN, np.exp),
    Case("mish", NAN, lambda z: z * np.tanh(np.logaddexp(z, 0.0))),
]

KINKS = np.array([0.0, -3.0, 3.0, 6.0])  # relu, relu6, leaky_relu, elu, hard_sigmoid, hard_silu


def case_id(case):
    return f"{case.name}" if math.isnan(case.alpha) else f"{case.name}-{case.alpha:g}"


cases = pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])


def reference(case, z):
    with np.errstate(over="ignore", invalid="ignore"):
        return case.ref(z.astype(np.float64))


def as_float32(x):
    with np.errstate(over="ignore"):
        return x.astype(np.float32)


def random_inputs(seed, rows=9, cols=13):
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=3.0, size=(rows, cols))
    z[rows // 2] = rng.uniform(-30.0, 30.0, size=cols)
    return z.astype(np.float32)


EXTREMES = np.array(
    [
        [-1e4, -1e3, -104.0, -100.0, -88.8, -30.0, -1e-3, 0.0, 1e-3, 30.0, 88.8, 100.0, 1e4],
        [-0.5, -1e-2, -1e-6, -1e-30, -0.0, 1e-30, 1e-6, 1e-2, 0.49, 0.51, 0.62, 0.63, 2.9999],
        [-6.0, -3.0, -2.9999, -0.625, 0.625, 3.0, 5.9999, 6.0, 6.0001, 9.0, 20.0, np.nan, 44.0],
    ],
    dtype=np.float32,
)


def away_from_kinks(z, margin=1e-3):
    d = z[..., None] - KINKS
    near = np.abs(d) < margin
    nudge = np.where(near, np.sign(d + 1e-12) * margin * 2, 0.0).sum(axis=-1)
    return (z + nudge).astype(np.float32)


def finite_difference_grad(case, z, w, h=1e-6):
    """d/dz of sum_j w[r, j] * f(z)[r, j], per row r, by central differences in float64."""
    z = z.astype(np.float64)
    grad = np.zeros_like(z)
    for j in range(z.shape[1]):
        step = h * np.maximum(1.0, np.abs(z[:, j]))
        zp, zm = z.copy(), z.copy()
        zp[:, j] += step
        zm[:, j] -= step
        # Difference before summing: for element-wise ops the other columns then cancel
        # exactly instead of drowning the step in a large row sum.
        with np.errstate(invalid="ignore"):  # inf - inf where exp overflows
            diff = (w * (reference(case, zp) - reference(case, zm))).sum(axis=1)
        grad[:, j] = diff / (2 * step)
    return grad


@cases
@pytest.mark.parametrize("seed", [0, 1])
def test_forward_matches_reference(core, case, seed):
    """Includes huge, tiny, kink and NaN inputs (NaN must propagate, as in Keras)."""
    z = np.concatenate([random_inputs(seed), EXTREMES])
    a = core.activation_forward(case.name, z, case.alpha)
    assert a.dtype == np.float32 and a.shape == z.shape
    np.testing.assert_allclose(a, as_float32(reference(case, z)), rtol=1e-5, atol=1e-6)


@cases
@pytest.mark.parametrize("seed", [0, 1])
def test_backward_matches_finite_differences(core, case, seed):
    z = away_from_kinks(random_inputs(seed))
    w = np.random.default_rng(100 + seed).normal(size=z.shape).astype(np.float32)
    a = core.activation_forward(case.name, z, case.alpha)
    dz = core.activation_backward(case.name, z, a, w, case.alpha)
    expected = finite_difference_grad(case, z, w.astype(np.float64))
    np.testing.assert_allclose(dz, as_float32(expected), rtol=1e-4, atol=1e-5)


@cases
def test_backward_is_finite_at_extremes(core, case):
    """No overflow to NaN for huge |z|; matches the reference wherever that is finite."""
    z = away_from_kinks(np.concatenate([EXTREMES[:1], -EXTREMES[:1]]))
    w = np.random.default_rng(7).normal(size=z.shape).astype(np.float32)
    a = core.activation_forward(case.name, z, case.alpha)
    dz = core.activation_backward(case.name, z, a, w, case.alpha)
    assert not np.isnan(dz).any()
    expected = as_float32(finite_difference_grad(case, z, w.astype(np.float64)))
    finite = np.isfinite(expected)
    np.testing.assert_allclose(dz[finite], expected[finite], rtol=1e-4, atol=1e-5)


@cases
def test_in_place(core, case):
    z = random_inputs(3)
    w = np.random.default_rng(4).normal(size=z.shape).astype(np.float32)
    a = core.activation_forward(case.name, z, case.alpha)
    dz = core.activation_backward(case.name, z, a, w, case.alpha)

    z_inout = z.copy()
    a_inplace = core.activation_forward(case.name, z_inout, case.alpha, out=z_inout)
    assert np.shares_memory(a_inplace, z_inout)
    np.testing.assert_array_equal(z_inout, a)

    da_inout = w.copy()
    core.activation_backward(case.name, z, a, da_inout, case.alpha, out=da_inout)
    np.testing.assert_array_equal(da_inout, dz)


def test_table_covers_every_native_activation(core):
    assert set(core.activation_names()) <= {c.name for c in CASES}


def test_unknown_name_lists_valid_names(core):
    z = np.zeros((2, 3), np.float32)
    with pytest.raises(ValueError, match="Valid names") as info:
        core.activation_forward("relu7", z)
    assert "relu7" in str(info.value)
    for name in ("relu", "gelu", "swish", "hard_silu", "log_softmax"):
        assert name in str(info.value)
    with pytest.raises(ValueError, match="Valid names"):
        core.activation_backward("nope", z, z, z)


def test_rejects_bad_arrays(core):
    z = np.zeros((2, 3), np.float32)
    with pytest.raises(TypeError, match="float32"):
        core.activation_forward("relu", z.astype(np.float64))
    with pytest.raises(ValueError, match="2-D"):
        core.activation_forward("relu", z.ravel())
    with pytest.raises(ValueError, match="C-contiguous"):
        core.activation_forward("relu", np.asfortranarray(np.zeros((3, 2), np.float32)))
    with pytest.raises(ValueError, match="shape"):
        core.activation_backward("relu", z, z, np.zeros((3, 2), np.float32))
    with pytest.raises(ValueError, match="shape"):
        core.activation_forward("relu", z, out=np.zeros((3, 2), np.float32))
