"""The graph a traced function records, and the shape rules of its values.

A value's shape is what NumPy would report, with `BATCH` standing for the batch axis, which
is only ever the first axis. Natively every value is `rows x cols` with rows the batch size or
1 (`densefit/expression.h`); `native_layout` maps one to the other. Shapes that have no such
layout (rank above 2, a batch axis that is not first, a batch x batch matrix) are refused with
an UntraceableError, a TypeError the tracing driver turns into a message naming the function.
"""

import numpy as np


class _Batch:
    """The batch axis of a traced shape: its size is only known natively, per batch."""

    def __repr__(self):
        return "batch"

    def __index__(self):
        raise UntraceableError("the batch size of a traced value is not known while tracing "
                               "(len(), shape arithmetic or a batch-sized constant)")


BATCH = _Batch()


class UntraceableError(TypeError):
    """An operation the tracer cannot record natively."""


def shape_str(shape):
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def native_layout(shape):
    """(batch_rows, cols) for a traced shape, or UntraceableError."""
    if len(shape) == 0:
        return False, 1
    if len(shape) == 1:
        return (True, 1) if shape[0] is BATCH else (False, int(shape[0]))
    if len(shape) == 2 and shape[1] is not BATCH and (shape[0] is BATCH or shape[0] == 1):
        return shape[0] is BATCH, int(shape[1])
    raise UntraceableError(f"values of shape {shape_str(shape)} cannot be evaluated natively "
                           f"(supported: (), (batch,), (batch, n), (n,) and (1, n))")


def broadcast_shapes(*shapes):
    """NumPy's broadcasting rule on traced shapes; the result must have a native layout."""
    rank = max(len(s) for s in shapes)
    out = []
    for axis in range(rank):
        dims = [s[axis - rank + len(s)] for s in shapes if axis - rank + len(s) >= 0]
        dim = 1
        for d in dims:
            if d is BATCH:
                if dim not in (1, BATCH):
                    raise _no_broadcast(shapes)
                dim = BATCH
            elif d != 1:
                if dim is BATCH or dim not in (1, d):
                    raise _no_broadcast(shapes)
                dim = d
        out.append(dim)
    out = tuple(out)
    if BATCH in out[1:]:
        raise UntraceableError(f"shapes {', '.join(shape_str(s) for s in shapes)} broadcast to "
                               f"{shape_str(out)}: a (batch, batch) matrix, almost always a "
                               f"rank mismatch (use np.squeeze or np.expand_dims first)")
    native_layout(out)
    return out


def _no_broadcast(shapes):
    return UntraceableError(f"shapes {', '.join(shape_str(s) for s in shapes)} do not "
                            f"broadcast together")


class Graph:
    """Nodes in the order they were recorded (always topological)."""

    def __init__(self, y_true_cols, y_pred_cols):
        self.nodes = []
        self.y_true_cols = int(y_true_cols)
        self.y_pred_cols = int(y_pred_cols)
        self._constants = {}
        self._leaves = {}

    def add(self, op, inputs=(), **attrs):
        self.nodes.append({"op": op, "inputs": [int(i) for i in inputs], **attrs})
        return len(self.nodes) - 1

    def leaf(self, op):
        if op not in self._leaves:
            self._leaves[op] = self.add(op)
        return self._leaves[op]

    def constant(self, values):
        values = tuple(float(v) for v in np.asarray(values, dtype=np.float32).reshape(-1))
        if values not in self._constants:
            self._constants[values] = self.add("constant", values=list(values))
        return self._constants[values]

    def describe(self, output):
        """The dict densefit._core reads (cpp/bindings/expression_config.h)."""
        return {"nodes": list(self.nodes), "output": int(output),
                "y_true_cols": self.y_true_cols, "y_pred_cols": self.y_pred_cols}
