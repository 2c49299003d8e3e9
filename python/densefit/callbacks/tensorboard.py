"""TensorBoard: Keras's scalar (and weight histogram) summaries, written as real TensorBoard
event files by tensorboardX (the optional extra `densefit[tensorboard]`; no TensorFlow)."""

import os

import numpy as np

from densefit.callbacks.callback import Callback

_UNSUPPORTED = ("write_graph", "write_images", "profile_batch", "embeddings_freq",
                "embeddings_metadata")


class TensorBoard(Callback):
    """Enable visualizations for TensorBoard.

    TensorBoard is a visualization tool provided with TensorFlow. densefit writes real
    TensorBoard event files without TensorFlow, with tensorboardX (the optional extra
    `densefit[tensorboard]`; a missing install raises `ImportError` when training begins).

    This callback writes `<log_dir>/train` and `<log_dir>/validation` event files with
    Keras's tags:

    * `epoch_<metric>` (and `epoch_learning_rate`) every epoch: the metrics summary plots
    * `batch_<metric>` every `update_freq` batches
    * `evaluation_<metric>_vs_iterations` after each evaluation (validation included), with
      `model.optimizer.iterations` as the step
    * `<weight>/histogram` weight histograms every `histogram_freq` epochs

    Graph, image, profiling and embedding summaries need TensorFlow: their arguments are
    accepted and ignored. Launch TensorBoard from the command line to view the logs:

    ```
    tensorboard --logdir=path_to_your_logs
    ```

    Args:
        log_dir: the path of the directory where to save the log files to be parsed by
            TensorBoard. e.g., `log_dir = os.path.join(working_dir, "logs")`. This
            directory should not be reused by any other callbacks. Defaults to `"logs"`.
        histogram_freq: frequency (in epochs) at which to compute weight histograms for the
            layers of the model. If set to 0, histograms won't be computed. Defaults to
            `0`.
        write_graph: (Not supported: ignored) Whether to visualize the graph in
            TensorBoard. Defaults to `True`.
        write_images: (Not supported: ignored) Whether to write model weights to visualize
            as image in TensorBoard. Defaults to `False`.
        write_steps_per_second: (Not supported: ignored) Whether to log the training steps
            per second into TensorBoard. Defaults to `False`.
        update_freq: `"batch"` or `"epoch"` or integer. When using `"epoch"`, writes the
            losses and metrics to TensorBoard after every epoch. If using an integer, let's
            say `1000`, all metrics and losses will be logged to TensorBoard every 1000
            batches (and the training loop returns to Python after every batch). `"batch"`
            is a synonym for 1, meaning that they will be written every batch. Defaults to
            `"epoch"`.
        profile_batch: (Not supported: ignored) The batch(es) to profile. Defaults to `0`.
        embeddings_freq: (Not supported: ignored) Frequency (in epochs) at which embedding
            layers will be visualized. Defaults to `0`.
        embeddings_metadata: (Not supported: ignored) Dictionary which maps embedding layer
            names to the filename of a file in which to save metadata for the embedding
            layer. Defaults to `None`.

    Example:

    ```python
    tensorboard_callback = keras.callbacks.TensorBoard(log_dir="./logs")
    model.fit(x_train, y_train, epochs=2, callbacks=[tensorboard_callback])
    # Then run the tensorboard command to view the visualizations.
    ```
    """

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0,
                 embeddings_freq=0, embeddings_metadata=None):
        super().__init__()
        update_freq = 1 if update_freq == "batch" else update_freq
        if update_freq != "epoch" and (isinstance(update_freq, bool)
                                       or not isinstance(update_freq, int) or update_freq < 1):
            raise ValueError(f"`update_freq` must be 'epoch' or a positive int, got {update_freq!r}")
        if isinstance(histogram_freq, bool) or not isinstance(histogram_freq, int) \
                or histogram_freq < 0:
            raise ValueError(f"`histogram_freq` must be a non-negative int, got {histogram_freq!r}")
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.update_freq = update_freq
        self.write_steps_per_second = write_steps_per_second
        # Graph, image, profiler and embedding summaries need TensorFlow; accepted, not written.
        self.write_graph, self.write_images = write_graph, write_images
        self.profile_batch, self.embeddings_freq = profile_batch, embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._writers = {}
        self._global_train_batch = 0

    def wants_batches(self, mode):
        # Per-batch summaries only when asked for: otherwise the native loop runs whole epochs.
        return mode == "train" and self.update_freq != "epoch"

    def _writer(self, which):
        if which not in self._writers:
            try:
                from tensorboardX import SummaryWriter
            except ImportError:
                raise ImportError("densefit's TensorBoard callback writes event files with "
                                  "tensorboardX: pip install 'densefit[tensorboard]'") from None
            self._writers[which] = SummaryWriter(os.path.join(self.log_dir, which))
        return self._writers[which]

    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        self._writer("train")  # fail early (missing extra) rather than after an epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.update_freq == "epoch":
            return
        self._global_train_batch += 1  # Keras counts executions, one per hook call
        if self._global_train_batch % self.update_freq:
            return
        writer = self._writer("train")
        for name, value in (logs or {}).items():
            writer.add_scalar(f"batch_{name}", float(value), self._global_train_batch)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and train:
            train["learning_rate"] = float(np.asarray(optimizer.learning_rate))
        for which, values in (("train", train), ("validation", val)):
            if values:
                writer = self._writer(which)
                for name, value in values.items():
                    writer.add_scalar(f"epoch_{name}", float(value), epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        for writer in self._writers.values():
            writer.flush()

    def on_test_end(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not logs:
            return
        writer = self._writer("validation")
        step = int(np.asarray(optimizer.iterations))
        for name, value in logs.items():
            writer.add_scalar(f"evaluation_{name}_vs_iterations", float(value), step)

    def _log_weights(self, epoch):
        writer = self._writer("train")
        for layer in self.model._layers:
            for weight in layer.weights:
                name = getattr(weight, "path", None) or f"{layer.name}/{weight.name}"
                writer.add_histogram(f"{name.replace(':', '_')}/histogram",
                                     np.asarray(weight.numpy()), epoch)

    def on_train_end(self, logs=None):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}
