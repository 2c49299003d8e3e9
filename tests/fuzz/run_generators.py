"""Case runners over data that arrives a batch at a time (worker side): Python generators,
utils.PyDataset and re-iterable objects yielding batches of drawn structures, dtypes and
layouts, some of them broken.

batches: fit / evaluate / predict over such a source. When every batch it reads is good, the
    result must equal the arrays' answer: evaluate's loss NumPy's over the batches read
    (sample weights included), predict the NumPy forward pass of their concatenation, fit
    the weights of a twin trained by train_on_batch on the same batches in the same order.
    The first bad batch read must be refused with a ValueError/TypeError from densefit, or,
    when the source itself raises, with the source's own exception, unchanged. Either way
    the model still predicts right afterwards, and no batch array is changed.
"""

import collections

import numpy as np

from densefit.utils import PyDataset

from fuzz_checks import error_problems, traceback_text
from fuzz_models import compiled, data, with_head
from fuzz_oracle import close, forward, per_sample_loss
from fuzz_values import cast, lay_out, same, snapshot


class SourceError(Exception):
    """What a broken source raises: it must reach the caller as it is."""


Pair = collections.namedtuple("Pair", "x y")

# What each kind of batch must get, per method: "good" (used), "refuse" (a clean error),
# "edge" (either), "source" (the source's own exception).
VERDICTS = {
    "xy": ("good", "good", "good"), "xyw": ("good", "good", "good"),
    "list_xy": ("good", "good", "good"), "dict_x": ("good", "good", "good"),
    "x": ("refuse", "refuse", "good"), "bare_x": ("refuse", "refuse", "good"),
    "namedtuple": ("refuse", "refuse", "refuse"), "four": ("refuse", "refuse", "refuse"),
    "none": ("refuse", "refuse", "refuse"), "str": ("refuse", "refuse", "refuse"),
    "empty": ("edge", "edge", "edge"), "x_width": ("refuse", "refuse", "refuse"),
    "y_len": ("refuse", "refuse", "good"), "y_width": ("refuse", "refuse", "good"),
    "label_range": ("edge", "edge", "good"), "nan_x": ("edge", "edge", "edge"),
    "raise": ("source", "source", "source"),
}
METHOD_INDEX = {"fit": 0, "evaluate": 1, "predict": 2}


def _make_batch(spec, index, case):
    """(what the source yields, (x, y, w) the oracle uses or None)."""
    loss, shape = case["loss"], tuple(case["model"]["input_shape"])
    n = 0 if spec["kind"] == "empty" else spec["n"]
    x, y = data(loss, max(n, 1), shape, case["data_seed"] + 7 * index)
    x, y = x[:n], y[:n]
    w = np.linspace(0.5, 2.0, n).astype(np.float32)
    kind = spec["kind"]
    if kind == "x_width":
        x = np.concatenate([x, x[:, :1]], axis=1)
    elif kind == "y_len":
        y = np.concatenate([y, y[:1]])
    elif kind == "y_width":
        y = np.concatenate([y.reshape(n, -1), y.reshape(n, -1)], axis=1)
    elif kind == "label_range":
        y = np.full_like(y, 7 if loss != "mse" else 1e9)
        if y.ndim == 2 and y.shape[1] > 1:  # one-hot: a label the model has no output for
            y = np.zeros((n, y.shape[1] + 4), np.float32)
            y[:, -1] = 1
    elif kind == "nan_x":
        x = x.copy()
        x.reshape(-1)[::3] = np.nan
    # A bare list would be read as a tuple (x, y, ...), as Keras reads it: bare x is an array.
    layout = "C" if kind == "bare_x" and spec["layout"] == "list" else spec["layout"]
    xs = lay_out(cast(x.astype(np.float64), spec["dtype"]), layout) \
        if kind != "nan_x" and x.size else x
    used = (np.asarray(xs, dtype=np.float32).reshape(x.shape), y,
            w if kind == "xyw" else None)
    yielded = {"xy": lambda: (xs, y), "xyw": lambda: (xs, y, w), "list_xy": lambda: [xs, y],
               "dict_x": lambda: ({"input": xs}, y), "x": lambda: (xs,), "bare_x": lambda: xs,
               "namedtuple": lambda: Pair(xs, y), "four": lambda: (xs, y, w, w),
               "none": lambda: None, "str": lambda: "not a batch"}.get(kind, lambda: (xs, y))()
    return yielded, used


class _Dataset(PyDataset):
    def __init__(self, batches, fail_at):
        super().__init__()
        self.batches, self.fail_at = batches, fail_at

    def __len__(self):
        return len(self.batches)

    def __getitem__(self, index):
        if index in self.fail_at:
            raise SourceError(f"batch {index} could not be read")
        return self.batches[index]


class _Iterable:
    """Re-iterable: a fresh pass over the batches every epoch."""

    def __init__(self, batches, fail_at):
        self.batches, self.fail_at = batches, fail_at

    def __iter__(self):
        for index, batch in enumerate(self.batches):
            if index in self.fail_at:
                raise SourceError(f"batch {index} could not be read")
            yield batch


def _generator(batches, fail_at):
    for index, batch in enumerate(batches):
        if index in fail_at:
            raise SourceError(f"batch {index} could not be read")
        yield batch


