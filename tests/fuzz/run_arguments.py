"""Case runners over argument values and types (worker side).

model_calls: a compiled model gets a sequence of calls (fit, evaluate, predict, the
    *_on_batch calls, compile again), each with some arguments drawn from three kinds:
      valid    ordinary values Keras documents: the call must succeed;
      edge     values a careful implementation may accept or refuse (huge sizes, Keras's
               lenient types): either is fine, a crash or an internal error is not;
      invalid  values Keras's documentation rules out: a ValueError/TypeError naming the
               argument, raised by densefit's own checks before any work (no callback has
               run, no weight has changed).
    A result must be right: evaluate's loss (and accuracy) equals NumPy's of the model's
    predictions over the samples its steps cover, predict equals the NumPy forward pass,
    fit's History has one entry per epoch run, each epoch ran at least one batch, and
    class_weight weighs each sample as its label (Keras's rule). After the calls, the model
    still trains and predicts (fit(batch_size=4)), and x and y are as they were.
layer_arguments: Dense/Dropout/Activation constructed with drawn arguments, then built,
    trained and used: clean errors or a working model.
"""

import numpy as np

import densefit as keras
from densefit.trainers.trainer import NotCompiledError

from fuzz_checks import error_problems, traceback_text
from fuzz_probe import probe as probe_of
from fuzz_models import compiled, data, with_head
from fuzz_oracle import (UndefinedReference, accuracy, close, forward, keras_class_weights,
                         per_sample_loss)
from fuzz_values import materialize, same, snapshot

CLASSIFICATION = ("binary_crossentropy", "sparse_categorical_crossentropy",
                  "categorical_crossentropy")
VALIDATION_ARGS = ("validation_steps", "validation_batch_size", "validation_freq")
# Words an error may name instead of the argument (Keras's "Unknown initializer: 'x'").
ALIASES = {"kernel_initializer": ["initializer"], "metrics": ["metric"],
           "loss_weights": ["loss_weight"], "optimizer": ["optimizer"]}


def _names(args):
    return [alias for name in args for alias in [name] + ALIASES.get(name, [])]


