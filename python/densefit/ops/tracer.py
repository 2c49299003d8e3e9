"""Tracer: the stand-in for y_true / y_pred while a user's function runs once at compile.

Python operators, NumPy ufuncs (`__array_ufunc__`) and NumPy functions
(`__array_function__`) on a Tracer record nodes into a Graph instead of computing. Anything
that needs a concrete value (`if`, `float()`, `np.asarray`) raises UntraceableError.
"""

import numbers

import numpy as np

from densefit.ops.graph import (BATCH, UntraceableError, broadcast_shapes, native_layout,
                                shape_str)

# Element-wise ops by the name the native core knows, with arity and whether the result is
# boolean (NumPy's dtype; natively 0.0 / 1.0).
UNARY = {"negative", "abs", "square", "sqrt", "exp", "log", "log1p", "expm1", "sin", "cos",
         "tanh", "sigmoid", "softplus", "relu", "sign", "floor", "ceil", "round", "trunc",
         "reciprocal"}
BOOL_UNARY = {"logical_not", "isnan"}
BINARY = {"add", "subtract", "multiply", "divide", "power", "maximum", "minimum"}
BOOL_BINARY = {"less", "less_equal", "greater", "greater_equal", "equal", "not_equal",
               "logical_and", "logical_or"}
REDUCTIONS = {"sum", "mean", "max", "min"}


class Tracer:
    """A traced array: a graph node plus the shape and dtype NumPy would give it."""

    __array_priority__ = 1000  # NumPy defers binary operators to us

    def __init__(self, graph, node, shape, dtype=np.float32):
        self._graph = graph
        self._node = node
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)

    # ---- what NumPy code may ask of an array -------------------------------------------------
    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        raise UntraceableError("`.size` of a traced value (its batch size is only known "
                               "natively); use np.mean instead of np.sum(...) / x.size")

    def __len__(self):
        raise UntraceableError("len() of a traced value (its batch size is only known natively)")

    def __iter__(self):
        raise UntraceableError("iterating over a traced value (a Python loop over the batch)")

    def __bool__(self):
        raise UntraceableError("Python `if`, `and`, `or`, `not` or `bool()` on a traced value "
                               "(use np.where / densefit.ops.where and np.logical_and / or)")

    def __float__(self):
        raise UntraceableError("float() of a traced value (its value exists only natively)")

    def __int__(self):
        raise UntraceableError("int() of a traced value (its value exists only natively)")

    def __index__(self):
        raise UntraceableError("using a traced value as an index")

    def __array__(self, dtype=None, copy=None):
        raise UntraceableError("converting a traced value to a NumPy array (np.asarray, "
                               "np.array, a NumPy function without a traced equivalent)")

    def __repr__(self):
        return f"<traced {shape_str(self.shape)} {self.dtype}>"

    # ---- Python operators -------------------------------------------------------------------
    def __add__(self, o): return binary("add", self, o)
    def __radd__(self, o): return binary("add", o, self)
    def __sub__(self, o): return binary("subtract", self, o)
    def __rsub__(self, o): return binary("subtract", o, self)
    def __mul__(self, o): return binary("multiply", self, o)
    def __rmul__(self, o): return binary("multiply", o, self)
    def __truediv__(self, o): return binary("divide", self, o)
    def __rtruediv__(self, o): return binary("divide", o, self)
    def __pow__(self, o): return power(self, o)
    def __rpow__(self, o): return power(o, self)
    def __neg__(self): return unary("negative", self)
    def __pos__(self): return self
    def __abs__(self): return unary("abs", self)
    def __lt__(self, o): return binary("less", self, o)
    def __le__(self, o): return binary("less_equal", self, o)
    def __gt__(self, o): return binary("greater", self, o)
    def __ge__(self, o): return binary("greater_equal", self, o)
    def __eq__(self, o): return binary("equal", self, o)  # noqa: E704
    def __ne__(self, o): return binary("not_equal", self, o)
    def __and__(self, o): return binary("logical_and", self, o)
    def __rand__(self, o): return binary("logical_and", o, self)
    def __or__(self, o): return binary("logical_or", self, o)
    def __ror__(self, o): return binary("logical_or", o, self)
    def __invert__(self): return unary("logical_not", self)

    def __floordiv__(self, o): return unary("floor", binary("divide", self, o))
    def __rfloordiv__(self, o): return unary("floor", binary("divide", o, self))

    __hash__ = object.__hash__

    def __getitem__(self, key):
        return getitem(self, key)

    # ---- array methods ----------------------------------------------------------------------
    def sum(self, axis=None, keepdims=False, dtype=None):
        return reduce("sum", self, axis, keepdims)

    def mean(self, axis=None, keepdims=False, dtype=None):
        return reduce("mean", self, axis, keepdims)

    def max(self, axis=None, keepdims=False):
        return reduce("max", self, axis, keepdims)

    def min(self, axis=None, keepdims=False):
        return reduce("min", self, axis, keepdims)

    def clip(self, min=None, max=None):  # noqa: A002  (NumPy's names)
        return clip(self, min, max)

    def astype(self, dtype, copy=True):
        return astype(self, dtype)

    def reshape(self, *shape):
        return reshape(self, shape[0] if len(shape) == 1 else shape)

    def squeeze(self, axis=None):
        return squeeze(self, axis)

    # ---- NumPy protocols --------------------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        from densefit.ops import numpy_dispatch
        return numpy_dispatch.ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        from densefit.ops import numpy_dispatch
        return numpy_dispatch.function(func, args, kwargs)


