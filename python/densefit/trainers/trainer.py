"""Trainer: compile, fit, evaluate, predict and the *_on_batch calls (Keras's semantics)."""

import math
import time
import warnings

import numpy as np

from densefit._native import core
from densefit import losses as losses_module
from densefit import metrics as metrics_module
from densefit import optimizers as optimizers_module
from densefit.callbacks import CallbackList
from densefit.callbacks.progbar import REDRAW_SECONDS
from densefit import config
from densefit.trainers import arguments, debug_limits
from densefit.trainers import data_adapter as da
from densefit.trainers.batch_iterator import BatchSource, is_batch_source
from densefit.trainers.batch_loops import BatchLoops
from densefit.serving import fast_path
from densefit.utils import random as _random
from densefit import user_code
from densefit.models import shared_layers


class NotCompiledError(RuntimeError, ValueError):
    """fit/evaluate before compile: Keras 2 documents RuntimeError, Keras 3 raises ValueError;
    this is both."""


_SHUFFLE_STREAM = 1 << 40  # shuffling streams: epoch k uses stream _SHUFFLE_STREAM + k


class Trainer(BatchLoops):
    _inference = None  # serving's native forward pass (serving/fast_path.py), bound on first use

    def _init_trainer(self):
        user_code.check_model(self)  # an overridden train_step/call would never run
        self.optimizer = None
        self.loss = None
        self.compiled = False
        self.stop_training = False
        self.stop_evaluating = False
        self.stop_predicting = False
        self.history = None
        self._compile_metrics = []
        self._compile_weighted_metrics = []
        self._resolved_metrics = None  # Metric objects, once shapes are known
        self._native_ready = False
        self.steps_per_execution = 1

    # ---- compile ------------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True):
        # Everything is checked before anything is set: a failed compile leaves the model as
        # it was.
        optimizer = optimizers_module.get(optimizer)
        if loss is None:
            raise ValueError("densefit needs a `loss` in compile() (add_loss is not supported)")
        # Keras's "crossentropy"/"ce": which one is decided by the shapes of y and the output.
        loss = None if _is_crossentropy_by_shape(loss) else losses_module.resolve(loss)
        loss_weights = arguments.loss_weights(loss_weights)
        metrics = arguments.metric_list(metrics, "metrics")
        weighted_metrics = arguments.metric_list(weighted_metrics, "weighted_metrics")
        steps_per_execution = arguments.steps_per_execution(steps_per_execution)
        self.optimizer, self.loss, self.loss_weights = optimizer, loss, loss_weights
        self._compile_metrics = metrics
        self._compile_weighted_metrics = weighted_metrics
        self.steps_per_execution = steps_per_execution
        self.run_eagerly = run_eagerly
        self.jit_compile = jit_compile
        self.compiled = True
        self._resolved_metrics = None
        self._native_ready = False

    def _assert_compiled(self, what):
        if not self.compiled:
            raise NotCompiledError(f"You must call `compile()` before using the model "
                                   f"(`{what}` was called on an uncompiled model).")

    def _prepare(self, x, y, sample_weight=None):
        """Arrays for a native run and the compiled native state they need."""
        x = da.to_float32_rows(x, "x")
        self._build_from_data(x)
        if self._shared:  # weights of layers another model may have trained since
            shared_layers.sync(self)
        y = None if y is None else da.to_float32_rows(y, "y")
        sw = None if sample_weight is None else da.to_float32_rows(sample_weight, "sample_weight")
        n = da.sample_count(x, y, sw)
        self._check_input_shape(x)
        rps = self._rows_per_sample
        x = self._as_rows(x)
        if y is not None:
            raw_shape = y.shape
            self._resolve_loss_by_shape(raw_shape)
            y = da.targets_2d(y, self._loss_is_sparse(), self._network.output_dim, rps)
            self._ensure_native_compiled(raw_shape)
        if sw is not None:
            sw = da.row_sample_weights(sw, n, rps)
        return x, y, sw

    def _as_rows(self, x):
        """Samples as the native network's rows, a view: (n * rows_per_sample, row width)."""
        return x.reshape(x.shape[0] * self._rows_per_sample, self._network.input_dim)

    def _sample_order_as_rows(self, order):
        """A sample order (or None) as the order of the rows those samples span."""
        rps = self._rows_per_sample
        if order is None or rps == 1:
            return order
        return np.ascontiguousarray((order[:, None] * rps + np.arange(rps)).reshape(-1))

    def _resolve_loss_by_shape(self, y_shape):
        if self.loss is not None:
            return
        y_pred_shape = (None,) + tuple(self._output_shape)
        is_binary = y_pred_shape[-1] == 1
        is_sparse = len(y_shape) < len(y_pred_shape) or (y_shape[-1] == 1 and y_pred_shape[-1] > 1)
        self.loss = losses_module.resolve("binary_crossentropy" if is_binary else
                                      "sparse_categorical_crossentropy" if is_sparse else
                                      "categorical_crossentropy")

    def _loss_is_sparse(self):
        return isinstance(self.loss, losses_module.SparseCategoricalCrossentropy)

    def _ensure_native_compiled(self, y_shape):
        if self._native_ready:
            return
        y_pred_shape = (None, self._network.output_dim)
        y_true_shape = (None,) + tuple(y_shape[1:])
        metrics = [metrics_module.resolve(m, self.loss, y_true_shape, y_pred_shape)
                   for m in self._compile_metrics]
        weighted = [metrics_module.resolve(m, self.loss, y_true_shape, y_pred_shape)
                    for m in self._compile_weighted_metrics]
        self._metric_log_names = _unique_metric_names([m.name for m in metrics],
                                                      [m.name for m in weighted])
        specs = [m.native(False) for m in metrics] + [m.native(True) for m in weighted]
        cols = self._network.output_dim  # a user loss is traced for these widths
        loss_config = self.loss.native_for(1 if self._loss_is_sparse() else cols, cols)
        self._network.compile(loss_config, self.optimizer.native(), specs,
                              loss_weight=1.0 if self.loss_weights is None else
                              self.loss_weights)
        self.optimizer._bind(self._network)
        self._resolved_metrics = metrics + weighted
        self._native_ready = True

    @property
    def metrics_names(self):
        if self._resolved_metrics is None:
            return ["loss"] if self.compiled else []
        return ["loss"] + self._metric_log_names

    def _logs(self):
        values = self._network.result_values()
        return {name: values[i] for name, i in self._log_plan()}

    def _log_plan(self):
        """(name, result index) per log entry, keys sorted as Keras hands logs to callbacks
        (and returns them). Planned once per compiled network: the native batch-hook runs
        build every batch's logs from it."""
        network, names = self._network, self.metrics_names
        plan = self.__dict__.get("_logs_plan")
        if plan is None or plan[0] is not network or plan[1] != names:
            order = sorted(range(len(names)), key=names.__getitem__)
            plan = self._logs_plan = (network, names, [(names[i], i) for i in order])
        return plan[2]

    # ---- fit -----------------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1, **kwargs):
        self._assert_compiled("fit")
        arguments.legacy_kwargs(kwargs, "fit")
        batch_size = arguments.batch_size(batch_size)
        epochs = arguments.epochs(epochs)
        initial_epoch = arguments.initial_epoch(initial_epoch)
        verbose = arguments.verbose(verbose)
        callbacks = arguments.callbacks(callbacks)
        validation_split = arguments.validation_split(validation_split)
        shuffle = arguments.shuffle(shuffle)
        class_weight = arguments.class_weight(class_weight)
        steps_per_epoch = arguments.steps(steps_per_epoch, "steps_per_epoch")
        validation_steps = arguments.steps(validation_steps, "validation_steps")
        validation_batch_size = arguments.batch_size(validation_batch_size,
                                                     "validation_batch_size")
        validation_freq = arguments.validation_freq(validation_freq)
        epochs = debug_limits.epochs(epochs)
        steps_per_epoch = debug_limits.steps(steps_per_epoch)
        if validation_split or validation_data is not None:
            validation_steps = debug_limits.steps(validation_steps)
        if validation_data is not None:
            validation_data = arguments.validation_data(validation_data)
        if x is None:
            raise ValueError("fit() needs input data `x`")
        if is_batch_source(x):
            arguments.batch_source_args(y, sample_weight, validation_split)
            source = BatchSource(x, steps_per_epoch, shuffle, _random.global_seed())
            steps = source.num_steps()
            run_epoch = lambda cbs, progress: self._train_batches(  # noqa: E731
                source, cbs, progress, class_weight)
            val = None
        else:
            if y is None:
                raise ValueError("fit() needs targets `y` for array input")
            run_epoch, steps, val = self._array_epoch_runner(
                x, y, sample_weight, class_weight, batch_size, shuffle, steps_per_epoch,
                validation_split)
        if validation_data is not None:
            val = self._validation_source(validation_data)
        cbs = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                           verbose=verbose, epochs=epochs, steps=steps)
        self.stop_training = False
        if self.built:
            self._sync_trainable()
        cbs.on_train_begin()
        # BackupAndRestore may have restored a later position than the caller asked for.
        initial_epoch = self.__dict__.pop("_initial_epoch", None) or initial_epoch
        logs = {}
        progress = cbs.progress() if verbose == 1 else None
        first_epoch = initial_epoch
        for epoch in range(initial_epoch, epochs):
            if self._network is not None:  # a batch source builds the model on its first batch
                self._network.reset_results()
            if self._shared:  # what this model trains is what the others copy next
                shared_layers.claim(self)
            cbs.on_epoch_begin(epoch)
            if not run_epoch(cbs, progress):
                if epoch == first_epoch:
                    raise ValueError("fit() got no batches from `x`: a generator or dataset "
                                     "must yield at least one batch")
                break  # a generator ran out of data
            if self._shared:
                shared_layers.check_still_home(self)
            logs = self._logs()
            if val is not None and _should_validate(epoch, validation_freq):
                val_logs = self._evaluate_source(val, validation_batch_size or batch_size,
                                                 validation_steps, cbs)
                logs.update({"val_" + k: v for k, v in val_logs.items()})
                logs = dict(sorted(logs.items()))
            cbs.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        if self._network is not None:
            self._network.finalize_optimizer()
        cbs.on_train_end(logs)
        return cbs._history

    def _array_epoch_runner(self, x, y, sample_weight, class_weight, batch_size, shuffle,
                            steps_per_epoch, validation_split):
        """Converts arrays once; returns (run one epoch, steps per epoch, validation arrays)."""
        x, y, sw = self._prepare(x, y, sample_weight)
        rps = self._rows_per_sample
        val = None
        if validation_split:
            n = x.shape[0] // rps
            split = int(n * (1.0 - validation_split))  # the last samples, before shuffling
            if split == 0 or split == n:
                raise ValueError(f"validation_split={validation_split} leaves no training or no "
                                 f"validation samples out of {n}")
            cut = split * rps
            val = (x[cut:], y[cut:], None if sw is None else sw[cut:])
            x, y, sw = x[:cut], y[:cut], (None if sw is None else sw[:cut])
        if class_weight is not None:  # training samples only, as Keras: after the split
            sw = da.class_weights_to_sample_weights(class_weight, y, sw, rps)
        n = x.shape[0] // rps
        batch_size = da.array_batch_size(batch_size, steps_per_epoch, n)
        num_batches = math.ceil(n / batch_size)
        steps = num_batches if steps_per_epoch is None else steps_per_epoch
        # With steps_per_epoch, Keras keeps one pass over the data across epochs: an epoch
        # goes on where the last one stopped and ends early (with a warning) at the end of
        # the data; the next epoch starts a new (reshuffled) pass.
        data_pass = {"order": None, "batches_done": 0}

        def run_epoch(cbs, progress):
            if data_pass["batches_done"] == 0:
                data_pass["order"] = self._sample_order_as_rows(
                    self._epoch_order(shuffle, n, batch_size))
            first = data_pass["batches_done"]
            count = steps if steps_per_epoch is None else min(steps, num_batches - first)
            data_pass["batches_done"] = 0 if first + count >= num_batches else first + count
            args = (x, y, sw, data_pass["order"], first * batch_size * rps, batch_size * rps,
                    count)
            if cbs.wants_batches("train"):
                self._run_with_batch_hooks(cbs, *args)
            else:
                self._run_throttled(progress, *args)
            if count < steps:
                warnings.warn("Your input ran out of data; interrupting training. Make sure "
                              "that your dataset or generator can generate at least "
                              "`steps_per_epoch * epochs` batches.", stacklevel=3)
            return True

        return run_epoch, steps, val

    def _epoch_order(self, shuffle, n, batch_size):
        """The sample order of a new pass: a fresh one every pass, across fit calls too."""
        if not shuffle:
            return None
        self._shuffles = getattr(self, "_shuffles", 0) + 1
        stream = _SHUFFLE_STREAM + self._shuffles
        if shuffle == "batch":  # Keras 2: shuffle whole batch-sized chunks
            return _batch_chunk_order(n, batch_size, self._seed, stream)
        return _core_permutation(n, self._seed, stream)

    def _validation_source(self, validation_data):
        """`validation_data` as arguments.validation_data returned it, ready to evaluate."""
        if is_batch_source(validation_data):
            return BatchSource(validation_data)
        return self._prepare(*validation_data)

    def _evaluate_source(self, val, batch_size, steps, callbacks):
        if isinstance(val, BatchSource):
            val.steps = steps
            return self._evaluate_batches(val, callbacks, what="validation_data")
        return self._evaluate_arrays(*val, batch_size=batch_size, steps=steps, callbacks=callbacks)

    def _run_throttled(self, progress, x, y, sw, order, start, batch_size, steps):
        """No callback listens to batches: one native call for the epoch, or chunks sized to
        redraw the progress bar a few times a second. `start`: first row of the order."""
        net, target = self._network, y.shape[1]
        done = self.__dict__.pop("_resume_step", 0)  # a backup saved mid-epoch (as below)

        def run(first, count):
            net.train_run(x, y, sw, order, start + first * batch_size, batch_size, count, target)

        _run_steps(progress, done, steps, run, self._logs)

    def _run_with_batch_hooks(self, cbs, x, y, sw, order, start, batch_size, steps):
        # The native run calls the hooks that do something (fetched once) between executions.
        # BackupAndRestore resumes an epoch at the batch its backup was taken after.
        self._network.train_run_hooked(
            x, y, sw, order, start, batch_size, self.__dict__.pop("_resume_step", 0), steps,
            self.steps_per_execution, y.shape[1], cbs.listeners("on_train_batch_begin"),
            cbs.listeners("on_train_batch_end"), self._log_plan(), self)

    # ---- evaluate ----------------------------------------------------------------------------
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, **kwargs):
        self._assert_compiled("evaluate")
        arguments.legacy_kwargs(kwargs, "evaluate")
        batch_size = arguments.batch_size(batch_size)
        steps = arguments.steps(steps, "steps")
        steps = debug_limits.steps(steps)
        verbose = arguments.verbose(verbose)
        callbacks = arguments.callbacks(callbacks)
        if x is None:
            raise ValueError("evaluate() needs input data `x`")
        if is_batch_source(x):
            arguments.batch_source_args(y, sample_weight, 0.0)
            source = BatchSource(x, steps)
            cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self,
                               verbose=verbose, epochs=1, steps=source.num_steps())
            logs = self._evaluate_batches(source, cbs, _progress(cbs, verbose))
        else:
            if y is None:
                raise ValueError("evaluate() needs targets `y` for array input")
            x, y, sw = self._prepare(x, y, sample_weight)
            n = x.shape[0] // self._rows_per_sample
            batch_size = da.array_batch_size(batch_size, steps, n)
            cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self,
                               verbose=verbose, epochs=1, steps=steps or math.ceil(n / batch_size))
            logs = self._evaluate_arrays(x, y, sw, batch_size=batch_size, steps=steps,
                                         callbacks=cbs, progress=_progress(cbs, verbose))
        if return_dict:
            return logs
        return self._logs_as_list(logs)

    def _evaluate_arrays(self, x, y, sw, batch_size, steps, callbacks, progress=None):
        net = self._network
        n = x.shape[0] // self._rows_per_sample
        batch_size = da.array_batch_size(batch_size, steps, n)
        num_batches = math.ceil(n / batch_size)
        # As Keras, more steps than batches is one pass over the data (hooks run per batch).
        steps = num_batches if steps is None else min(steps, num_batches)
        batch_size *= self._rows_per_sample  # native batches count rows
        net.reset_results()
        self.stop_evaluating = False  # a callback may set it to end the pass, as in Keras
        callbacks.on_test_begin()
        if self.stop_evaluating:  # set by on_test_begin: Keras still runs one execution
            steps = min(steps, self.steps_per_execution)
        if callbacks.wants_batches("test"):
            net.evaluate_run_hooked(
                x, y, sw, None, 0, batch_size, 0, steps, self.steps_per_execution, y.shape[1],
                callbacks.listeners("on_test_batch_begin"),
                callbacks.listeners("on_test_batch_end"), self._log_plan(), self,
                "stop_evaluating")
        else:
            _run_steps(progress, 0, steps, lambda first, count: net.evaluate_run(
                x, y, sw, None, first * batch_size, batch_size, count, y.shape[1]), self._logs)
        logs = self._logs()
        callbacks.on_test_end(logs)
        return logs

    # ---- predict -----------------------------------------------------------------------------
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None, **kwargs):
        # Nothing to show: the serving path, behind the fewest checks (every other argument
        # at its default, batch_size a positive int, which does not change the result).
        if type(verbose) is int and verbose == 0 and steps is None and callbacks is None \
                and not kwargs and x is not None and config.max_steps_per_epoch() is None and (
                    batch_size is None or type(batch_size) is int and batch_size > 0):
            out = fast_path.forward(self, x)
            if out is not None:
                return out
        arguments.legacy_kwargs(kwargs, "predict")
        batch_size = arguments.batch_size(batch_size)
        steps = arguments.steps(steps, "steps")
        steps = debug_limits.steps(steps)
        verbose = arguments.verbose(verbose)
        callbacks = arguments.callbacks(callbacks)
        if x is None:
            raise ValueError("predict() needs input data `x`")
        if is_batch_source(x):
            source = BatchSource(x, steps)
            cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                               epochs=1, steps=source.num_steps())
            return self._predict_batches(source, cbs, _progress(cbs, verbose))
        x = da.to_float32_rows(x, "x")
        self._build_from_data(x)
        self._check_input_shape(x)
        if self._shared:
            shared_layers.sync(self)
        n = x.shape[0]
        batch_size = da.array_batch_size(batch_size, steps, n)
        if steps is not None:
            n = min(n, steps * batch_size)
        if not callbacks and not verbose:  # nobody listens: skip the callback machinery
            return self._forward(x[:n])
        cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                           epochs=1, steps=math.ceil(n / batch_size))
        rps = self._rows_per_sample
        x, n, batch_size = self._as_rows(x), n * rps, batch_size * rps  # native rows
        out = np.empty((n, self._network.output_dim), dtype=np.float32)
        self.stop_predicting = False  # a batch callback may set it: Keras returns what ran
        cbs.on_predict_begin()
        if cbs.wants_batches("predict"):
            spe = self.steps_per_execution
            for step, start in zip(range(0, n, spe), range(0, n, spe * batch_size)):
                cbs.on_predict_batch_begin(step)
                count = min(spe * batch_size, n - start)
                self._network.predict_run(x, None, start, count, batch_size, out[start:])
                cbs.on_predict_batch_end(step + spe - 1, {"outputs": out[start:start + count]})
                if self.stop_predicting:
                    n = start + count
                    out = out[:n]
                    break
        elif verbose == 1:
            def run(first, count):
                start = first * batch_size
                rows = min(count * batch_size, n - start)
                self._network.predict_run(x, None, start, rows, batch_size, out[start:])

            _run_steps(cbs.progress(), 0, math.ceil(n / batch_size), run, lambda: None)
        elif n:
            self._network.predict_run(x, None, 0, n, max(batch_size, 256), out)
        cbs.on_predict_end()
        return out.reshape((n // rps,) + self._output_shape)

    # ---- *_on_batch --------------------------------------------------------------------------
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        self._assert_compiled("train_on_batch")
        arguments.x_and_y(x, y, "train_on_batch")
        class_weight = arguments.class_weight(class_weight)
        x, y, sw = self._prepare(x, y, sample_weight)
        if class_weight is not None:
            sw = da.class_weights_to_sample_weights(class_weight, y, sw)
        shared_layers.claim(self)
        self._sync_trainable()
        self._network.reset_results()
        self._network.train_run(x, y, sw, None, 0, x.shape[0], 1, y.shape[1])
        return self._batch_result(return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._assert_compiled("test_on_batch")
        arguments.x_and_y(x, y, "test_on_batch")
        x, y, sw = self._prepare(x, y, sample_weight)
        self._network.reset_results()
        self._network.evaluate_run(x, y, sw, None, 0, x.shape[0], 1, y.shape[1])
        return self._batch_result(return_dict)

    def predict_on_batch(self, x):
        """One native forward pass: no callbacks, no batching (the serving path)."""
        if x is None:
            raise ValueError("predict_on_batch() needs input data `x`")
        out = fast_path.forward(self, x)
        if out is not None:
            return out
        x = da.to_float32_rows(x, "x")
        self._build_from_data(x)
        self._check_input_shape(x)
        return self._forward(x)

    def _forward(self, x, training=False):
        if self._shared:
            shared_layers.sync(self)
        if not training:
            out = fast_path.forward(self, x)  # lock-free native pass; None if not float32 rows
            if out is not None:
                return out
        n, x = x.shape[0], self._as_rows(x)
        rows = x.shape[0]
        out = np.empty((rows, self._network.output_dim), dtype=np.float32)
        if rows:
            # Inference doesn't depend on the batch size: run it in large batches. A training-
            # mode call is one batch, as in Keras, with fresh dropout masks and nothing else
            # changed (weights, optimizer, fit's random stream).
            self._network.predict_run(x, None, 0, rows, rows if training else 256, out,
                                      training=bool(training))
        return out.reshape((n,) + self._output_shape)

    def _logs_as_list(self, logs):
        """Keras's list form of logs: its metrics' own names in order (a name two metrics
        share is listed twice, as Keras does), then any other log keys sorted."""
        names = ["loss"] + [m.name for m in self._resolved_metrics or []]
        values = [logs[name] for name in names if name in logs]
        values += [logs[key] for key in sorted(logs) if key not in names]
        return values[0] if len(values) == 1 else values

    def _batch_result(self, return_dict):
        logs = self._logs()
        if return_dict:
            return logs
        return self._logs_as_list(logs)


def _is_crossentropy_by_shape(loss):
    return isinstance(loss, str) and loss.lower() in ("crossentropy", "ce")


def _unique_metric_names(names, weighted_names):
    """Log names as Keras gives them: a repeated name gets a `_1`, `_2`... suffix; a weighted
    metric whose name is taken becomes `weighted_<name>` first."""
    taken, out = {}, []

    def claim(name):
        if name in taken:
            taken[name] += 1
            return f"{name}_{taken[name] - 1}"
        taken[name] = 1
        return name

    for name in names:
        out.append(claim(name))
    for name in weighted_names:
        out.append(claim(f"weighted_{name}" if name in taken else name))
    return out


def _core_permutation(n, seed, stream):
    return core.random_permutation(n, seed, stream)


def _progress(callbacks, verbose):
    """The ProgbarLogger to feed from the loop: only a live bar (verbose=1) needs updates."""
    return callbacks.progress() if verbose == 1 else None


def _run_steps(progress, done, steps, run, logs):
    """Runs steps [done, steps) as `run(first, count)`: in one call when no progress bar is
    drawn, else in chunks sized to one redraw interval, handing the bar the steps done and
    `logs()` after each."""
    if progress is None:
        if done < steps:
            run(done, steps - done)
        return
    chunk = 1
    while done < steps:
        t0 = time.perf_counter()
        count = min(chunk, steps - done)
        run(done, count)
        done += count
        progress.update(done, logs())
        chunk = max(1, int(count * REDRAW_SECONDS / max(time.perf_counter() - t0, 1e-6)))


def _batch_chunk_order(n, batch_size, seed, stream):
    """Keras 2's shuffle="batch": full batch-sized chunks permuted, each kept in order, and
    the partial last chunk left last."""
    full = n // batch_size
    chunks = _core_permutation(full, seed, stream) if full else np.zeros(0, np.int64)
    order = (chunks[:, None] * batch_size + np.arange(batch_size)).reshape(-1)
    return np.ascontiguousarray(np.concatenate([order, np.arange(full * batch_size, n)]))


def _should_validate(epoch, freq):
    """`freq` as arguments.validation_freq returned it: an int or a set of epoch numbers."""
    if type(freq) is int:
        return (epoch + 1) % freq == 0
    return (epoch + 1) in freq
