"""save_freq counted in batches, as Keras's ModelCheckpoint and BackupAndRestore both count it."""

# The Args entry of the callbacks that save every `save_freq` batches, formatted into their
# docstrings (callback.document) with what they save.
SAVE_FREQ_DOC = """save_freq: `"epoch"` or integer. When using `"epoch"`, the callback
            saves {0} at the end of each epoch. When using an integer, the
            callback saves {0} at the end of this many training batches (counted
            across epochs); the training loop then returns to Python after every
            batch. Defaults to `"epoch"`."""


class BatchSaveFreq:
    """Mixin for a callback that saves every `save_freq` batches ("epoch": at epoch ends only).
    The callback sets `_batches_seen_since_last_saving = 0` and `_last_batch_seen` (None or
    -1 before the first batch)."""

    def _should_save_on_batch(self, batch):
        if self.save_freq == "epoch":
            return False
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            added = batch + 1  # a new epoch: batches count from zero
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False