# ---- recording ----------------------------------------------------------------------------------
def _graph_of(values):
    graphs = {id(v._graph): v._graph for v in values if isinstance(v, Tracer)}
    if len(graphs) != 1:
        raise UntraceableError("mixing values traced from different functions")
    return next(iter(graphs.values()))


def as_tracer(value, graph):
    """A Tracer for a traced value or a constant (Python / NumPy scalar or small array)."""
    if isinstance(value, Tracer):
        return value
    if isinstance(value, (bool, np.bool_)):
        return Tracer(graph, graph.constant(float(value)), (), np.bool_)
    if isinstance(value, numbers.Number):
        return Tracer(graph, graph.constant(value), (), np.float32)
    try:
        array = np.asarray(value)
    except UntraceableError:
        raise
    except Exception as exc:  # noqa: BLE001  (anything NumPy cannot make an array of)
        raise UntraceableError(f"{type(value).__name__} operand ({exc})") from None
    if array.dtype.kind not in "biuf":
        raise UntraceableError(f"a {array.dtype} constant (only numbers are supported)")
    native_layout(array.shape)
    dtype = np.bool_ if array.dtype.kind == "b" else np.float32
    return Tracer(graph, graph.constant(array), array.shape, dtype)


def unary(op, x):
    graph = x._graph
    dtype = np.bool_ if op in BOOL_UNARY else np.float32
    if op == "logical_not" and x.dtype != np.bool_:
        x = astype(x, np.bool_)
    return Tracer(graph, graph.add(op, [x._node]), x.shape, dtype)


def binary(op, a, b):
    graph = _graph_of((a, b))
    a, b = as_tracer(a, graph), as_tracer(b, graph)
    shape = broadcast_shapes(a.shape, b.shape)
    if op in ("logical_and", "logical_or"):
        if a.dtype != np.bool_ or b.dtype != np.bool_:
            raise UntraceableError(f"`&` / `|` / np.{op} on non-boolean values (bitwise "
                                   f"integer ops are not supported)")
    dtype = np.bool_ if op in BOOL_BINARY else np.float32
    return Tracer(graph, graph.add(op, [a._node, b._node]), shape, dtype)


def where(cond, a, b):
    graph = _graph_of((cond, a, b))
    cond, a, b = (as_tracer(v, graph) for v in (cond, a, b))
    shape = broadcast_shapes(cond.shape, a.shape, b.shape)
    dtype = np.bool_ if a.dtype == np.bool_ and b.dtype == np.bool_ else np.float32
    return Tracer(graph, graph.add("where", [cond._node, a._node, b._node]), shape, dtype)


def power(a, b):
    graph = _graph_of((a, b))
    # x ** 2 as JAX's integer_pow computes it: x * x, exact and with gradient 2x.
    if isinstance(a, Tracer) and isinstance(b, numbers.Number) and b == 2:
        return unary("square", a)
    return binary("power", a, b)


def astype(x, dtype):
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return x if x.dtype == np.bool_ else binary("not_equal", x, 0.0)
    if dtype.kind in "iu":
        return x if x.dtype == np.bool_ else unary("trunc", x)  # float32 holding integers
    if dtype.kind == "f":
        return Tracer(x._graph, x._node, x.shape, np.float32)
    raise UntraceableError(f"astype({dtype}) (only float, int and bool are supported)")


def clip(x, lo, hi):
    # jnp.clip = minimum(maximum(x, lo), hi): a bound hit exactly passes half the gradient.
    if lo is not None:
        x = binary("maximum", x, lo)
    if hi is not None:
        x = binary("minimum", x, hi)
    return x


def view(x, shape):
    """x with another NumPy shape over the same native layout ((batch,) <-> (batch, 1), ...)."""
    shape = tuple(shape)
    if native_layout(shape) != native_layout(x.shape):
        raise UntraceableError(f"reshaping {shape_str(x.shape)} to {shape_str(shape)} (only "
                               f"adding or removing axes of length 1 is supported)")
    return Tracer(x._graph, x._node, shape, x.dtype)