def _int_like(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _loss_of(result, return_dict):
    if return_dict:
        return result["loss"], result.get("accuracy")
    if isinstance(result, list):
        return result[0], (result[1] if len(result) > 1 else None)
    return result, None


def _check_metrics(label, loss, y, preds, got_loss, got_acc, loss_weight=1.0):
    violations = []
    with np.errstate(over="ignore"):
        # Rounded to float32, as densefit computes it: beyond its range that is inf.
        ref = float(np.float32(loss_weight * float(np.mean(per_sample_loss(loss, y, preds)))))
    if not np.isclose(float(got_loss), ref, rtol=2e-4, atol=1e-5, equal_nan=True):
        violations.append(f"{label}: loss {got_loss!r}, NumPy's of the predictions is {ref!r}")
    if got_acc is not None:
        acc = float(np.mean(accuracy(loss, y, preds)))
        if not np.isclose(float(got_acc), acc, atol=1e-6):
            violations.append(f"{label}: accuracy {got_acc!r}, NumPy's is {acc!r}")
    return violations


class _Calls:
    """Runs one case's calls on its model and checks each against the properties."""

    def __init__(self, case):
        self.case = case
        self.loss = case["loss"]
        self.desc = with_head(case["model"], self.loss)
        metrics = ["accuracy"] if case.get("metrics") and self.loss in CLASSIFICATION else None
        self.model = compiled(case["model"], self.loss, case.get("optimizer", "sgd"), metrics)
        self.x, self.y = data(self.loss, case["n"], case["model"]["input_shape"],
                              case["data_seed"])
        self.initial_weights = self.model.get_weights()
        self.loss_weight = 1.0  # evaluate's loss is the weighted one, as Keras logs it
        self.accuracy = metrics is not None
        self.fresh = True  # no call has changed the model's state yet
        self.violations = []

    def forward(self, x):
        return forward(self.desc["layers"], self.model.get_weights(), x)

    def run(self, call, index):
        method, kinds = call["method"], call["kinds"]
        args = materialize(call["args"])
        label = f"call {index}: {method}({', '.join(f'{k}={v!r}' for k, v in args.items())})"
        if method == "fit" and any(k in args for k in VALIDATION_ARGS):
            args.setdefault("validation_split", 0.5)
        if method == "fit" and "class_weight" in args:
            args.setdefault("shuffle", False)  # so the sample-weight twin sees the same order
        probe = None
        if method in ("fit", "evaluate", "predict") and "callbacks" not in args:
            probe = probe_of(self.case.get("probe_batches", False))
            args["callbacks"] = [probe]
        if method in ("fit", "evaluate", "predict"):
            args.setdefault("verbose", 0)
        before = self.model.get_weights()
        self.fresh_before = self.fresh
        try:
            result = self._invoke(method, args)
        except Exception as e:  # noqa: BLE001 - classified below
            self._refused(label, e, kinds, probe, before)
            return
        finally:
            self.fresh = self.fresh and method not in ("fit", "train_on_batch", "compile")
        invalid = [k for k, kind in kinds.items() if kind == "invalid"]
        if invalid:
            self.violations.append(f"{label} accepted invalid {', '.join(invalid)} (returned "
                                   f"{type(result).__name__})")
            return
        if method == "compile":
            self._compiled(args)
        check = getattr(self, f"_check_{method}", None)
        if check is not None:
            try:
                self.violations += check(label, args, result, probe, before)
            except UndefinedReference:
                pass  # this call's numbers have no reference; its other checks still ran

    def _invoke(self, method, args):
        m = self.model
        if method == "fit":
            return m.fit(self.x, self.y, **args)
        if method == "evaluate":
            return m.evaluate(self.x, self.y, **args)
        if method == "predict":
            return m.predict(self.x, **args)
        if method == "train_on_batch":
            return m.train_on_batch(self.x, self.y, **args)
        if method == "test_on_batch":
            return m.test_on_batch(self.x, self.y, **args)
        if method == "compile":
            args.setdefault("loss", self.loss)
            return m.compile(**args)
        raise ValueError(method)

    def _compiled(self, args):
        weight = args.get("loss_weights")
        while isinstance(weight, (list, tuple, dict)) and len(weight) == 1:
            weight = next(iter(weight.values())) if isinstance(weight, dict) else weight[0]
        self.loss_weight = 1.0 if weight is None else float(weight)
        metrics = args.get("metrics")
        self.accuracy = self.loss in CLASSIFICATION and metrics in (
            "accuracy", ["accuracy"], ("accuracy",))

    def _refused(self, label, exc, kinds, probe, before):
        invalid = [k for k, kind in kinds.items() if kind == "invalid"]
        edge = [k for k, kind in kinds.items() if kind == "edge"]
        if not invalid and not edge:
            self.violations.append(f"{label} refused valid arguments: {traceback_text(exc)}")
            return
        named = invalid + edge  # with both, an edge value may be what gets refused
        allowed = (ValueError, TypeError)
        self.violations += [f"{label}: {p}" for p in
                            error_problems(exc, allowed, on_purpose=True, names=_names(named))]
        if probe is not None and probe.events:
            self.violations.append(f"{label}: the error came late, after {probe.events[:3]} "
                                   f"({type(exc).__name__}: {str(exc)[:200]})")
        if not all(map(same, self.model.get_weights(), before)):
            self.violations.append(f"{label} failed but changed the weights")

    # ---- results -------------------------------------------------------------------------------
    def _covered(self, args, steps_key):
        """How many samples a call's steps cover; None when the steps are not a positive
        int (the call should have refused them)."""
        bs = args.get("batch_size")
        bs = 32 if bs is None else int(bs)
        steps = args.get(steps_key)
        n = len(self.x)
        if steps is None:
            return n
        if not _int_like(steps) or steps < 1:
            return None
        return min(n, int(steps) * bs)

    def _check_evaluate(self, label, args, result, probe, before):
        covered = self._covered(args, "steps")
        if covered is None:
            return [f"{label} returned {result!r} for steps={args['steps']!r}: no batch was "
                    f"evaluated, so these metrics are made up"]
        try:
            got_loss, got_acc = _loss_of(result, bool(args.get("return_dict")))
        except (KeyError, IndexError, TypeError):
            return [f"{label} returned {result!r}, not Keras's form of the logs"]
        preds = self.forward(self.x[:covered])
        return _check_metrics(label, self.loss, self.y[:covered], preds, got_loss,
                              got_acc if self.accuracy else None, self.loss_weight)

    def _check_test_on_batch(self, label, args, result, probe, before):
        got_loss, got_acc = _loss_of(result, bool(args.get("return_dict")))
        return _check_metrics(label, self.loss, self.y, self.forward(self.x), got_loss,
                              got_acc if self.accuracy else None, self.loss_weight)

    def _check_predict(self, label, args, result, probe, before):
        covered = self._covered(args, "steps")
        if covered is None:
            return [f"{label} returned an array of shape {np.shape(result)} for "
                    f"steps={args['steps']!r}, which covers no batch"]
        ref = self.forward(self.x[:covered])
        if not isinstance(result, np.ndarray) or result.shape != ref.shape:
            return [f"{label} returned {type(result).__name__} {np.shape(result)}, expected "
                    f"{ref.shape}"]
        ok, err = close(result, ref)
        if not ok:
            return [f"{label} differs from the NumPy forward pass by {err:.3g}"]
        return []

    def _check_fit(self, label, args, history, probe, before):
        violations = []
        logs = getattr(history, "history", None)
        if not isinstance(logs, dict):
            return [f"{label} returned {history!r}, not a History"]
        runs = len(logs.get("loss", []))
        if probe is not None:
            epochs = [e for e, _ in probe.epoch_batches]
            if len(epochs) != runs:
                violations.append(f"{label}: History has {runs} epochs, {len(epochs)} ran")
            last = args.get("epochs", 1)
            if epochs and (min(epochs) < 0 or (_int_like(last) and max(epochs) >= last)):
                violations.append(f"{label} ran epochs {epochs}, outside [0, epochs={last})")
            if self.case.get("probe_batches"):
                empty = [e for e, b in probe.epoch_batches if b == 0]
                if empty and runs:
                    violations.append(f"{label}: epochs {empty} ran no batch, yet History "
                                      f"logs {logs}")
        if "class_weight" in args and "sample_weight" not in args and self.fresh_before:
            violations += self._class_weight_twin(label, args)
        return violations

    def _class_weight_twin(self, label, args):
        """fit(class_weight=cw) must train exactly as fit(sample_weight=Keras's weights)."""
        cw = args["class_weight"]
        try:
            sw = keras_class_weights(cw, self.y)
        except (TypeError, ValueError, OverflowError):
            return []  # keys that are not labels: nothing to compare against
        twin_args = {k: v for k, v in args.items() if k not in ("class_weight", "callbacks")}
        if "validation_split" in twin_args or twin_args.get("shuffle") is not False:
            return []  # validation weighs by class too; a shuffle draws the twin's own order
        twin = compiled(self.case["model"], self.loss, self.case.get("optimizer", "sgd"))
        twin.set_weights(self.initial_weights)
        try:
            twin.fit(self.x, self.y, sample_weight=sw, **twin_args)
        except Exception as e:  # noqa: BLE001 - the twin's own failure is not this property's
            return [f"{label}: the sample_weight twin failed: {traceback_text(e)}"]
        got, want = self.model.get_weights(), twin.get_weights()
        if not all(np.allclose(g, w, rtol=1e-5, atol=1e-6) for g, w in zip(got, want)):
            return [f"{label} trained differently from fit(sample_weight=<each sample's "
                    f"class_weight by label: {sw.tolist()}>): class_weight is not looked up "
                    f"by label"]
        return []

    def health_check(self):
        """The model still trains and predicts, and its inputs are untouched."""
        label = "after the calls: fit(batch_size=4) + predict"
        try:
            self.model.fit(self.x, self.y, batch_size=4, epochs=1, verbose=0)
            out = self.model.predict(self.x, verbose=0)
        except Exception as e:  # noqa: BLE001
            return [f"{label} raised: {traceback_text(e)}"]
        try:
            ok, err = close(out, self.forward(self.x))
        except UndefinedReference:
            return []  # the calls drove the weights past float32's range
        if not ok:
            return [f"{label}: predict differs from the NumPy forward pass by {err:.3g}"]
        return []


def model_calls(case, workdir):
    calls = _Calls(case)
    x_kept, y_kept = snapshot(calls.x), snapshot(calls.y)
    for index, call in enumerate(case["calls"]):
        calls.run(call, index)
    calls.violations += calls.health_check()
    if not same(calls.x, x_kept) or not same(calls.y, y_kept):
        calls.violations.append("a call changed the x or y arrays it was given")
    return calls.violations


def layer_arguments(case, workdir):
    """Constructing, building, training and using a layer made with drawn arguments."""
    from densefit import layers as L

    kinds = case["kinds"]
    args = materialize(case["args"])
    label = f"{case['layer']}({', '.join(f'{k}={v!r}' for k, v in args.items())})"
    invalid = [k for k, kind in kinds.items() if kind == "invalid"]
    named = invalid + [k for k, kind in kinds.items() if kind == "edge"]
    stage = "construct"
    try:
        layer = getattr(L, case["layer"])(**args)
        stage = "build"
        model = keras.Sequential([L.InputLayer(shape=(3,)), layer, L.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        x = np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3)
        stage = "fit"
        model.fit(x, np.ones((4, 1), np.float32), epochs=1, verbose=0)
        stage = "predict"
        out = model.predict(x, verbose=0)
    except NotCompiledError as e:
        return [f"{label}: {stage}: {traceback_text(e)}"]
    except Exception as e:  # noqa: BLE001 - classified below
        if not named:
            return [f"{label}: {stage} refused valid arguments: {traceback_text(e)}"]
        problems = error_problems(e, on_purpose=True, names=_names(named))
        if stage not in ("construct", "build"):
            problems.append(f"refused only at {stage} (arguments are checked when the layer is "
                            f"made or built)")
        return [f"{label}: {stage}: {p}" for p in problems]
    if invalid:
        return [f"{label} accepted invalid {', '.join(invalid)}"]
    if out.shape != (4, 1) or (not np.all(np.isfinite(out)) and
                               args.get("activation") != "exponential"):
        return [f"{label}: predict returned {out!r}"]
    return []

