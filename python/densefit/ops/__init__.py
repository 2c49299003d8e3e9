"""densefit.ops: a small, Keras-ops-like set of differentiable array operations for custom
losses and metrics.

On NumPy arrays each function computes with NumPy (float32 where Keras would). Inside
`compile(loss=fn)` / `compile(metrics=[fn])` the function runs once on traced stand-ins and
these operations are recorded into a graph that the native training step evaluates and
differentiates for every batch (see docs/custom-functions.md). Plain NumPy calls on the same
values are recorded too; these names cover what NumPy lacks (sigmoid, softplus, relu, ...) and
Keras's spelling (cast, convert_to_tensor) so that a `keras.ops` loss ports by renaming.
"""

import builtins

import numpy as np

from densefit.ops import numpy_dispatch as _dispatch
from densefit.ops import tracer as _t
from densefit.ops.trace import trace_loss, trace_metric  # noqa: F401  (for densefit internals)


def _traced(*values):
    # builtins.any: this module defines Keras's `any`.
    return builtins.any(isinstance(v, _t.Tracer) for v in values)


def _f32(x):
    return np.asarray(x, dtype=np.float32)


# ---- element-wise -----------------------------------------------------------------------------
def _numpy_unary(np_fn):
    def op(x):
        return np_fn(x) if _traced(x) else np_fn(_f32(x))
    op.__name__ = np_fn.__name__
    op.__doc__ = f"Element-wise np.{np_fn.__name__} (recorded when traced)."
    return op


abs = absolute = _numpy_unary(np.absolute)  # noqa: A001  (Keras's name)
square = _numpy_unary(np.square)
sqrt = _numpy_unary(np.sqrt)
exp = _numpy_unary(np.exp)
log = _numpy_unary(np.log)
log1p = _numpy_unary(np.log1p)
expm1 = _numpy_unary(np.expm1)
log2 = _numpy_unary(np.log2)
log10 = _numpy_unary(np.log10)
sin = _numpy_unary(np.sin)
cos = _numpy_unary(np.cos)
tanh = _numpy_unary(np.tanh)
cosh = _numpy_unary(np.cosh)
sign = _numpy_unary(np.sign)
floor = _numpy_unary(np.floor)
ceil = _numpy_unary(np.ceil)
round = _numpy_unary(np.rint)  # noqa: A001
negative = _numpy_unary(np.negative)
reciprocal = _numpy_unary(np.reciprocal)
logical_not = _numpy_unary(np.logical_not)
isnan = _numpy_unary(np.isnan)


def sigmoid(x):
    """1 / (1 + exp(-x)); gradient sigmoid(x) * (1 - sigmoid(x))."""
    if _traced(x):
        return _t.unary("sigmoid", x)
    x = _f32(x)
    return (1.0 / (1.0 + np.exp(-x))).astype(np.float32)


def softplus(x):
    """log(1 + exp(x)) computed as logaddexp(x, 0); gradient sigmoid(x)."""
    if _traced(x):
        return _t.unary("softplus", x)
    return np.logaddexp(_f32(x), np.float32(0.0))


def relu(x):
    """max(x, 0), with gradient 0 at 0 (as jax.nn.relu)."""
    if _traced(x):
        return _t.unary("relu", x)
    x = _f32(x)
    return np.where(x > 0, x, np.float32(0.0)).astype(np.float32)


def _numpy_binary(np_fn):
    def op(x1, x2):
        if _traced(x1, x2):
            return np_fn(x1, x2)
        return np_fn(_f32(x1), _f32(x2))
    op.__name__ = np_fn.__name__
    op.__doc__ = f"Element-wise np.{np_fn.__name__} with broadcasting (recorded when traced)."
    return op