def reshape(x, shape):
    shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)
    # A traced value's own shape names its batch axis BATCH; it stands where -1 may.
    shape = tuple(-1 if d is BATCH else d for d in shape)
    known = [d for d in shape if d != -1]
    if shape.count(-1) > 1 or any(d is BATCH for d in known):
        raise UntraceableError(f"reshape to {shape}")
    if shape.count(-1) == 1:
        # The batch axis absorbs the -1: (batch, 1) -> (-1,) or (-1, 1).
        if not x.shape or x.shape[0] is not BATCH or int(np.prod(x.shape[1:])) != \
                int(np.prod(known or [1])):
            raise UntraceableError(f"reshaping {shape_str(x.shape)} to {shape}")
        shape = tuple(BATCH if d == -1 else d for d in shape)
    return view(x, shape)


def squeeze(x, axis=None):
    rank = x.ndim
    if axis is None:
        axes = [i for i, d in enumerate(x.shape) if d == 1]
    else:
        axes = [a % rank for a in ((axis,) if isinstance(axis, numbers.Integral) else axis)]
        for a in axes:
            if x.shape[a] != 1:
                raise UntraceableError(f"squeezing axis {a} of {shape_str(x.shape)}: it is not 1")
    return view(x, [d for i, d in enumerate(x.shape) if i not in axes])


def expand_dims(x, axis):
    shape = list(x.shape)
    axes = (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)
    rank = len(shape) + len(axes)
    for a in sorted(a % rank for a in axes):
        shape.insert(a, 1)
    return view(x, shape)


def _norm_axes(axis, rank):
    if axis is None:
        return tuple(range(rank))
    axes = (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)
    try:
        out = tuple(sorted({int(a) % rank if rank else int(a) for a in axes}))
    except ZeroDivisionError:
        out = ()
    if any(a < 0 or a >= max(rank, 1) for a in out) or (rank == 0 and out not in ((), (0,))):
        raise UntraceableError(f"axis {axis} out of range for rank {rank}")
    return out if rank else ()


def reduce(op, x, axis=None, keepdims=False):
    if not isinstance(x, Tracer):
        raise UntraceableError(f"{op} of a non-traced value")
    axes = _norm_axes(axis, x.ndim)
    out_shape = tuple((1 if i in axes else d) for i, d in enumerate(x.shape) if keepdims or
                      i not in axes)
    if not axes:
        return Tracer(x._graph, x._node, x.shape, x.dtype)
    # Which native axis the NumPy axes fold: (batch, n) and (1, n) keep rows in axis 0 and
    # columns in axis 1; a rank-1 value is a column (batch,) or a row (n,).
    if x.ndim == 2:
        native = "all" if len(axes) == 2 else ("rows" if axes == (0,) else "cols")
    else:
        native = "all"
    graph = x._graph
    if op in ("max", "min") and x.dtype == np.bool_:
        x = astype(x, np.float32)
    node = graph.add(op, [x._node], axis=native)
    dtype = np.float32
    return Tracer(graph, node, out_shape, dtype)


def getitem(x, key):
    """Column selection: x[:, j], x[:, a:b:s], x[..., j], plus None (new axes of length 1)."""
    key = key if isinstance(key, tuple) else (key,)
    if any(isinstance(k, Tracer) for k in key):
        raise UntraceableError("indexing with a traced value (use np.where)")
    if Ellipsis in key:
        i = key.index(Ellipsis)
        fill = x.ndim - (len(key) - 1 - sum(k is None for k in key))
        key = key[:i] + (slice(None),) * fill + key[i + 1:]
    dims = [k for k in key if k is not None]
    if len(dims) > x.ndim:
        raise UntraceableError(f"too many indices for a value of shape {shape_str(x.shape)}")
    dims += [slice(None)] * (x.ndim - len(dims))
    full = all(isinstance(k, slice) and k == slice(None) for k in dims)
    out = x
    if not full:
        if x.ndim != 2 or not (isinstance(dims[0], slice) and dims[0] == slice(None)):
            raise UntraceableError(f"indexing {shape_str(x.shape)} with {key!r} (only column "
                                   f"selection x[:, j] / x[:, a:b] of a 2-D value is supported)")
        cols = x.shape[1]
        col = dims[1]
        if isinstance(col, slice):
            idx = range(*col.indices(cols))
            if len(idx) == 0:
                raise UntraceableError("an empty column slice")
            node = x._graph.add("slice_cols", [x._node], start=idx.start, step=idx.step,
                                cols=len(idx))
            out = Tracer(x._graph, node, (x.shape[0], len(idx)), x.dtype)
        elif isinstance(col, numbers.Integral):
            if not -cols <= col < cols:
                raise UntraceableError(f"column {col} out of range for {cols} columns")
            node = x._graph.add("slice_cols", [x._node], start=int(col) % cols, step=1, cols=1)
            out = Tracer(x._graph, node, (x.shape[0],), x.dtype)
        else:
            raise UntraceableError(f"indexing with {col!r} (fancy or boolean indexing)")
    # None entries insert axes of length 1.
    if any(k is None for k in key):
        shape, src = [], iter(out.shape)
        for k in key:
            if k is None:
                shape.append(1)
            elif not isinstance(k, numbers.Integral):
                shape.append(next(src))
        shape.extend(src)
        out = view(out, shape)
    return out
