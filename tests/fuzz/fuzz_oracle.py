"""Cheap, exact references for the fuzz properties (worker side): a float64 NumPy forward pass
of a model description from its get_weights(), and Keras's losses and accuracies of
predictions. The formulas are Keras 3's (as tests/ops spells them out)."""

import math

import numpy as np

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
EPS = float(np.float32(1e-7))
_erfc = np.vectorize(math.erfc, otypes=[np.float64])


def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _elu(z, alpha):
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def _hard_sigmoid(z):
    return np.clip(z + 3.0, 0.0, 6.0) / 6.0


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _log_softmax(z):
    s = z - z.max(axis=-1, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=-1, keepdims=True))


def _softplus(z):
    return np.logaddexp(z, 0.0)


ACTIVATIONS = {
    "linear": lambda z: z,
    "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "softmax": _softmax,
    "log_softmax": _log_softmax,
    "gelu": lambda z: 0.5 * z * _erfc(-z / math.sqrt(2.0)),
    "elu": lambda z: _elu(z, 1.0),
    "selu": lambda z: SELU_SCALE * _elu(z, SELU_ALPHA),
    "softplus": _softplus,
    "softsign": lambda z: z / (1.0 + np.abs(z)),
    "silu": lambda z: z * _sigmoid(z),
    "swish": lambda z: z * _sigmoid(z),
    "leaky_relu": lambda z: np.where(z >= 0, z, 0.2 * z),
    "relu6": lambda z: np.clip(z, 0.0, 6.0),
    "hard_sigmoid": _hard_sigmoid,
    "hard_silu": lambda z: z * _hard_sigmoid(z),
    "hard_swish": lambda z: z * _hard_sigmoid(z),
    "exponential": np.exp,
    "mish": lambda z: z * np.tanh(_softplus(z)),
}


def _stored_as_float32(h):
    """h rounded to float32 and back: what a float32 engine keeps between layers (beyond
    float32's range, inf), so a value the engine cannot hold never reaches the next layer
    as a finite one."""
    with np.errstate(over="ignore", invalid="ignore"):
        return h.astype(np.float32).astype(np.float64)


F32_MAX = float(np.finfo(np.float32).max)


class UndefinedReference(Exception):
    """The float32 result depends on the engine's summation order, so no reference exists:
    a sum of products overflows float32 part-way (it ends as inf, -inf, NaN or a finite
    value depending on the order and on FMA), as in weights a 1e30 class weight blew up.
    A case that meets one has no numerical property to check from there on."""


def _check_order_independent(h, w, b):
    """Raises UndefinedReference where a float32 engine's h @ w + b can differ by summation
    order: a partial sum may pass float32's range (the positive or the negative products
    sum to at least half of it), unless the exact result is beyond it with the other side
    too small to matter, which every order rounds to the same infinity."""
    h = h.reshape(-1, h.shape[-1])  # Dense over time steps: every step is a row
    finite = np.all(np.isfinite(h), axis=1)  # inf/NaN inputs propagate the same in any order
    if not finite.any():
        return
    h = h[finite]
    with np.errstate(over="ignore", invalid="ignore"):
        hp, hn, wp, wn = np.maximum(h, 0), np.maximum(-h, 0), np.maximum(w, 0), np.maximum(-w, 0)
        pos, neg = hp @ wp + hn @ wn, hp @ wn + hn @ wp
        if b is not None:
            pos, neg = pos + np.maximum(b, 0), neg + np.maximum(-b, 0)
    reach = np.maximum(pos, neg) >= F32_MAX / 2
    saturates = (np.minimum(pos, neg) < F32_MAX / 2) & (np.abs(pos - neg) > 2 * F32_MAX)
    if np.any(reach & ~saturates & np.isfinite(w).all() & np.isfinite(pos + neg)):
        raise UndefinedReference("a float32 sum of products overflows part-way")


U32 = 2.0 ** -24  # float32's unit roundoff


