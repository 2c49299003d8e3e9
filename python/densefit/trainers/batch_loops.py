"""Train / evaluate / predict over data that arrives a batch at a time (batch_iterator.py).
Each batch goes to the native step as one run; callbacks and progress as for arrays."""

import numpy as np

from densefit.models import shared_layers
from densefit.trainers import data_adapter as da


class BatchLoops:
    def _train_batches(self, source, cbs, progress, class_weight):
        """One epoch over `source`; False if it produced no batch (a spent generator)."""
        want_batches = cbs.wants_batches("train")
        step = 0
        for xb, yb, swb in source.epoch():
            if yb is None:
                raise ValueError("Batches for training must carry targets: (x, y) or "
                                 "(x, y, sample_weight)")
            if want_batches:
                cbs.on_train_batch_begin(step)
            x, y, sw = self._prepare(xb, yb, swb)
            if self._shared:  # built on the first batch: it may share layers from then on
                shared_layers.claim(self)
            if class_weight is not None:
                sw = da.class_weights_to_sample_weights(class_weight, y, sw)
            self._network.train_run(x, y, sw, None, 0, x.shape[0], 1, y.shape[1])
            if want_batches:
                cbs.on_train_batch_end(step, self._logs())
            elif progress is not None:
                progress.update(step + 1, self._logs())
            step += 1
            if self.stop_training:
                break
        return step > 0

    def _evaluate_batches(self, source, callbacks, progress=None, what="x"):
        if self._network is not None:  # a batch source may build the model on its first batch
            self._network.reset_results()
        self.stop_evaluating = False
        callbacks.on_test_begin()
        want = callbacks.wants_batches("test")
        step = -1
        for step, (xb, yb, swb) in enumerate(source.epoch()):
            if yb is None:
                raise ValueError("Batches for evaluation must carry targets: (x, y) or "
                                 "(x, y, sample_weight)")
            if want:
                callbacks.on_test_batch_begin(step)
            x, y, sw = self._prepare(xb, yb, swb)
            self._network.evaluate_run(x, y, sw, None, 0, x.shape[0], 1, y.shape[1])
            if want:
                callbacks.on_test_batch_end(step, self._logs())
            elif progress is not None:
                progress.update(step + 1, self._logs())
            if self.stop_evaluating:  # set by a callback, as Keras's loop checks it
                break
        if step < 0:  # results of no batches would be made-up zeros
            raise ValueError(f"`{what}` yielded no batches to evaluate: it must yield at least "
                             f"one batch (a generator is read once; a PyDataset or another "
                             f"re-iterable object can be read again)")
        logs = self._logs()
        callbacks.on_test_end(logs)
        return logs

    def _predict_batches(self, source, callbacks, progress=None):
        outputs = []
        self.stop_predicting = False
        callbacks.on_predict_begin()
        want = callbacks.wants_batches("predict")
        for step, (xb, _, _) in enumerate(source.epoch()):
            if want:
                callbacks.on_predict_batch_begin(step)
            out = self.predict(xb, batch_size=max(len(xb), 1), verbose=0)
            outputs.append(out)
            if want:
                callbacks.on_predict_batch_end(step, {"outputs": out})
            elif progress is not None:
                progress.update(step + 1, None)
            if self.stop_predicting:
                break
        callbacks.on_predict_end()
        if not outputs:
            raise ValueError("`x` yielded no batches to predict: it must yield at least one "
                             "batch")
        return np.concatenate(outputs, axis=0)