add = _numpy_binary(np.add)
subtract = _numpy_binary(np.subtract)
multiply = _numpy_binary(np.multiply)
divide = true_divide = _numpy_binary(np.divide)
power = _numpy_binary(np.power)
maximum = _numpy_binary(np.maximum)
minimum = _numpy_binary(np.minimum)
logaddexp = _numpy_binary(np.logaddexp)
less = _numpy_binary(np.less)
less_equal = _numpy_binary(np.less_equal)
greater = _numpy_binary(np.greater)
greater_equal = _numpy_binary(np.greater_equal)
equal = _numpy_binary(np.equal)
not_equal = _numpy_binary(np.not_equal)
logical_and = _numpy_binary(np.logical_and)
logical_or = _numpy_binary(np.logical_or)


def divide_no_nan(x1, x2):
    """x1 / x2, and 0 where x2 == 0."""
    safe = where(equal(x2, 0.0), 1.0, x2)
    return where(equal(x2, 0.0), 0.0, divide(x1, safe))


def clip(x, x_min, x_max):
    """minimum(maximum(x, x_min), x_max), as jnp.clip (a bound hit exactly passes half the
    gradient)."""
    return np.clip(x if _traced(x) else _f32(x), x_min, x_max)


def where(condition, x1, x2):
    """x1 where condition is true, else x2; the gradient goes to the chosen branch only."""
    if _traced(condition, x1, x2):
        return _dispatch.function(np.where, (condition, x1, x2), {})
    return np.where(condition, _f32(x1), _f32(x2))


def cast(x, dtype):
    """x as dtype: floats stay float32, ints truncate (natively still float32), bools are
    x != 0."""
    if _traced(x):
        return x.astype(dtype)
    return np.asarray(x).astype(dtype)


def convert_to_tensor(x, dtype=None):
    """x itself when traced, else a NumPy array (float32 unless dtype says otherwise)."""
    if _traced(x):
        return x if dtype is None else cast(x, dtype)
    return np.asarray(x, dtype=dtype or (np.float32 if np.asarray(x).dtype.kind == "f" else None))


# ---- reductions ---------------------------------------------------------------------------------
def _reduction(np_fn, doc):
    def op(x, axis=None, keepdims=False):
        return np_fn(x if _traced(x) else _f32(x), axis=axis, keepdims=keepdims)
    op.__name__ = np_fn.__name__
    op.__doc__ = doc
    return op


sum = _reduction(np.sum, "Sum over `axis` (all axes when None).")  # noqa: A001
mean = _reduction(np.mean, "Mean over `axis` (all axes when None).")
max = _reduction(np.max, "Max over `axis`; tied maxima share the gradient evenly.")  # noqa: A001
min = _reduction(np.min, "Min over `axis`; tied minima share the gradient evenly.")  # noqa: A001
var = _reduction(np.var, "Population variance over `axis`.")
std = _reduction(np.std, "Population standard deviation over `axis`.")


def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over `axis`, shifted by the max for stability."""
    top = max(x, axis=axis, keepdims=True)
    out = log(sum(exp(subtract(x, top)), axis=axis, keepdims=True)) + top
    return out if keepdims else squeeze(out, axis=axis)


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) over `axis`, shifted by the max."""
    e = exp(subtract(x, max(x, axis=axis, keepdims=True)))
    return divide(e, sum(e, axis=axis, keepdims=True))


def log_softmax(x, axis=-1):
    """(x - max) - log(sum(exp(x - max))) over `axis`, rounded as jax.nn.log_softmax."""
    shifted = subtract(x, max(x, axis=axis, keepdims=True))
    return subtract(shifted, log(sum(exp(shifted), axis=axis, keepdims=True)))


def log_sigmoid(x):
    """log(sigmoid(x)) as jax.nn.log_sigmoid: -softplus(-x)."""
    return negative(softplus(negative(x)))


def all(x, axis=None, keepdims=False):  # noqa: A001  (Keras's name)
    """Whether every element over `axis` is true (non-zero); a boolean."""
    if not _traced(x):
        return np.all(np.asarray(x), axis=axis, keepdims=keepdims)
    return greater(min(cast(x, "bool").astype(np.float32), axis=axis, keepdims=keepdims), 0.5)