class Reference(np.ndarray):
    """A forward pass's float64 result and its `bound`: element by element, how far a correct
    float32 engine may be from it (a worst-case rounding analysis, so chained exponentials,
    where float32 rounding of a large pre-activation is magnified, are judged by what float32
    can do). An infinite bound: float32 may land on either side of its range there, so the
    element says nothing. Indexing keeps the bound; other operations drop it."""

    bound = None

    def __array_finalize__(self, obj):
        self.bound = None

    def __getitem__(self, key):
        out = super().__getitem__(key)
        if isinstance(out, Reference) and self.bound is not None:
            out.bound = np.asarray(self.bound)[key]
        return out


def _spread(a, b):
    """|a - b| with 0 where they agree (the same infinity, both NaN) and inf where only one
    is NaN."""
    d = np.abs(a - b)
    agree = (a == b) | (np.isnan(a) & np.isnan(b))
    return np.where(agree, 0.0, np.where(np.isnan(d), np.inf, d))


def _matmul_bound(h, e, w, b):
    """Bound on float32 h @ w + b's error, for h known to within e: the inputs' error carried
    through |w|, plus (fan-in + 2) roundings of the magnitudes' sum (any order, with or
    without FMA). Non-finite inputs propagate the same in any order and add nothing."""
    aw = np.abs(w)
    carried = e @ aw
    magnitude = np.abs(np.where(np.isfinite(h), h, 0.0)) @ aw
    if b is not None:
        magnitude = magnitude + np.abs(b)
    out = carried + (w.shape[0] + 2) * U32 * magnitude
    return np.where(np.isnan(out), np.inf, out)


def _activation_bound(name, z, e, a):
    """Bound on an activation's output a = f(z) for z known to within e (plus its own
    rounding): how far f moves over [z - e, z + e] at the ends (the activations are monotone
    or nearly so over a rounding error), row-wise for softmax and log_softmax."""
    if name in ("softmax", "log_softmax"):
        worst = np.max(np.where(np.isnan(e), np.inf, e), axis=-1, keepdims=True)
        moved = 2.0 * worst if name == "log_softmax" else np.abs(a) * np.expm1(2.0 * worst)
        moved = np.where(worst == 0, 0.0, moved)
    else:
        f = ACTIVATIONS[name]
        moved = np.maximum(_spread(f(z + e), a), _spread(f(z - e), a))
    return moved + 4 * U32 * np.abs(np.where(np.isfinite(a), a, 0.0))


def forward(layers, weights, x):
    """The model's inference output: float64 arithmetic, float32 storage between layers, as a
    Reference carrying its rounding bound (UndefinedReference where float32 overflow makes
    the engine's result order-dependent). `layers` as in a model description, `weights` as
    get_weights() lists them, x of shape (n, *input_shape)."""
    h = np.asarray(x, dtype=np.float64)
    e = np.zeros_like(h)  # the bound, element by element
    weights = [np.asarray(w, dtype=np.float64) for w in weights]
    for layer in layers:
        kind = layer["kind"]
        if kind == "dense":
            kernel = weights.pop(0)
            bias = weights.pop(0) if layer.get("use_bias", True) else None
            _check_order_independent(h, kernel, bias)
            with np.errstate(all="ignore"):
                e = _matmul_bound(h, e, kernel, bias)
                h = h @ kernel
                if bias is not None:
                    h = h + bias
                h, e = _activate(layer.get("activation") or "linear", h, e)
        elif kind == "activation":
            with np.errstate(all="ignore"):
                h, e = _activate(layer["activation"], h, e)
        elif kind == "flatten":
            h = h.reshape(h.shape[0], int(np.prod(h.shape[1:])))
            e = e.reshape(h.shape)
        # dropout: the identity at inference
        h = _stored_as_float32(h)
        e = e + U32 * np.abs(np.where(np.isfinite(h), h, 0.0))
    assert not weights, "weights left over: the description and the model disagree"
    out = h.view(Reference)
    out.bound = e
    return out


