"""Times scikit-learn's MLPClassifier / MLPRegressor: `python -m bench.runners.sklearn_runner
--workloads W1`.

Same hidden sizes, ReLU, solver="adam" (lr 1e-3, epsilon 1e-7 as Keras), the workload's batch
size, alpha=0 (Keras adds no L2 penalty), float32 input (the estimator then trains in
float32). One epoch is one partial_fit() call: it shuffles and keeps the Adam state between
calls. (fit() with max_iter=1 and warm_start=True costs the same per epoch but re-creates the
optimizer on every call, so its loss curve is not a normal run's.) A binary target makes
MLPClassifier use a logistic output with log-loss, i.e. sigmoid + binary cross-entropy; W2's
images are flattened, which is what its Flatten layer does.
"""

import importlib.util
import time
import warnings

import numpy as np

from bench.runners.protocol import parse_args, run_each, skip_all, time_loop
from bench.workloads import INIT_SEED, make_data


def build(workload):
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    estimator = MLPRegressor if workload.task == "regression" else MLPClassifier
    return estimator(hidden_layer_sizes=workload.hidden, activation="relu", solver="adam",
                     alpha=0.0, batch_size=workload.batch_size, learning_rate_init=1e-3,
                     epsilon=1e-7, shuffle=True, random_state=INIT_SEED)


def main():
    args = parse_args(__doc__)
    if importlib.util.find_spec("sklearn") is None:
        return skip_all(args, "sklearn", "scikit-learn is not installed")
    import sklearn
    from threadpoolctl import threadpool_limits

    def measure(workload):
        x, y = make_data(workload, args.quick)
        n = len(x)
        x = x.reshape(n, -1)
        y = y.ravel() if workload.task == "regression" else y.ravel().astype(np.int64)
        fit_args = {} if workload.task == "regression" else {
            "classes": np.arange(max(workload.outputs, 2))}
        t0 = time.perf_counter()
        estimator = build(workload)
        build_s = time.perf_counter() - t0

        def run_epoch():
            estimator.partial_fit(x, y, **fit_args)
            return estimator.loss_

        with threadpool_limits(limits=args.threads), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = time_loop(run_epoch, args.budget, time.perf_counter)
        result.update(samples=n, build_s=build_s, threads=args.threads, device="cpu",
                      version=sklearn.__version__, train_dtype=str(estimator.coefs_[0].dtype))
        return result

    run_each(args, "sklearn", measure)


if __name__ == "__main__":
    main()
