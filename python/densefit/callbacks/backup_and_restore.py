import json
import os

from densefit.callbacks.callback import Callback, document
from densefit.callbacks.save_freq import SAVE_FREQ_DOC, BatchSaveFreq

_POSITION_ATTR = "densefit_backup_position"
_MAX_POSITION = 2 ** 31 - 1  # epochs, or batches in one epoch: past any real run


@document(save_freq=SAVE_FREQ_DOC.format("the checkpoint"))
class BackupAndRestore(BatchSaveFreq, Callback):
    """Callback to back up and restore the training state.

    `BackupAndRestore` callback is intended to recover training from an interruption that
    has happened in the middle of a `Model.fit` execution, by backing up the training state
    in a temporary checkpoint file in `backup_dir` (`latest.weights.h5`, with Keras's
    `training_metadata.json` beside it), at the end of each epoch or every `save_freq`
    batches. Each backup overwrites the previously written checkpoint file, so at any given
    time there is at most one such checkpoint file for backup/restoring purpose (two with
    `double_checkpoint=True`).

    If training restarts before completion, the training state (the model weights, its
    optimizer state, densefit's random-stream position and the epoch number) is restored to
    the most recently saved state at the beginning of a new `Model.fit` run, and training
    resumes where the backup was taken. densefit resumes exactly: at the epoch after the
    backup, or (with `save_freq` an integer and array inputs) inside the epoch at the batch
    after it, so a crashed-and-resumed fit ends with the weights of an uninterrupted one.
    (Keras restarts an interrupted epoch from its start; densefit does that too for generator
    inputs, which cannot skip batches.) The position is stored inside the weights file, so
    one atomic write covers both. At the completion of a `Model.fit` run, the temporary
    checkpoint file is deleted (unless `delete_checkpoint=False`).

    Note that the user is responsible to bring jobs back after the interruption. The model
    to be restored from a previous checkpoint is expected to be the same as the one used to
    back up, and it must be built before `fit()` is called. If user changes arguments passed
    to compile or fit, the checkpoint saved for fault tolerance can become invalid.

    Example:

    ```python
    callback = keras.callbacks.BackupAndRestore(backup_dir="/tmp/backup")
    model.fit(x, y, epochs=10, callbacks=[callback])  # interrupted at epoch 5
    # Run again: the weights of epoch 5 are restored and training goes on from epoch 6.
    model.fit(x, y, epochs=10, callbacks=[callback])
    ```

    Args:
        backup_dir: String or `PathLike`, path of directory where to store the data needed
            to restore the model. The directory cannot be reused elsewhere to store other
            files, e.g. by the `BackupAndRestore` callback of another training run, or by
            another callback (e.g. `ModelCheckpoint`) of the same training run.
        {save_freq}
        double_checkpoint: Boolean. If enabled, `BackupAndRestore` callback will save 2
            last training states (current and previous). After interruption if current
            state can't be loaded due to IO error (e.g. file corrupted) it will try to
            restore previous one. Such behaviour will consume twice more space on disk, but
            increase fault tolerance. Defaults to `False`.
        delete_checkpoint: Boolean. If `delete_checkpoint=True`, the checkpoint files (and
            `backup_dir`, when nothing else is in it) are deleted after training is
            finished. Use `False` if you'd like to keep the checkpoint for future usage.
            Defaults to `True`.
    """

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False,
                 delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, int)):
            raise ValueError(f"Invalid value for argument `save_freq`. Received: "
                             f"save_freq={save_freq}. Expected either 'epoch' or an integer "
                             f"value.")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._weights_path = os.path.join(self.backup_dir, "latest.weights.h5")
        self._training_metadata_path = os.path.join(self.backup_dir, "training_metadata.json")
        self._prev_weights_path = self._weights_path + ".bkp"
        self._prev_training_metadata_path = self._training_metadata_path + ".bkp"
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = -1
        self._current_epoch = 0

    def wants_batches(self, mode):
        return mode == "train" and self.save_freq != "epoch"

    # ---- restoring -----------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        from densefit.saving import MalformedFileError, write_bytes

        try:
            self._load_model()
        except (OSError, MalformedFileError):
            # The latest backup is unreadable: fall back to the previous one, if kept. Copied
            # atomically: a crash while copying leaves the .bkp and a latest that is one or
            # the other, never half of it.
            if not os.path.exists(self._prev_weights_path):
                raise
            write_bytes(self._weights_path, _read(self._prev_weights_path))
            if os.path.exists(self._prev_training_metadata_path):
                write_bytes(self._training_metadata_path,
                            _read(self._prev_training_metadata_path))
            self._load_model()

    def _load_model(self):
        if not self.model.built:
            raise ValueError(f"To use the BackupAndRestore callback, your model must be built "
                             f"before you call `fit()`. Model {self.model.name!r} is unbuilt. "
                             f"You can build it beforehand by calling it on a batch of data.")
        if not os.path.exists(self._weights_path):
            return
        from densefit.saving import weights_h5

        # The position is checked before any weight is loaded: a backup refused for it
        # leaves the model as it was (and the .bkp fallback loads all of its own).
        position = weights_h5.read_root_attr(self._weights_path, _POSITION_ATTR)
        if position is not None:
            position = _parse_position(position, self._weights_path)
        self.model.load_weights(self._weights_path)
        if position is None:
            return
        epoch, batch = position
        self._current_epoch = epoch
        self.model._initial_epoch = epoch
        if batch >= 0:
            # Saved inside an epoch: run the rest of it. The epoch's shuffle was drawn before
            # the backup; step the counter back so the resumed epoch draws the same order.
            self.model._resume_step = batch + 1
            self.model._shuffles = max(getattr(self.model, "_shuffles", 0) - 1, 0)
            self._last_batch_seen = batch

    # ---- backing up ----------------------------------------------------------------------------
    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        self.model.__dict__.pop("_resume_step", None)  # unused by batch sources: drop it
        self._current_epoch = epoch + 1
        self._last_batch_seen = -1
        if self.save_freq == "epoch":
            self._save_model(batch=-1)

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(batch=batch)

    def _save_model(self, batch):
        from densefit.saving import weights_h5, write_bytes

        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint:
            for src, dst in ((self._weights_path, self._prev_weights_path),
                             (self._training_metadata_path, self._prev_training_metadata_path)):
                if os.path.exists(src):
                    write_bytes(dst, _read(src))
        # batch -1: at an epoch's end (resume at the next epoch's start).
        position = {"epoch": self._current_epoch, "batch": batch}
        write_bytes(self._weights_path, weights_h5.weights_bytes(
            self.model, attrs={_POSITION_ATTR: json.dumps(position)}))
        # Keras's metadata file, for people and tools that look for it; the position that
        # counts is the one inside the weights file.
        write_bytes(self._training_metadata_path, json.dumps(position).encode())

    def on_train_end(self, logs=None):
        if not self.delete_checkpoint:
            return
        for path in (self._weights_path, self._training_metadata_path, self._prev_weights_path,
                     self._prev_training_metadata_path):
            if os.path.exists(path):
                os.remove(path)
        try:
            os.rmdir(self.backup_dir)  # only when nothing else is in it
        except OSError:
            pass


def _parse_position(text, path):
    """(epoch, batch) of a backup's position attribute; MalformedFileError (so that the .bkp
    fallback runs) for anything but {"epoch": 0.., "batch": -1..} with whole numbers."""
    from densefit.saving import MalformedFileError

    what = f"{path}: the training position ({_POSITION_ATTR} attribute)"
    try:
        position = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise MalformedFileError(f"{what} is not valid JSON ({e}): {text[:80]!r}") from None
    if not isinstance(position, dict):
        raise MalformedFileError(f"{what} must be a JSON object with 'epoch' and 'batch', got "
                                 f"{text[:80]!r}")
    out = []
    for key, low in (("epoch", 0), ("batch", -1)):  # batch -1: saved at an epoch's end
        if key not in position:
            raise MalformedFileError(f"{what} lacks {key!r}: {text[:80]!r}")
        value = position[key]
        if isinstance(value, bool) or not isinstance(value, int) or \
                not low <= value <= _MAX_POSITION:
            raise MalformedFileError(f"{what}: {key} is {value!r}; expected a whole number in "
                                     f"[{low}, {_MAX_POSITION}]")
        out.append(value)
    return tuple(out)


def _read(path):
    with open(path, "rb") as f:
        return f.read()
