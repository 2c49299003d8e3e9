"""Case runners over shapes, dtypes and memory layouts (worker side).

predict_layouts: one model, one set of input values, seen through several dtypes' worth of
    layouts (Fortran order, strided and negative-stride views, read-only, misaligned,
    big-endian, nested lists) and ranks, through several inference calls. Every answer must
    equal the float64 NumPy forward pass of get_weights() to float32 tolerance, all answers
    must be bitwise equal to each other, and no input may be changed.
set_weights_layouts: weights handed over in any dtype and layout read back exactly (as
    float32) and predict by them; a wrong shape is refused and leaves the model as it was.
"""

import numpy as np

from fuzz_checks import error_problems, traceback_text
from fuzz_models import build
from fuzz_oracle import close, forward
from fuzz_values import cast, lay_out, same, snapshot, values

SPECIALS = (np.nan, np.inf, -np.inf, 1e30, -1e30)


def _call(model, x, how, batch_size):
    if how == "predict":
        return model.predict(x, verbose=0)
    if how == "predict_batched":  # the general (callback-aware) loop, in batches
        return model.predict(x, batch_size=batch_size, verbose=2)
    if how == "predict_on_batch":
        return model.predict_on_batch(x)
    if how == "call":
        return model(x)
    raise ValueError(how)


def _reshape(arr, rank, input_shape):
    """`arr` (n, *input_shape) as the case's rank asks; (array, whether it must be refused)."""
    n, size = arr.shape[0], int(np.prod(input_shape))
    if rank == "as_is":
        return arr, False
    if rank == "flat":
        return arr.reshape(n, size), False
    if rank == "split":  # the features of one sample spread over two axes
        a = next((d for d in range(2, size) if size % d == 0), 1)
        return arr.reshape(n, a, size // a), False
    if rank == "1d":
        return (arr.reshape(n), False) if size == 1 else (arr.reshape(n * size), True)
    if rank == "0d":
        return (arr.reshape(-1)[0] if arr.size else arr.dtype.type(0)), True
    if rank == "wrong_size":
        return np.concatenate([arr.reshape(n, size), arr.reshape(n, size)[:, :1]], 1), True
    raise ValueError(rank)


def _carries_sample_shape(x):
    """Whether an input says how large its samples are: an empty list or 1-D array does
    not (`[]` is also zero samples of the right size)."""
    arr = np.asarray(x)
    return arr.size > 0 or arr.ndim >= 2


def predict_layouts(case, workdir):
    violations = []
    desc = case["model"]
    model = build(desc)
    weights = model.get_weights()
    shape = (case["n"],) + tuple(desc["input_shape"])
    vals = values(case["data_seed"], shape)
    if case.get("specials") and np.dtype(case["dtype"]).kind == "f" and vals.size:
        rng = np.random.default_rng(case["data_seed"])
        where = rng.integers(0, vals.size, max(vals.size // 7, 1))
        vals.reshape(-1)[where] = rng.choice(SPECIALS, where.size)
    typed = cast(vals, case["dtype"])
    as_f32 = np.asarray(typed, dtype=np.float32)
    with np.errstate(all="ignore"):
        ref = forward(desc["layers"], weights, as_f32)
    per_sample = int(np.prod(shape[1:]))
    finite_rows = np.isfinite(as_f32.reshape(shape[0], per_sample)).all(axis=1)
    arr, must_refuse = _reshape(typed, case["rank"], desc["input_shape"])
    first = None
    for i, layout in enumerate(case["layouts"]):
        how = case["calls"][i % len(case["calls"])]
        x = lay_out(np.asarray(arr), layout) if np.ndim(arr) else arr
        kept = snapshot(x)
        label = f"{how} on {case['dtype']} {layout} input of shape {np.shape(arr)}"
        try:
            out = _call(model, x, how, case.get("batch_size") or 32)
        except Exception as e:  # noqa: BLE001 - classified below
            if not must_refuse and shape[0] > 0:
                violations.append(f"{label} raised: {traceback_text(e)}")
            else:
                violations += [f"{label}: {p}" for p in error_problems(e)]
            continue
        finally:
            if not same(x, kept):
                violations.append(f"{label} changed its input")
        if must_refuse and not _carries_sample_shape(x):
            continue  # e.g. [] (no samples as nested lists): nothing says the width is wrong
        if must_refuse:
            violations.append(f"{label} was accepted (output shape {np.shape(out)}); a sample "
                              f"of the wrong size must be refused")
            continue
        if not isinstance(out, np.ndarray) or out.dtype != np.float32 or \
                out.shape != ref.shape:
            violations.append(f"{label} returned {type(out).__name__} "
                              f"{getattr(out, 'dtype', '')} {np.shape(out)}, expected float32 "
                              f"{ref.shape}")
            continue
        rows = finite_rows & np.isfinite(ref.reshape(shape[0], ref[0].size if shape[0] else 0)
                                         ).all(axis=1)
        ok, err = close(out[rows], ref[rows])
        if not ok:
            violations.append(f"{label} differs from the float64 NumPy forward pass by {err:.3g}")
        if first is None:
            first = (label, out)
        elif not same(out, first[1]):
            violations.append(f"{label} is not bitwise equal to {first[0]} (max difference "
                              f"{np.nanmax(np.abs(out - first[1]), initial=0):.3g})")
    return violations


def set_weights_layouts(case, workdir):
    violations = []
    desc = case["model"]
    model = build(desc)
    before = model.get_weights()
    new = [cast(values(case["data_seed"] + i, w.shape, -1.0, 1.0), case["dtype"])
           for i, w in enumerate(before)]
    handed = [lay_out(w, case["layout"]) for w in new]
    bad = case.get("bad_index")
    if bad is not None:
        bad %= len(handed)
        handed[bad] = np.zeros(np.shape(new[bad])[:-1] + (np.shape(new[bad])[-1] + 1,))
    kept = snapshot(handed)
    label = f"set_weights({case['dtype']} {case['layout']})"
    try:
        model.set_weights(handed)
    except Exception as e:  # noqa: BLE001 - classified below
        if bad is None:
            return [f"{label} raised: {traceback_text(e)}"]
        violations += [f"{label} with a wrong shape: {p}" for p in error_problems(e)]
        if not all(map(same, model.get_weights(), before)):
            violations.append(f"{label} failed but changed the model's weights (a failed call "
                              f"must leave the model as it was)")
        return violations
    if not same(handed, kept):
        violations.append(f"{label} changed the arrays it was given")
    if bad is not None:
        return violations + [f"{label} accepted a weight of the wrong shape"]
    got = model.get_weights()
    for i, (g, w) in enumerate(zip(got, new)):
        if not same(g, np.asarray(w, dtype=np.float32)):
            violations.append(f"{label}: weight {i} reads back differently")
    x = values(case["data_seed"], (5,) + tuple(desc["input_shape"])).astype(np.float32)
    ref = forward(desc["layers"], got, x)
    ok, err = close(model.predict(x, verbose=0), ref)
    if not ok:
        violations.append(f"{label}: predict after it differs from the NumPy forward pass by "
                          f"{err:.3g}")
    return violations
