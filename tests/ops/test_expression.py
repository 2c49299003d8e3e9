"""Native expressions (densefit/expression.h) against NumPy in float64, op by op.

Every case is a function written the way a user writes a loss. It is traced into a native
graph and evaluated natively in float32; the reference is the same function run by NumPy on
float64 copies of the inputs, and the reference gradient is a central finite difference of
that float64 reference (ggml's test-backend-ops `grad` mode). Adding an op = adding a case.
"""

import numpy as np
import pytest

from densefit import ops
from densefit.ops import keras_semantics
from densefit.ops.trace import trace_loss, trace_metric

ROWS, COLS = 5, 3
RNG = np.random.default_rng(7)


def _inputs(domain, cols=COLS, rows=ROWS):
    lo, hi = domain
    y_true = RNG.uniform(lo, hi, (rows, cols))
    y_pred = RNG.uniform(lo, hi, (rows, cols))
    return y_true, y_pred


# name, fn(y_true, y_pred), input domain, reference in float64 (None: fn itself)
CASES = [
    ("negative", lambda t, p: -p * t, (-2, 2), None),
    ("abs", lambda t, p: np.abs(p - t), (-2, 2), None),
    ("square", lambda t, p: np.square(p) + p ** 2 * t, (-2, 2), None),
    ("sqrt", lambda t, p: np.sqrt(p) * t, (0.2, 2), None),
    ("exp", lambda t, p: np.exp(p) - t, (-2, 2), None),
    ("log", lambda t, p: np.log(p) * t, (0.2, 2), None),
    ("log1p", lambda t, p: np.log1p(p), (-0.5, 2), None),
    ("expm1", lambda t, p: np.expm1(p), (-2, 2), None),
    ("sin_cos", lambda t, p: np.sin(p) * np.cos(t + p), (-2, 2), None),
    ("tanh", lambda t, p: np.tanh(p - t), (-2, 2), None),
    ("cosh", lambda t, p: np.cosh(p), (-2, 2), None),
    ("log2_log10", lambda t, p: np.log2(p) + np.log10(p * 3), (0.2, 2), None),
    ("sigmoid", lambda t, p: ops.sigmoid(p) * t, (-3, 3), lambda t, p: t / (1 + np.exp(-p))),
    ("softplus", lambda t, p: ops.softplus(p - t), (-3, 3), lambda t, p: np.logaddexp(p - t, 0)),
    ("relu", lambda t, p: ops.relu(p) * t, (-2, 2), lambda t, p: np.maximum(p, 0) * t),
    ("sign_floor_ceil_round", lambda t, p: np.sign(p) * p + np.floor(p * 3) + np.ceil(t * 3)
     + np.round(p * 5) + np.trunc(p * 2), (-2, 2), None),
    ("reciprocal", lambda t, p: np.reciprocal(p) + 1 / (p + 3), (0.5, 2), None),
    ("add_sub_mul_div", lambda t, p: (p + t) * (p - 2 * t) / (t + 3) + 1 / (p + 3), (-2, 2), None),
    ("power_const", lambda t, p: np.power(p, 1.5) + p ** 3, (0.2, 2), None),
    ("power_traced", lambda t, p: t ** p + np.power(p, t), (0.2, 2), None),
    ("exp2_rpow", lambda t, p: np.exp2(p) + 3.0 ** p, (-1, 1), None),
    ("maximum_minimum", lambda t, p: np.maximum(p, t) - np.minimum(p, 0.3), (-2, 2), None),
    ("compare", lambda t, p: (p > t) * p + (p >= 0.1) + (p < t) * 2 + (p <= t) * t
     + (p == p) + (p != t) * p, (-2, 2), None),
    ("logical", lambda t, p: np.where((p > 0) & (t > 0) | ~(p > 1), p, -p)
     + np.logical_not(p > 0) * p + np.isnan(p), (-2, 2), None),
    ("where", lambda t, p: np.where(p > t, p * 2, np.square(p)), (-2, 2), None),
    ("where_ops", lambda t, p: ops.where(ops.greater(p, 0.0), ops.log(np.abs(p) + 1), t),
     (-2, 2), lambda t, p: np.where(p > 0, np.log(np.abs(p) + 1), t)),
    ("clip", lambda t, p: np.clip(p, -0.5, 0.7) + p.clip(0.0, None) + ops.clip(p, t, 1.0),
     (-2, 2), lambda t, p: np.clip(p, -0.5, 0.7) + p.clip(0.0, None) + np.clip(p, t, 1.0)),
    ("astype", lambda t, p: (p > 0).astype(np.float32) * p + p.astype(int) + ops.cast(p, "int32")
     + (p * 2).astype(bool), (-2, 2), None),
    ("sum_mean_rows", lambda t, p: np.sum(p * t, axis=-1) + np.mean(p, axis=1), (-2, 2), None),
    ("sum_over_batch", lambda t, p: p * np.sum(p, axis=0) / np.mean(t, axis=0, keepdims=True),
     (0.5, 2), None),
    ("sum_all", lambda t, p: np.square(p - t) * np.sum(p) + p.mean(), (-2, 2), None),
    ("keepdims", lambda t, p: p / np.sum(np.abs(p), axis=-1, keepdims=True), (0.5, 2), None),
    ("max_min", lambda t, p: np.max(p, axis=-1) - np.min(p * t, axis=1) + np.amax(p)
     + p.min(), (-2, 2), None),
    ("max_over_batch", lambda t, p: p * p.max(axis=0) - np.min(t * p, axis=0), (-2, 2), None),
    ("var_std", lambda t, p: np.var(p, axis=-1) + np.std(p - t, axis=-1), (-2, 2), None),
    ("logaddexp", lambda t, p: np.logaddexp(p, t), (-3, 3), None),
    ("logsumexp", lambda t, p: ops.logsumexp(p, axis=-1) - np.sum(t * p, axis=-1), (-3, 3),
     lambda t, p: np.log(np.sum(np.exp(p), axis=-1)) - np.sum(t * p, axis=-1)),
    ("softmax_xent", lambda t, p: -np.sum(t * ops.log_softmax(p), axis=-1), (-3, 3),
     lambda t, p: -np.sum(t * (p - np.log(np.sum(np.exp(p), -1, keepdims=True))), axis=-1)),
    ("constant_vector", lambda t, p: np.square(p - t) * np.array([1.0, 2.0, 3.0]), (-2, 2), None),
    ("constant_row", lambda t, p: p * np.array([[0.5, -1.0, 2.0]]) + np.float32(2), (-2, 2), None),
    ("slice_cols", lambda t, p: p[:, 0] * t[:, 2] + np.sum(p[:, 1:], axis=-1) + p[..., -1],
     (-2, 2), None),
    ("slice_step_newaxis", lambda t, p: p[:, ::2] * t[:, 1][:, None], (-2, 2), None),
    ("squeeze_expand", lambda t, p: np.squeeze(np.sum(p, axis=-1, keepdims=True), -1)
     * np.expand_dims(np.mean(t, -1), -1)[:, 0], (-2, 2), None),
    ("reshape", lambda t, p: np.sum(p, -1).reshape(-1, 1) * t.mean(-1).reshape(-1)[:, None],
     (-2, 2), None),
    ("like", lambda t, p: np.zeros_like(p) + np.ones_like(t) * p + ops.ones_like(p), (-2, 2),
     None),
    ("divide_no_nan", lambda t, p: ops.divide_no_nan(p, np.round(t)), (-2, 2),
     lambda t, p: np.where(np.round(t) == 0, 0.0, p / np.where(np.round(t) == 0, 1, np.round(t)))),
    ("scalar_result", lambda t, p: np.mean(np.square(p - t)), (-2, 2), None),
    ("python_constant", lambda t, p: 2.0, (-2, 2), lambda t, p: np.float64(2.0)),
]


