import collections.abc
import csv
import os

import numpy as np

from densefit.callbacks.callback import Callback


class CSVLogger(Callback):
    """Streams epoch logs to a CSV file: an `epoch` column, then the log keys sorted. As in
    Keras, a log without validation keys still gets `val_` columns (written as NA), so the
    columns don't change when validation is added later."""

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = append
        self.keys = None
        self._file = None
        self._writer = None

    def on_train_begin(self, logs=None):
        has_rows = (self.append and os.path.exists(self.filename)
                    and os.path.getsize(self.filename) > 0)
        self._header_written = has_rows
        self._file = open(self.filename, "a" if self.append else "w", newline="")

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(k.startswith("val_") for k in self.keys):
                self.keys += [f"val_{k}" for k in self.keys]
        if self._writer is None:
            self._writer = csv.DictWriter(self._file, fieldnames=["epoch"] + self.keys,
                                          delimiter=self.sep)
            if not self._header_written:
                self._writer.writeheader()
        row = {"epoch": epoch}
        row.update((k, _cell(logs.get(k, "NA"))) for k in self.keys)
        self._writer.writerow(row)
        self._file.flush()

    def on_train_end(self, logs=None):
        if self._file is not None:
            self._file.close()
        self._file, self._writer = None, None


def _cell(value):
    """A log value as Keras writes it: an array-valued metric (per threshold, per class) as
    "[a, b, ...]" in quotes."""
    if isinstance(value, str) or (isinstance(value, np.ndarray) and value.ndim == 0):
        return value
    if isinstance(value, collections.abc.Iterable):
        return f'"[{", ".join(map(str, value))}]"'
    return value
