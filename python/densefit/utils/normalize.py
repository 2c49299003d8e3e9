"""keras.utils.normalize: an array divided by its norm along an axis."""

import numpy as np

from densefit import config


def _normalize_array_like(x, axis, order):
    # Keras's backend-tensor path (ops.nn.normalize): float32, epsilon-bounded, 0-d made 1-d.
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise ValueError(f"Argument `order` must be an int >= 1. Received: order={order}")
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 0:
        x = np.expand_dims(x, axis=0)
    epsilon = config.epsilon()
    if order == 2:
        with np.errstate(divide="ignore"):  # a zero norm: inf, then bounded by 1 / epsilon
            inv_norm = 1.0 / np.sqrt(np.sum(np.square(x), axis=axis, keepdims=True))
        return x * np.minimum(inv_norm, np.float32(1.0 / epsilon))
    norm = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / np.maximum(norm, np.float32(epsilon))


def normalize(x, axis=-1, order=2):
    """A normalized copy of `x`: `x / ||x||_order` along `axis`.

    A NumPy array is divided by `np.linalg.norm(x, order, axis)` (zero norms count as 1) and
    keeps its float type; other inputs (lists, scalars) become float32 and use Keras's tensor
    formula, whose norm is bounded below by epsilon.

    One deliberate difference: Keras puts the norms of `axis=0` on the last axis (it writes
    `axis or -1`), which divides a square matrix by the wrong norms and fails on other shapes;
    densefit divides along axis 0.
    """
    if isinstance(x, np.ndarray):
        norm = np.atleast_1d(np.linalg.norm(x, order, axis))
        norm[norm == 0] = 1
        return x / np.expand_dims(norm, -1 if axis is None else axis)
    return _normalize_array_like(x, axis, order)