def _reference_loss(ref, y_true, y_pred, sw, reduction):
    values = ref(y_true, y_pred)
    return float(keras_semantics.reduce_weighted_values(np.asarray(values, np.float64), sw,
                                                        reduction))


def _finite_difference(f, y_pred, h=1e-6):
    grad = np.zeros_like(y_pred)
    for idx in np.ndindex(y_pred.shape):
        up, down = y_pred.copy(), y_pred.copy()
        up[idx] += h
        down[idx] -= h
        grad[idx] = (f(up) - f(down)) / (2 * h)
    return grad


@pytest.mark.parametrize("name,fn,domain,ref", CASES, ids=[c[0] for c in CASES])
def test_loss_value_and_gradient(core, name, fn, domain, ref):
    ref = ref or fn
    y_true, y_pred = _inputs(domain)
    sw = RNG.uniform(0.5, 2.0, ROWS)
    desc = trace_loss(fn, COLS, COLS)
    f32 = (y_true.astype(np.float32), y_pred.astype(np.float32))
    value, grad = core.expression_eval(desc, *f32, sw.astype(np.float32), True)
    # The reference sees the float32-rounded inputs, so only the arithmetic differs.
    y_true, y_pred, sw = f32[0].astype(np.float64), f32[1].astype(np.float64), \
        sw.astype(np.float32).astype(np.float64)
    expected = _reference_loss(ref, y_true, y_pred, sw, "sum_over_batch_size")
    np.testing.assert_allclose(value[0], expected, rtol=2e-5, atol=1e-6)
    fd = _finite_difference(
        lambda p: _reference_loss(ref, y_true, p, sw, "sum_over_batch_size"), y_pred)
    np.testing.assert_allclose(grad, fd, rtol=2e-3, atol=2e-5)


