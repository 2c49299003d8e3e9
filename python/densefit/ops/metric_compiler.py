"""compile(metrics=[fn]): a user metric function as a native metric spec (kind "custom").

densefit.metrics' MeanMetricWrapper hands functions it cannot run natively to the compiler
registered with `set_callable_compiler`; `register()` installs this one."""

from densefit.ops.trace import trace_metric


def _width(shape):
    """Native columns of a (None, ...) shape: its last axis ((n,) targets are one column)."""
    return int(shape[-1]) if shape is not None and len(shape) > 1 else 1


def compile_metric(fn, fn_kwargs, weighted, y_true_shape, y_pred_shape, name=None):
    """The spec dict of a native metric averaging fn's per-sample values (MeanMetricWrapper)."""
    if y_pred_shape is None:
        raise TypeError(f"The custom metric {getattr(fn, '__name__', fn)!r} can only be "
                        f"compiled once the model's output shape is known")
    desc = trace_metric(fn, _width(y_true_shape), _width(y_pred_shape), name=name,
                        fn_kwargs=fn_kwargs)
    return {"kind": "custom", "expression": desc, "weighted": bool(weighted)}


def register():
    """Installs compile_metric as densefit.metrics' callable compiler, where that hook exists."""
    try:
        from densefit.metrics import reduction
    except ImportError:  # an older metrics module without MeanMetricWrapper
        return
    reduction.set_callable_compiler(compile_metric)
