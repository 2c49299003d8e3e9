"""keras.utils.Progbar: Keras's progress bar, drawn the way Keras draws it (bold step count,
green done / grey remaining bar, ETA or elapsed time, time per step, metrics)."""

import math
import time

import numpy as np

from densefit.utils.io_utils import print_msg

# ANSI styles Keras uses; they are not counted in the line's visible width.
_BOLD, _GREEN, _GREY, _RESET = "\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"


class Progbar:
    """Displays a progress bar (Keras's `keras.utils.Progbar`).

    `update(current, values)` shows `current` steps done, with `values` a list of
    `(name, value)` pairs; `add(n, values)` adds `n` steps. If neither of
    `stateful_metrics` and `stateless_metrics` is provided, all metrics are assumed to be
    stateless: averaged over the steps (weighted by how many steps each update covered)
    before display.

    Args:
        target: Total number of steps expected, `None` if unknown.
        width: Progress bar width on screen. Defaults to `20`.
        verbose: Verbosity mode, 0 (silent), 1 (verbose: a live bar), 2 (semi-verbose: one
            line when the target is reached). Defaults to `1`.
        interval: Minimum visual progress update interval (in seconds). Defaults to
            `0.05`.
        stateful_metrics: Iterable of string names of metrics that should *not* be averaged
            over time. Metrics in this list will be displayed as-is. If provided, do not
            provide `stateless_metrics`. Defaults to `None`.
        stateless_metrics: Iterable of string names of metrics that *should* be averaged
            over time. Metrics in this list will be averaged by the progbar before display
            (the others are shown as-is). If provided, do not provide `stateful_metrics`.
            Defaults to `None`.
        unit_name: Display name for step counts (usually `"step"` or `"sample"`). Defaults
            to `"step"`.

    Example:

    ```python
    bar = keras.utils.Progbar(target=100)
    for step in range(100):
        loss = train_one_step()
        bar.update(step + 1, values=[("loss", loss)])
    ```
    """

    def __init__(self, target, width=20, verbose=1, interval=0.05, stateful_metrics=None,
                 stateless_metrics=None, unit_name="step"):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError("Only one of `stateful_metrics` or `stateless_metrics` can be "
                             "provided.")
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = None if stateless_metrics is not None else set(stateful_metrics or ())
        self.stateless_metrics = None if stateless_metrics is None else set(stateless_metrics)
        self._values = {}  # name -> [weighted sum, weight]
        self._values_order = []
        self._seen_so_far = 0
        self._start = time.time()
        self._last_update = 0.0
        self._time_after_first_step = None
        self._prev_width = 0

    def update(self, current, values=None, finalize=None):
        """Shows `current` steps done, with `values` a list of (name, value) pairs."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        self._accumulate(current, values or [], finalize)
        now = time.time()
        per_step = self._step_duration(current, now)
        if self.verbose == 1:
            if now - self._last_update < self.interval and not finalize:
                return
            self._draw(current, now, per_step, finalize)
        elif self.verbose == 2 and finalize and self.target:
            line = (f"{self._count(current)} - {now - self._start:.0f}s -"
                    f"{self._format_time(per_step)}{self._metrics(abs_threshold=False)}\n")
            _write(line)
        self._last_update = now

    def add(self, n, values=None):
        self.update(self._seen_so_far + n, values)

    def _accumulate(self, current, values, finalize):
        for name, value in values:
            if name not in self._values_order:
                self._values_order.append(name)
            averaged = (name not in self.stateful_metrics if self.stateful_metrics is not None
                        else name in self.stateless_metrics)
            if not averaged or finalize:
                self._values[name] = [value, 1]
                continue
            steps = max(current - self._seen_so_far, 1)
            total = self._values.setdefault(name, [0.0, 0])
            total[0] += value * steps
            total[1] += steps
        self._seen_so_far = current

    def _draw(self, current, now, per_step, finalize):
        if self.target:
            done = int(self.width * current / self.target)
            bar = f"{_BOLD}{self._count(current)}{_RESET} "
            if done > 0:
                bar += f"{_GREEN}{'━' * done}{_RESET}"
            bar += f"{_GREY}{'━' * (self.width - done)}{_RESET}"
        else:
            bar = "%7d/Unknown" % current
        if self.target and not finalize:
            clock = _format_eta(per_step * (self.target - current))
        else:
            clock = f"{now - self._start:.0f}s"
        line = f"{bar} {_BOLD}{clock}{_RESET}{self._format_time(per_step)}{self._metrics()}"
        width = _visible_width(line)
        line += " " * max(self._prev_width - width, 0)  # cover a longer previous draw
        self._prev_width = width
        _write("\r" + line + ("\n" if finalize else ""))

    def _count(self, current):
        digits = int(math.log10(self.target)) + 1
        return f"%{digits}d/%d" % (current, self.target)

    def _metrics(self, abs_threshold=True):
        # Keras's rule: 4 decimals, or scientific notation for small values (by magnitude on
        # the live bar, by signed value on the verbose=2 line).
        text = ""
        for name in self._values_order:
            total, count = self._values[name]
            if not isinstance(total, float):
                total = np.mean(total)
            avg = total / max(1, count)
            small = (abs(avg) if abs_threshold else avg) <= 1e-3
            text += f" - {name}: {avg:.4e}" if small else f" - {name}: {avg:.4f}"
        return text

    def _step_duration(self, current, now):
        # The first step (tracing in Keras, first touch here) is left out once there are more.
        if not current:
            return 0
        if self._time_after_first_step is not None and current > 1:
            per_step = (now - self._time_after_first_step) / (current - 1)
        else:
            per_step = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_step

    def _format_time(self, seconds):
        if seconds >= 1 or seconds == 0:
            return f" {seconds:.0f}s/{self.unit_name}"
        if seconds >= 1e-3:
            return f" {seconds * 1e3:.0f}ms/{self.unit_name}"
        return f" {seconds * 1e6:.0f}us/{self.unit_name}"


def _format_eta(seconds):
    if seconds > 3600:
        return "%d:%02d:%02d" % (seconds // 3600, (seconds % 3600) // 60, seconds % 60)
    if seconds > 60:
        return "%d:%02d" % (seconds // 60, seconds % 60)
    return "%ds" % seconds


def _visible_width(text):
    for code in (_BOLD, _GREEN, _GREY, _RESET):
        text = text.replace(code, "")
    return len(text)


def _write(text):
    print_msg(text, line_break=False)  # stdout, or absl logging as Keras's bar
