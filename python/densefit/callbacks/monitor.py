"""MonitorCallback: what EarlyStopping, ReduceLROnPlateau (and ModelCheckpoint) share:
which logged quantity to watch, which direction is better, and by how much."""

import operator
import warnings

from densefit.callbacks.callback import Callback


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
    """'up' for accuracy-like metrics, 'down' for the loss and loss-like metrics."""
    if name == "loss":
        return "down"
    for metric in getattr(model, "_resolved_metrics", None) or []:
        if metric.name == name:
            return "down" if metric._kind == "loss" else "up"
    return None