def _reads(source, count, steps, epochs):
    """The batch indices the call reads, epoch by epoch (batch_iterator.BatchSource's
    rules: a generator is one stream across epochs, the others start over each epoch and
    wrap around for `steps`); a generator's first empty epoch ends fit."""
    if source == "generator":
        stream, out = iter(range(count)), []
        for _ in range(epochs):
            taken = [i for _, i in zip(range(steps if steps else count), stream)]
            if not taken:
                break
            out.append(taken)
        return out
    per_epoch = list(range(count)) if steps is None else [k % count for k in range(steps)]
    return [per_epoch] * epochs


def batches(case, workdir):
    violations = []
    method, source = case["method"], case["source"]
    loss = case["loss"]
    specs = case["batches"]
    made = [_make_batch(spec, i, case) for i, spec in enumerate(specs)]
    yielded = [b for b, _ in made]
    fail_at = {i for i, spec in enumerate(specs) if spec["kind"] == "raise"}
    kept = snapshot([b for b in yielded if not isinstance(b, str)])
    make_source = {"generator": _generator, "pydataset": _Dataset, "iterable": _Iterable}[source]
    steps = case.get("steps")
    epochs = case.get("epochs", 1) if method == "fit" else 1
    reads = _reads(source, len(specs), steps, epochs)
    verdict_of = [VERDICTS[s["kind"]][METHOD_INDEX[method]] for s in specs]
    order = [i for epoch in reads for i in epoch]
    # The first batch read that must stop the call, and whether an edge batch (which may be
    # used or refused) comes before it.
    first_bad = next((i for i in order if verdict_of[i] in ("refuse", "source")), None)
    before_bad = order if first_bad is None else order[:order.index(first_bad)]
    edge_first = any(verdict_of[i] == "edge" for i in before_bad)
    expect = "good" if first_bad is None else verdict_of[first_bad]

    model = compiled(case["model"], loss)
    desc = with_head(case["model"], loss)
    start = model.get_weights()
    label = f"{method} over a {source} of {[s['kind'] for s in specs]} (steps={steps})"
    kwargs = {"verbose": 0}
    if method == "fit":
        kwargs.update(epochs=epochs, steps_per_epoch=steps, shuffle=False)
    elif steps is not None:
        kwargs["steps"] = steps
    try:
        result = getattr(model, method)(make_source(yielded, fail_at), **kwargs)
    except SourceError as e:
        if expect != "source" or str(e) != f"batch {first_bad} could not be read":
            violations.append(f"{label}: a SourceError came out where the first batch that "
                              f"stops the call is {first_bad}: {traceback_text(e)}")
    except Exception as e:  # noqa: BLE001 - classified below
        if expect == "good" and not edge_first:
            violations.append(f"{label} raised on good batches: {traceback_text(e)}")
        elif expect == "source" and not edge_first:
            violations.append(f"{label}: the source's SourceError at batch {first_bad} came "
                              f"out as {traceback_text(e)}")
        else:
            violations += [f"{label}: {p}" for p in error_problems(e, on_purpose=True)]
    else:
        if expect in ("refuse", "source"):
            violations.append(f"{label} accepted batch {first_bad} "
                              f"({specs[first_bad]['kind']}), which must be refused")
        elif not edge_first:
            read = [made[i][1] for epoch in reads for i in epoch]
            violations += _check(method, label, result, read, reads, model, desc, loss,
                                 start, case)
    if not same([b for b in yielded if not isinstance(b, str)], kept):
        violations.append(f"{label} changed a batch it was given")
    x, _ = data(loss, 5, tuple(case["model"]["input_shape"]), case["data_seed"])
    try:
        out = model.predict(x, verbose=0)
    except Exception as e:  # noqa: BLE001
        return violations + [f"after {label}: predict raised {traceback_text(e)}"]
    ref = forward(desc["layers"], model.get_weights(), x)
    if not close(out, ref)[0]:
        violations.append(f"after {label}: predict differs from the NumPy forward pass")
    return violations


def _check(method, label, result, read, reads, model, desc, loss, start, case):
    if not read:
        return []
    if method == "predict":
        x = np.concatenate([x for x, _, _ in read])
        ref = forward(desc["layers"], model.get_weights(), x)
        if not isinstance(result, np.ndarray) or result.shape != ref.shape or \
                not close(result, ref)[0]:
            return [f"{label} returned {np.shape(result)}, not the forward pass of the batches "
                    f"read {ref.shape}"]
        return []
    if method == "evaluate":
        weights = model.get_weights()
        total = sum(float(np.sum(per_sample_loss(loss, y, forward(desc["layers"], weights, x))
                                 * (1.0 if w is None else w))) for x, y, w in read)
        ref = total / sum(len(x) for x, _, _ in read)
        got = result[0] if isinstance(result, list) else result
        if not np.isclose(float(got), ref, rtol=2e-4, atol=1e-5):
            return [f"{label}: loss {got!r}, NumPy's over the batches read is {ref!r}"]
        return []
    twin = compiled(case["model"], loss)
    twin.set_weights(start)
    for x, y, w in read:
        twin.train_on_batch(x, y, sample_weight=w)
    violations = []
    if len(result.history.get("loss", [])) != len(reads):
        violations.append(f"{label}: History has {len(result.history.get('loss', []))} epochs, "
                          f"{len(reads)} read batches")
    if not all(np.allclose(a, b, rtol=1e-5, atol=1e-6)
               for a, b in zip(model.get_weights(), twin.get_weights())):
        violations.append(f"{label} trained differently from train_on_batch over the same "
                          f"batches")
    return violations
