import collections.abc
import csv
import os

import numpy as np

from densefit.callbacks.callback import Callback


class CSVLogger(Callback):
    """Callback that streams epoch results to a CSV file.

    Supports all values that can be represented as a string, including 1D iterables such as
    `np.ndarray` (written as `"[a, b, ...]"`). The columns are `epoch` (from 0), then the
    keys of the first epoch's logs, sorted. As in Keras, logs without validation keys still
    get `val_` columns (written as `NA`), so the columns don't change when validation is
    added later. The file is flushed after every epoch and closed when training ends.

    Args:
        filename: Filename of the CSV file, e.g. `"run/log.csv"` (string or `PathLike`).
        separator: String used to separate elements in the CSV file. Defaults to `","`.
        append: Boolean. True: append if file exists (useful for continuing training; the
            header is then not written again). False: overwrite existing file. Defaults to
            `False`.

    Example:

    ```python
    csv_logger = keras.callbacks.CSVLogger("training.log")
    model.fit(x_train, y_train, callbacks=[csv_logger])
    ```
    """

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
