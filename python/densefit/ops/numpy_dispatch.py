"""NumPy's ufuncs and functions, as recorded on Tracers (`__array_ufunc__`,
`__array_function__`). Whatever is not listed here raises UntraceableError naming it."""

import numpy as np

from densefit.ops import tracer as t
from densefit.ops.graph import UntraceableError

_UNARY_UFUNCS = {
    np.negative: "negative", np.absolute: "abs", np.fabs: "abs", np.square: "square",
    np.sqrt: "sqrt", np.exp: "exp", np.log: "log", np.log1p: "log1p", np.expm1: "expm1",
    np.sin: "sin", np.cos: "cos", np.tanh: "tanh", np.sign: "sign", np.floor: "floor",
    np.ceil: "ceil", np.rint: "round", np.trunc: "trunc", np.reciprocal: "reciprocal",
    np.logical_not: "logical_not", np.isnan: "isnan",
}
_BINARY_UFUNCS = {
    np.add: "add", np.subtract: "subtract", np.multiply: "multiply", np.divide: "divide",
    np.maximum: "maximum", np.minimum: "minimum", np.less: "less", np.less_equal: "less_equal",
    np.greater: "greater", np.greater_equal: "greater_equal", np.equal: "equal",
    np.not_equal: "not_equal", np.logical_and: "logical_and", np.logical_or: "logical_or",
    np.bitwise_and: "logical_and", np.bitwise_or: "logical_or",
}


def _log_base(base):
    return lambda x: t.binary("divide", t.unary("log", x), float(np.log(base)))


def _logaddexp(a, b):
    # jnp.logaddexp: max + log1p(exp(-|a - b|)).
    big = t.binary("maximum", a, b)
    gap = t.unary("abs", t.binary("subtract", a, b))
    return t.binary("add", big, t.unary("log1p", t.unary("exp", t.unary("negative", gap))))


_COMPOSITE_UFUNCS = {
    np.positive: lambda x: x,
    np.power: t.power,
    np.float_power: t.power,
    np.log2: _log_base(2.0),
    np.log10: _log_base(10.0),
    np.exp2: lambda x: t.power(2.0, x),
    np.cosh: lambda x: t.binary("multiply", t.binary("add", t.unary("exp", x),
                                                     t.unary("exp", t.unary("negative", x))), 0.5),
    np.invert: lambda x: t.unary("logical_not", x),
    np.logaddexp: _logaddexp,
}


def ufunc(uf, method, inputs, kwargs):
    if kwargs.get("out") is not None:
        raise UntraceableError(f"np.{uf.__name__}(..., out=...) (in-place writes)")
    if method == "reduce" and uf in (np.add, np.maximum, np.minimum):
        op = {np.add: "sum", np.maximum: "max", np.minimum: "min"}[uf]
        return t.reduce(op, inputs[0], kwargs.get("axis", 0), kwargs.get("keepdims", False))
    if method != "__call__" or kwargs.get("where", True) is not True:
        raise UntraceableError(f"np.{uf.__name__}.{method}")
    if uf in _UNARY_UFUNCS:
        return t.unary(_UNARY_UFUNCS[uf], inputs[0])
    if uf in _BINARY_UFUNCS:
        return t.binary(_BINARY_UFUNCS[uf], *inputs)
    if uf in _COMPOSITE_UFUNCS:
        return _COMPOSITE_UFUNCS[uf](*inputs)
    raise UntraceableError(f"np.{uf.__name__} is not supported")


def _reduction(op):
    def run(a, axis=None, dtype=None, out=None, keepdims=False, **kwargs):
        if out is not None or kwargs.get("where", True) is not True:
            raise UntraceableError(f"np.{op}(..., out= / where=)")
        return t.reduce(op, a, axis, keepdims)
    return run


def _full_like(value):
    def run(a, dtype=None, *args, **kwargs):
        # A constant with a's shape: where(True, value, a) passes no gradient to a.
        return t.where(True, float(value), t.astype(a, np.float32))
    return run


def _var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    if ddof:
        raise UntraceableError("np.var / np.std with ddof")
    centered = t.binary("subtract", a, t.reduce("mean", a, axis, keepdims=True))
    return t.reduce("mean", t.unary("square", centered), axis, keepdims)


def _clip(a, a_min=None, a_max=None, out=None, **kwargs):
    a_min = kwargs.pop("min", a_min)
    a_max = kwargs.pop("max", a_max)
    if out is not None:
        raise UntraceableError("np.clip(..., out=...)")
    return t.clip(a, a_min, a_max)


def _where(condition, x=None, y=None):
    if x is None or y is None:
        raise UntraceableError("np.where with one argument (it returns indices)")
    return t.where(t.astype(t.as_tracer(condition, _any_graph(condition, x, y)), np.bool_), x, y)


def _any_graph(*values):
    return next(v._graph for v in values if isinstance(v, t.Tracer))


_FUNCTIONS = {
    np.sum: _reduction("sum"), np.mean: _reduction("mean"),
    np.max: _reduction("max"), np.amax: _reduction("max"),
    np.min: _reduction("min"), np.amin: _reduction("min"),
    np.var: _var,
    np.std: lambda a, axis=None, dtype=None, out=None, ddof=0, keepdims=False:
        t.unary("sqrt", _var(a, axis, dtype, out, ddof, keepdims)),
    np.clip: _clip,
    np.where: _where,
    np.round: lambda a, decimals=0, out=None: _round(a, decimals),
    np.around: lambda a, decimals=0, out=None: _round(a, decimals),
    np.squeeze: lambda a, axis=None: t.squeeze(a, axis),
    np.expand_dims: lambda a, axis: t.expand_dims(a, axis),
    np.reshape: lambda a, shape=None, *args, **kw: t.reshape(a, kw.get("newshape", shape)),
    np.zeros_like: _full_like(0.0),
    np.ones_like: _full_like(1.0),
    np.full_like: lambda a, fill_value, dtype=None, *args, **kw: _full_like(fill_value)(a),
    np.shape: lambda a: a.shape,
    np.ndim: lambda a: a.ndim,
    np.abs: lambda x, *args, **kw: ufunc(np.absolute, "__call__", (x,), kw),
}


def _round(a, decimals):
    if decimals:
        raise UntraceableError("np.round with decimals")
    return t.unary("round", a)


def function(func, args, kwargs):
    impl = _FUNCTIONS.get(func)
    if impl is None:
        raise UntraceableError(f"np.{func.__name__} is not supported")
    return impl(*args, **kwargs)
