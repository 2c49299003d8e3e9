"""Asks real Keras 3 (JAX backend) for the results of every case in cases.py and writes
golden_keras.json: `python tests/metrics/make_golden.py`. Each case records the result after
one unweighted update on all rows, and after a reset and two sample-weighted updates."""

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
sys.path.insert(0, str(Path(__file__).parent))

import keras  # noqa: E402
import numpy as np  # noqa: E402

from cases import CASES, SPLIT, input_sets  # noqa: E402


def squared_error(y_true, y_pred):  # a user function for MeanMetricWrapper
    return (y_true - y_pred) ** 2


def run(metric, y_true, y_pred, sw):
    metric.update_state(y_true, y_pred)
    plain = np.asarray(metric.result(), dtype=np.float64).tolist()
    metric.reset_state()
    metric.update_state(y_true[:SPLIT], y_pred[:SPLIT], sample_weight=sw[:SPLIT])
    metric.update_state(y_true[SPLIT:], y_pred[SPLIT:], sample_weight=sw[SPLIT:])
    weighted = np.asarray(metric.result(), dtype=np.float64).tolist()
    return {"plain": plain, "weighted": weighted}


def main():
    sets = input_sets()
    golden = {"keras_version": keras.__version__, "backend": keras.backend.backend(),
              "cases": {}}
    for case_id, cls_name, kwargs, input_name in CASES:
        metric = getattr(keras.metrics, cls_name)(**kwargs)
        golden["cases"][case_id] = run(metric, *sets[input_name])
    y_true, y_pred, sw = sets["regression"]
    golden["cases"]["mean_metric_wrapper"] = run(
        keras.metrics.MeanMetricWrapper(squared_error), y_true, y_pred, sw)
    values = np.arange(12, dtype=np.float32).reshape(6, 2)
    w = np.array([1.0, 0.0, 2.0, 0.5, 1.0, 3.0], dtype=np.float32)
    for name in ("Mean", "Sum"):
        m = getattr(keras.metrics, name)()
        m.update_state(values)
        plain = float(m.result())
        m.reset_state()
        m.update_state(values[:3], sample_weight=w[:3])
        m.update_state(values[3:], sample_weight=w[3:])
        golden["cases"][name.lower()] = {"plain": plain, "weighted": float(m.result())}
    out = Path(__file__).with_name("golden_keras.json")
    out.write_text(json.dumps(golden, indent=1) + "\n")
    print(f"wrote {out} ({len(golden['cases'])} cases)")


if __name__ == "__main__":
    main()
