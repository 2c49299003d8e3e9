"""Serving: the fast path that model(x), predict_on_batch(x) and predict(x, verbose=0) take
to the native forward pass (fast_path.py), and the C++ package that ships in the wheel
(densefit.get_cmake_dir(); docs/serving.md)."""

from densefit.serving.fast_path import forward

__all__ = ["forward"]