def _activate(name, z, e):
    a = ACTIVATIONS[name](z)
    return a, (e if name == "linear" else _activation_bound(name, z, e, a))


def close(out, reference):
    """(whether out matches the reference, the largest difference): to float32 tolerance
    plus the reference's rounding bound where it is finite, and the same infinity where it
    is infinite (NaN where it is NaN); elements whose bound is infinite are not judged."""
    bound = getattr(reference, "bound", None)
    out = np.asarray(out, dtype=np.float64)
    ref = np.asarray(reference, dtype=np.float64)
    bound = np.zeros(ref.shape) if bound is None else np.asarray(bound, dtype=np.float64)
    judged = np.isfinite(bound)
    finite = np.isfinite(ref) & judged
    tol = tolerance(ref[finite])
    with np.errstate(invalid="ignore"):
        diff = np.abs(out - ref)
        allowed = tol["atol"] + tol["rtol"] * np.abs(ref) + np.where(judged, bound, 0.0)
        ok = bool(np.all(diff[finite] <= allowed[finite])) and \
            np.array_equal(out[~np.isfinite(ref) & judged], ref[~np.isfinite(ref) & judged],
                           equal_nan=True)
    diff = np.where(judged, diff, 0.0)
    return ok, float(np.nanmax(np.where(np.isnan(diff) & ~np.isnan(ref), np.inf, diff),
                               initial=0.0))


def tolerance(reference):
    """Float32 rounding through a few small layers: relative 1e-4, absolute 1e-5 of the
    output's scale (activations near zero, softmax of saturated logits)."""
    scale = float(np.max(np.abs(reference[np.isfinite(reference)]), initial=1.0))
    return {"rtol": 1e-4, "atol": 1e-5 * max(scale, 1.0)}


def _bce(t, p):
    p = np.clip(p, EPS, 1 - EPS)
    return np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p)), -1)


def _cce(t, p):
    return -np.sum(t * np.log(np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS)), -1)


def per_sample_loss(loss, y, p):
    """Keras's per-sample loss values: y as the model's targets (sparse: labels (n,) or
    (n, 1)), p the predictions (n, k)."""
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    if loss == "mse":
        return np.mean((y.reshape(p.shape) - p) ** 2, -1)
    if loss == "mae":
        return np.mean(np.abs(y.reshape(p.shape) - p), -1)
    if loss == "binary_crossentropy":
        return _bce(y.reshape(p.shape), p)
    if loss == "categorical_crossentropy":
        return _cce(y.reshape(p.shape), p)
    if loss == "sparse_categorical_crossentropy":
        return _cce(np.eye(p.shape[-1])[y.reshape(-1).astype(int)], p)
    raise ValueError(f"no reference for loss {loss!r}")


def accuracy(loss, y, p):
    """Keras's "accuracy" for the loss's kind of targets, per sample (1.0 or 0.0)."""
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    if loss == "binary_crossentropy":
        return np.mean((p > 0.5) == (y.reshape(p.shape) > 0.5), -1)
    if loss == "categorical_crossentropy":
        return (np.argmax(p, -1) == np.argmax(y.reshape(p.shape), -1)).astype(np.float64)
    if loss == "sparse_categorical_crossentropy":
        return (np.argmax(p, -1) == y.reshape(-1)).astype(np.float64)
    return np.mean(y.reshape(p.shape) == p, -1)


def keras_class_weights(class_weight, y):
    """Keras 3's class_weight_to_sample_weights: each sample weighs as its label (argmax of
    one-hot targets, the rounded value of (n,) / (n, 1) targets), 1.0 for labels the dict
    lacks."""
    y = np.asarray(y, dtype=np.float64)
    if y.ndim > 1:
        y = np.argmax(y, axis=-1) if y.shape[-1] != 1 else y[:, 0]
    labels = np.round(y).astype(np.int64)
    return np.array([class_weight.get(int(v), 1.0) for v in labels], dtype=np.float32)