@pytest.mark.parametrize("name,fn,domain,ref", CASES, ids=[c[0] for c in CASES])
def test_metric_values(core, name, fn, domain, ref):
    ref = ref or fn
    y_true, y_pred = (a.astype(np.float32) for a in _inputs(domain))
    desc = trace_metric(fn, COLS, COLS)
    values, grad = core.expression_eval(desc, y_true, y_pred)
    assert grad is None
    expected = keras_semantics.samplewise_values(
        np.asarray(ref(y_true.astype(np.float64), y_pred.astype(np.float64)), np.float64))
    np.testing.assert_allclose(values, np.broadcast_to(expected, values.shape).reshape(-1)
                               if np.ndim(expected) else [expected], rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean_with_sample_weight",
                                       "none"])
@pytest.mark.parametrize("shape", ["per_sample", "per_element", "column", "scalar"])
def test_loss_reductions_with_sample_weight(core, reduction, shape):
    fns = {
        "per_sample": lambda t, p: np.mean(np.square(p - t), axis=-1),
        "per_element": lambda t, p: np.square(p - t),
        "column": lambda t, p: np.sum(np.abs(p - t), axis=-1, keepdims=True),
        "scalar": lambda t, p: np.sum(np.square(p - t)),
    }
    fn = fns[shape]
    y_true, y_pred = (a.astype(np.float32) for a in _inputs((-2, 2)))
    sw = RNG.uniform(0.0, 3.0, ROWS).astype(np.float32)
    desc = trace_loss(fn, COLS, COLS, reduction=reduction)
    value, grad = core.expression_eval(desc, y_true, y_pred, sw, True)
    y_true, y_pred, sw = (a.astype(np.float64) for a in (y_true, y_pred, sw))
    expected = _reference_loss(fn, y_true, y_pred, sw, reduction)
    np.testing.assert_allclose(value[0], expected, rtol=2e-5)
    fd = _finite_difference(lambda p: _reference_loss(fn, y_true, p, sw, reduction), y_pred)
    np.testing.assert_allclose(grad, fd, rtol=2e-3, atol=2e-5)


def test_absent_sample_weight_counts_as_ones(core):
    fn = lambda t, p: np.abs(p - t)  # noqa: E731
    y_true, y_pred = (a.astype(np.float32) for a in _inputs((-2, 2)))
    desc = trace_loss(fn, COLS, COLS)
    without, _ = core.expression_eval(desc, y_true, y_pred)
    ones, _ = core.expression_eval(desc, y_true, y_pred, np.ones(ROWS, np.float32))
    assert without[0] == ones[0]
    np.testing.assert_allclose(without[0], np.mean(np.abs(y_pred - y_true)), rtol=1e-6)


