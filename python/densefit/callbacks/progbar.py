"""ProgbarLogger: Keras's progress output for fit, evaluate and predict. The loops feed it
throttled updates (chunks sized to a few redraws a second), never one per batch unless a
callback already made the loop go batch by batch."""

from densefit.callbacks.callback import Callback
from densefit.utils.io_utils import print_msg
from densefit.utils.progbar import Progbar

# How often the loops aim to hand the bar an update; the bar itself redraws at most every
# 0.05 s as Keras's does.
REDRAW_SECONDS = 0.25


class ProgbarLogger(Callback):
    """Callback that prints progress and metrics to stdout during `fit`, `evaluate`, `predict`.

    The model's loops add it themselves whenever `verbose` is not 0, so it is rarely created
    by hand. `verbose=1` draws a live progress bar with the running loss and metrics;
    `verbose=2` prints one line per epoch (and `"Epoch i/n"` headers when there are several
    epochs). The loops feed it a few updates a second rather than one per batch.

    Takes no arguments; its verbosity and epoch count come from the run's `params`.

    Example:

    >>> import densefit as keras
    >>> progress = keras.callbacks.ProgbarLogger()  # e.g. model.fit(..., callbacks=[progress])
    """

    def __init__(self):
        super().__init__()
        self.seen = 0
        self.progbar = None
        self.target = None
        self.verbose = 1
        self.epochs = 1
        self._called_in_fit = False

    def set_params(self, params):
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def wants_batches(self, mode):
        # The loop feeds the bar itself: the bar alone never makes the native loop return to
        # Python per batch.
        return False

    def update(self, step, logs):
        """The loop's throttled feed: `step` batches of the current pass are done."""
        self._update_progbar(step - 1, logs)

    def on_train_begin(self, logs=None):
        self._called_in_fit = True  # validation inside fit is silent, as in Keras

    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._reset_progbar()

    def on_predict_begin(self, logs=None):
        self._reset_progbar()

    def on_epoch_begin(self, epoch, logs=None):
        self._reset_progbar()
        if self.verbose and self.epochs > 1:
            print_msg(f"Epoch {epoch + 1}/{self.epochs}")

    def on_train_batch_end(self, batch, logs=None):
        self._update_progbar(batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit:
            self._update_progbar(batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._update_progbar(batch, None)  # the outputs are not metrics

    def on_epoch_end(self, epoch, logs=None):
        self._finalize_progbar(logs)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self._finalize_progbar(logs)

    def on_predict_end(self, logs=None):
        self._finalize_progbar(logs)

    def _reset_progbar(self):
        self.seen = 0
        self.progbar = Progbar(self.target, verbose=self.verbose, stateless_metrics=set())

    def _update_progbar(self, batch, logs):
        if self.progbar is None:
            self._reset_progbar()
        self.seen = batch + 1
        if self.verbose == 1:
            self.progbar.update(self.seen, list((logs or {}).items()), finalize=False)

    def _finalize_progbar(self, logs):
        if self.progbar is None:
            self._reset_progbar()
        if self.target is None:
            self.target = self.progbar.target = self.seen
        self.progbar.update(self.target, list((logs or {}).items()), finalize=True)
