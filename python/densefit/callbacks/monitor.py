"""MonitorCallback: what EarlyStopping, ReduceLROnPlateau (and ModelCheckpoint) share:
which logged quantity to watch, which direction is better, and by how much."""

import operator
import warnings

from densefit.callbacks.callback import Callback

# The Args entries of the callbacks that watch a logged quantity (EarlyStopping,
# ReduceLROnPlateau, ModelCheckpoint), formatted into their docstrings (callback.document).
MONITOR_DOCS = {
    "monitor": """monitor: Quantity to be monitored: a key of the epoch logs, such as `"loss"`, a
            compiled metric's name, or either prefixed with `"val_"` for its validation
            value. Defaults to `"val_loss"`.""",
    "mode": """mode: One of `{"auto", "min", "max"}`. In `"min"` mode the monitored quantity
            improves when it decreases, in `"max"` mode when it increases. In `"auto"` mode
            the direction is inferred: lower is better for `"loss"` and the loss-like
            metrics (the compiled metrics that average a loss function, such as
            `MeanSquaredError` or the crossentropies), higher for the other natively
            computed metrics (accuracies, `AUC`, `Precision`, ...); for any other quantity
            pass `"min"` or `"max"`. An unknown mode warns and falls back to `"auto"`.
            Defaults to `"auto"`.""",
}
MIN_DELTA_DOC = """min_delta: Minimum change in the monitored quantity to qualify as an
            improvement, i.e. an absolute change of less than `min_delta` will count as no
            improvement. Defaults to `{}`."""


class MonitorCallback(Callback):
    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto "
                          f"mode.", stacklevel=2)
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self):
        if self.mode == "min":
            self.monitor_op = operator.lt
        elif self.mode == "max":
            self.monitor_op = operator.gt
        else:
            name = self.monitor[4:] if self.monitor.startswith("val_") else self.monitor
            direction = _direction(self.model, name)
            if direction is None:
                raise ValueError(
                    f"{type(self).__name__} callback received monitor={self.monitor}, but "
                    f"densefit isn't able to automatically determine whether that metric should "
                    f"be maximized or minimized. Pass `mode='max'` in order to monitor based on "
                    f"the highest metric value, or pass `mode='min'` in order to use the lowest "
                    f"value.")
            self.monitor_op = operator.gt if direction == "up" else operator.lt
        if self.monitor_op is operator.lt:
            self.min_delta = -abs(self.min_delta)

    def _is_improvement(self, value, reference):
        if reference is None:
            return True
        return self.monitor_op(value - self.min_delta, reference)


def _direction(model, name):
    """'down' for the loss; for a compiled metric, its `_direction` ('up', 'down', or None
    where Keras gives it none: metrics/directions.py)."""
    if name == "loss":
        return "down"
    for metric in getattr(model, "_resolved_metrics", None) or []:
        if metric.name == name:
            return getattr(metric, "_direction", None)
    return None