def test_batch_size_is_read_per_call(core):
    # One graph serves every batch size (the last batch of an epoch is smaller).
    fn = lambda t, p: np.mean(np.square(p - t), axis=0)[None, :] * np.ones_like(p)  # noqa: E731
    desc = trace_loss(fn, COLS, COLS)
    for rows in (1, 4, 9):
        y_true, y_pred = (a.astype(np.float32) for a in _inputs((-2, 2), rows=rows))
        value, _ = core.expression_eval(desc, y_true, y_pred)
        expected = np.mean(np.broadcast_to(np.mean(np.square(y_pred - y_true), axis=0),
                                           y_pred.shape))
        np.testing.assert_allclose(value[0], expected, rtol=1e-5)


# Gradients where the formula is not differentiable follow JAX (Keras's oracle); the expected
# values below were obtained with jax.grad.
JAX_EDGE_CASES = [
    ("abs_at_zero", lambda t, p: np.abs(p), [0.0], [1.0]),
    ("maximum_tie", lambda t, p: np.maximum(p, 0.0), [0.0], [0.5]),
    ("clip_bounds", lambda t, p: np.clip(p, 0.0, 1.0), [0.0, 1.0], [0.5, 0.5]),
    ("relu_at_zero", lambda t, p: ops.relu(p), [0.0], [0.0]),
    ("softplus_at_zero", lambda t, p: ops.softplus(p), [0.0], [0.5]),
    ("max_reduction_ties", lambda t, p: np.max(p, axis=-1), [1.0, 1.0, 0.0], [0.5, 0.5, 0.0]),
    ("sign_and_round", lambda t, p: np.sign(p) + np.round(p), [1.2], [0.0]),
    ("sqrt_at_zero", lambda t, p: np.sqrt(p), [0.0], [np.inf]),
    ("where_unselected_nan", lambda t, p: np.where(p > 0, np.log(p), 0.0), [0.0], [np.nan]),
    ("power_zero_base", lambda t, p: 0.0 ** p, [1.0], [0.0]),
]


@pytest.mark.parametrize("name,fn,y_pred,expected", JAX_EDGE_CASES,
                         ids=[c[0] for c in JAX_EDGE_CASES])
def test_gradient_conventions_match_jax(core, name, fn, y_pred, expected):
    y_pred = np.array([y_pred], np.float32)
    desc = trace_loss(lambda t, p: np.sum(fn(t, p)), y_pred.shape[1], y_pred.shape[1],
                      reduction="sum")
    _, grad = core.expression_eval(desc, np.zeros_like(y_pred), y_pred, None, True)
    np.testing.assert_array_equal(grad[0], np.array(expected, np.float32))


def _desc(nodes, output, cols=2):
    return {"nodes": nodes, "output": output, "y_true_cols": cols, "y_pred_cols": cols}


@pytest.mark.parametrize("desc,message", [
    (_desc([{"op": "cube"}], 0), "unknown expression op 'cube'"),
    (_desc([{"op": "y_pred"}, {"op": "abs", "inputs": [1]}], 1), "earlier node"),
    (_desc([{"op": "y_pred"}, {"op": "constant", "values": [1, 2, 3]},
            {"op": "add", "inputs": [0, 1]}], 2), "do not broadcast"),
    (_desc([{"op": "y_pred"}], 0), "scalar or one value per sample"),
    (_desc([{"op": "y_pred"}, {"op": "slice_cols", "inputs": [0], "start": 1, "cols": 2}], 1),
     "out of range"),
    (_desc([{"op": "y_pred"}, {"op": "add", "inputs": [0]}], 1), "takes 2 inputs"),
])
def test_malformed_graphs_raise_value_error(core, desc, message):
    y = np.zeros((2, 2), np.float32)
    with pytest.raises(ValueError, match=message):
        core.expression_eval(desc, y, y)


def test_gradient_of_per_sample_output_is_refused(core):
    desc = trace_metric(lambda t, p: np.abs(p - t), COLS, COLS)
    y = np.zeros((2, COLS), np.float32)
    with pytest.raises(ValueError, match="scalar output"):
        core.expression_eval(desc, y, y, None, True)


def test_input_shapes_are_checked(core):
    desc = trace_loss(lambda t, p: np.abs(p - t), COLS, COLS)
    with pytest.raises(ValueError, match="y_true must have shape"):
        core.expression_eval(desc, np.zeros((2, COLS + 1), np.float32),
                             np.zeros((2, COLS), np.float32))
