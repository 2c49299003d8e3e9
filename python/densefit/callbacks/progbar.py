"""Keras-style progress output. The loop feeds it throttled updates (at most a few redraws a
second), never one per batch unless a callback already made the loop go batch by batch."""

import sys
import time

from densefit.callbacks.callback import Callback

_BAR_WIDTH = 20
REDRAW_SECONDS = 0.25


def _format_logs(logs):
    parts = []
    for key, value in logs.items():
        parts.append(f"{key}: {value:.4f}" if isinstance(value, float) else f"{key}: {value}")
    return " - ".join(parts)


def _format_time_per_step(seconds):
    if seconds >= 1:
        return f"{seconds:.0f}s/step"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/step"
    return f"{seconds * 1e6:.0f}us/step"


class ProgbarLogger(Callback):
    def __init__(self):
        super().__init__()
        self.verbose = 1
        self.epochs = 1
        self._start = None
        self._last_draw = 0.0
        self._steps = None
        self._line_width = 0

    def set_params(self, params):
        super().set_params(params)
        self.verbose = params.get("verbose", 1)
        self.epochs = params.get("epochs", 1)
        self._steps = params.get("steps")

    def _out(self, text):
        sys.stdout.write(text)
        sys.stdout.flush()

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose:
            self._out(f"Epoch {epoch + 1}/{self.epochs}\n")
        self._start = time.perf_counter()
        self._last_draw = 0.0

    def wants_batches(self, mode):
        # The loop feeds the bar throttled updates itself: the bar alone never makes the
        # native loop return to Python per batch.
        return False

    def on_train_batch_end(self, batch, logs=None):
        self.update(batch + 1, logs or {})

    def update(self, step, logs, final=False):
        """Redraws the bar for `step` done, at most every REDRAW_SECONDS (always when final)."""
        if self.verbose != 1:
            return
        now = time.perf_counter()
        if not final and now - self._last_draw < REDRAW_SECONDS:
            return
        self._last_draw = now
        total = self._steps
        elapsed = now - (self._start or now)
        if total:
            filled = int(_BAR_WIDTH * min(step, total) / total)
            bar = f"{step}/{total} " + "━" * filled + "─" * (_BAR_WIDTH - filled)
        else:
            bar = f"{step}"
        per_step = elapsed / max(step, 1)
        if final or not total:
            timing = f"{elapsed:.0f}s {_format_time_per_step(per_step)}"
        else:
            timing = f"{per_step * (total - step):.0f}s {_format_time_per_step(per_step)}"
        line = f"{bar} {timing}"
        if logs:
            line += " - " + _format_logs(logs)
        # Pad over what the previous, longer redraw left on the line.
        padded = line.ljust(self._line_width)
        self._line_width = 0 if final else len(line)
        self._out("\r" + padded + ("\n" if final else ""))

    def on_epoch_end(self, epoch, logs=None):
        steps = self._steps or 0
        if self.verbose == 1:
            self.update(steps, logs or {}, final=True)
        elif self.verbose == 2:
            elapsed = time.perf_counter() - (self._start or time.perf_counter())
            line = f"{steps}/{steps} - {elapsed:.0f}s - {_format_time_per_step(elapsed / max(steps, 1))}"
            if logs:
                line += " - " + _format_logs(logs)
            self._out(line + "\n")
