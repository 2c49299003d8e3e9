"""Tracing a user's loss or metric function into a native expression (densefit/expression.h).

The function runs once, at compile time, on Tracers shaped like one batch: y_true
(batch, target columns) and y_pred (batch, output columns), both float32, ranks made equal as
Keras's LossFunctionWrapper does. What it records becomes a graph the native step evaluates
(and differentiates, for a loss) for every batch, with no Python in the loop.
"""

import numpy as np

from densefit.ops import keras_semantics
from densefit.ops.graph import BATCH, Graph, UntraceableError, shape_str
from densefit.ops.tracer import Tracer, as_tracer

_HINT = ("densefit runs custom losses and metrics inside its native training step by "
         "recording them once; write the function with NumPy element-wise operations and "
         "reductions (np.mean, np.square, np.abs, np.log, np.exp, np.clip, np.where, ...) or "
         "the densefit.ops namespace (densefit.ops.softplus, densefit.ops.sigmoid, ...), "
         "without Python control flow on array values. See docs/custom-functions.md.")


def function_name(fn):
    return getattr(fn, "__name__", None) or type(fn).__name__


def _inputs(y_true_cols, y_pred_cols):
    graph = Graph(y_true_cols, y_pred_cols)
    y_true = Tracer(graph, graph.leaf("y_true"), (BATCH, int(y_true_cols)))
    y_pred = Tracer(graph, graph.leaf("y_pred"), (BATCH, int(y_pred_cols)))
    return graph, y_true, y_pred


def _run(fn, what, name, y_true, y_pred, kwargs):
    try:
        values = fn(y_true, y_pred, **kwargs)
        return as_tracer(values, y_pred._graph)
    except UntraceableError as exc:
        raise TypeError(f"The custom {what} `{name}` cannot be compiled: {exc}. "
                        f"{_HINT}") from None
    except (TypeError, ValueError, AttributeError, IndexError) as exc:
        raise TypeError(f"The custom {what} `{name}` failed while being traced "
                        f"({type(exc).__name__}: {exc}); it may use an operation densefit "
                        f"cannot record. {_HINT}") from exc


def _check_batch_first(values, what, name):
    if values.ndim and values.shape[0] is not BATCH:
        raise TypeError(f"The custom {what} `{name}` returned values of shape "
                        f"{shape_str(values.shape)}: it must return a scalar or values with "
                        f"the batch axis first. {_HINT}")


def trace_loss(fn, y_true_cols, y_pred_cols, reduction="sum_over_batch_size", name=None,
               fn_kwargs=None):
    """The native description of `fn` as a Keras loss: a scalar, the batch's loss.

    Applies Keras's LossFunctionWrapper rules: y_true and y_pred are float32 with equal ranks,
    the returned values are weighted by the sample weights and reduced by `reduction`."""
    name = name or function_name(fn)
    graph, y_true, y_pred = _inputs(y_true_cols, y_pred_cols)
    values = _run(fn, "loss", name, y_true, y_pred, fn_kwargs or {})
    _check_batch_first(values, "loss", name)
    # Natively absent sample weights are ones, which leaves every reduction unchanged.
    sample_weight = Tracer(graph, graph.leaf("sample_weight"), (BATCH,))
    try:
        loss = as_tracer(keras_semantics.reduce_weighted_values(values, sample_weight, reduction),
                         graph)
    except UntraceableError as exc:
        raise TypeError(f"The custom loss `{name}`: {exc}. {_HINT}") from None
    return graph.describe(loss._node)


def trace_metric(fn, y_true_cols, y_pred_cols, name=None, fn_kwargs=None):
    """The native description of `fn` as a Keras mean metric: one value per sample (or a
    scalar per batch), averaged over batches (weighted by sample weight in weighted_metrics)."""
    name = name or function_name(fn)
    graph, y_true, y_pred = _inputs(y_true_cols, y_pred_cols)
    values = _run(fn, "metric", name, y_true, y_pred, fn_kwargs or {})
    _check_batch_first(values, "metric", name)
    values = keras_semantics.samplewise_values(values)
    return graph.describe(values._node)


def is_traceable_callable(obj):
    """A plain function (or callable object) a user passed as a loss or metric."""
    return callable(obj) and not isinstance(obj, (str, type, np.ndarray))