def any(x, axis=None, keepdims=False):  # noqa: A001  (Keras's name)
    """Whether some element over `axis` is true (non-zero); a boolean."""
    if not _traced(x):
        return np.any(np.asarray(x), axis=axis, keepdims=keepdims)
    return greater(max(cast(x, "bool").astype(np.float32), axis=axis, keepdims=keepdims), 0.5)


def argmax(x, axis=-1):
    """The index of the largest value over the last axis, as keras.ops.argmax on its JAX CPU
    backend: the first of tied maxima, a NaN counts as the largest, -0.0 ranks below +0.0.
    Traced it is a float32 holding the index (there are no integer tensors natively)."""
    if not _traced(x):
        x = _f32(x)
        # Keras's CPU argmax works around flush-to-zero by lowering -0.0 to -tiny.
        x = np.where((x == 0) & np.signbit(x), -np.finfo(np.float32).tiny, x)
        return np.argmax(x, axis=axis)
    if axis not in (-1, x.ndim - 1) or x.ndim != 2:
        raise _t.UntraceableError(f"argmax over axis {axis} of a {x.ndim}-D value (only over "
                                  f"the last axis of a (batch, n) value)")
    n = x.shape[-1]
    ids = np.arange(n, dtype=np.float32)
    nan = isnan(x)
    x = where(equal(x, 0.0) & less(reciprocal(x), 0.0), -np.finfo(np.float32).tiny, x)
    x = where(nan, -np.inf, x)
    first_max = min(where(equal(x, max(x, axis=-1, keepdims=True)), ids, float(n)), axis=-1)
    first_nan = min(where(nan, ids, float(n)), axis=-1)
    return where(less(first_nan, float(n)), first_nan, first_max)


def one_hot(x, num_classes):
    """x[..., None] == range(num_classes) as float32 (ids outside the range give zeros), as
    jax.nn.one_hot."""
    ids = np.arange(int(num_classes), dtype=np.float32)
    return cast(equal(expand_dims(x, -1), ids), "float32")


def in_top_k(targets, predictions, k):
    """Whether predictions[i, targets[i]] is among the k largest of its row, as
    keras.ops.in_top_k on JAX: ties count for the target, a NaN there ranks last, an id
    outside the row reads NaN (negative ids count from the end)."""
    n = predictions.shape[-1]
    targets = where(less(targets, 0.0), add(targets, float(n)), targets)
    hot = cast(one_hot(targets, n), "bool")
    at = sum(where(hot, predictions, 0.0), axis=-1, keepdims=True)
    at = where(any(hot, axis=-1, keepdims=True) & logical_not(isnan(at)), at, -np.inf)
    rank = add(sum(cast(greater(predictions, at), "float32"), axis=-1), 1.0)
    return less_equal(rank, float(k))


def l2_normalize(x, axis=-1, epsilon=1e-7):
    """x * min(1 / sqrt(sum(x ** 2)), 1 / epsilon) over `axis` (keras.ops.normalize, order 2)."""
    inv_norm = reciprocal(sqrt(sum(square(x), axis=axis, keepdims=True)))
    return multiply(x, minimum(inv_norm, 1.0 / epsilon))


# ---- shapes -----------------------------------------------------------------------------------
def squeeze(x, axis=None):
    return np.squeeze(x, axis=axis)


def expand_dims(x, axis):
    return np.expand_dims(x, axis)


def reshape(x, newshape):
    return np.reshape(x, newshape)


def zeros_like(x, dtype=None):
    return np.zeros_like(x, dtype=dtype or np.float32)


def ones_like(x, dtype=None):
    return np.ones_like(x, dtype=dtype or np.float32)


from densefit.ops import metric_compiler as _metric_compiler  # noqa: E402

_metric_compiler.register()
