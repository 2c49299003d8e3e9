import os
import warnings

import numpy as np

from densefit.callbacks.callback import document
from densefit.callbacks.monitor import MONITOR_DOCS, MonitorCallback
from densefit.callbacks.save_freq import SAVE_FREQ_DOC, BatchSaveFreq


@document(**MONITOR_DOCS, save_freq=SAVE_FREQ_DOC.format("the model"))
class ModelCheckpoint(BatchSaveFreq, MonitorCallback):
    """Callback to save the Keras model or model weights at some frequency.

    `ModelCheckpoint` callback is used in conjunction with training using `model.fit()` to
    save a model or weights (in a checkpoint file) at some interval, so the model or weights
    can be loaded later to continue the training from the state saved. Every write is
    atomic (densefit.saving): an interrupted save leaves the previous file whole.

    A few options this callback provides include:

    - Whether to only keep the model that has achieved the "best performance" so far, or
      whether to save the model at the end of every epoch regardless of performance.
    - Definition of "best"; which quantity to monitor and whether it should be maximized or
      minimized.
    - The frequency it should save at: at the end of every epoch, or after a fixed number
      of training batches.
    - Whether only weights are saved, or the whole model is saved.

    Example:

    ```python
    checkpoint_filepath = "/tmp/ckpt/checkpoint.model.keras"
    model_checkpoint_callback = keras.callbacks.ModelCheckpoint(
        filepath=checkpoint_filepath,
        monitor="val_accuracy",
        mode="max",
        save_best_only=True)

    # Model is saved at the end of every epoch, if it's the best seen so far.
    model.fit(x_train, y_train, epochs=10, validation_split=0.2,
              callbacks=[model_checkpoint_callback])

    # The model (that are considered the best) can be loaded as -
    keras.models.load_model(checkpoint_filepath)
    ```

    Args:
        filepath: string or `PathLike`, path to save the model file. `filepath` can
            contain named formatting options, which will be filled with the value of
            `epoch` (from 1), of `batch` (from 1, when saving by batch count) and of the
            keys in `logs`. The `filepath` name needs to end with `".weights.h5"` when
            `save_weights_only=True` or with `".keras"` when saving the whole model
            (default). For example: if `filepath` is `"{{epoch:02d}}-{{val_loss:.2f}}.keras"`,
            then the model checkpoints will be saved with the epoch number and the
            validation loss in the filename. Missing directories are created.
        {monitor}
        verbose: Verbosity mode, 0 or 1. Mode 0 is silent, and mode 1 displays messages
            when the callback takes an action. Defaults to `0`.
        save_best_only: if `save_best_only=True`, it only saves when the model is
            considered the "best" and the latest best model according to the quantity
            monitored will not be overwritten. If `filepath` doesn't contain formatting
            options like `{{epoch}}` then `filepath` will be overwritten by each new better
            model. When the monitored quantity is missing from the logs (or is not a
            scalar), the model is saved anyway, with a warning. Defaults to `False`.
        save_weights_only: if `True`, then only the model's weights will be saved
            (`model.save_weights(filepath)`), else the full model is saved
            (`model.save(filepath)`). Defaults to `False`.
        {mode}
        {save_freq}
        initial_value_threshold: Floating point initial "best" value of the metric to be
            monitored. Only applies if `save_best_only=True`: the model is only saved when
            it does better than this value. Defaults to `None`.
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None):
        super().__init__(monitor, mode, initial_value_threshold)
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None
        self._current_epoch = 0
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, int)):
            raise ValueError(f"Unrecognized save_freq: {save_freq}. Expected save_freq are "
                             f"'epoch' or integer values")
        if save_weights_only:
            if not self.filepath.endswith(".weights.h5"):
                raise ValueError(f"When using `save_weights_only=True` in `ModelCheckpoint`, the "
                                 f"filepath provided must end in `.weights.h5` (Keras weights "
                                 f"format). Received: filepath={self.filepath}")
        elif not self.filepath.endswith(".keras"):
            raise ValueError(f"The filepath provided must end in `.keras` (Keras model format). "
                             f"Received: filepath={self.filepath}")

    def wants_batches(self, mode):
        # Batch hooks send the native loop back to Python every batch: only when saving by
        # batch count.
        return mode == "train" and self.save_freq != "epoch"

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(self._current_epoch, batch, logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save_model(epoch, None, logs)

    def _should_save_model(self, epoch, logs, filepath):
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.",
                          stacklevel=3)
            return True
        if isinstance(current, np.ndarray) and current.ndim > 0:
            warnings.warn(f"Can save best model only when `monitor` is a scalar value. "
                          f"Received: {current}. Falling back to `save_best_only=False`.",
                          stacklevel=3)
            return True
        if self.monitor_op is None:
            self._set_monitor_op()
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to "
                      f"{current:.5f}, saving model to {filepath}")
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _save_model(self, epoch, batch, logs):
        logs = logs or {}
        filepath = self._get_file_path(epoch, batch, logs)
        if os.path.isdir(filepath):
            raise IOError(f"Please specify a non-directory filepath for ModelCheckpoint. "
                          f"Filepath used is an existing directory: {filepath}")
        if not self._should_save_model(epoch, logs, filepath):
            return
        directory = os.path.dirname(filepath)
        if directory:
            os.makedirs(directory, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _get_file_path(self, epoch, batch, logs):
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as e:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". '
                           f"Reason: {e}") from None
