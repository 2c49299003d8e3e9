"""Times Keras 3 on one backend: `python -m bench.runners.keras_runner --workloads W1
--backend jax`. Keras picks its backend once per process, hence one process per backend."""

import importlib.util
import os
import time

from bench.runners.protocol import parse_args, run_each, skip_all
from bench.workloads import INIT_SEED, make_data

_BACKEND_MODULES = {"jax": "jax", "tensorflow": "tensorflow", "torch": "torch"}


def _backend_device(keras):
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        return jax.devices()[0].platform
    if backend == "tensorflow":
        import tensorflow as tf

        return "gpu" if tf.config.list_logical_devices("GPU") else "cpu"
    return "unknown"


def _set_backend_threads(backend, threads):
    # XLA:CPU (JAX) sizes its Eigen pool from the cores it sees and has no supported knob; the
    # orchestrator gives every engine all cores, so this matches the others.
    if backend == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(min(2, threads))


def main():
    args = parse_args(__doc__, extra=lambda p: p.add_argument(
        "--backend", default="jax", choices=sorted(_BACKEND_MODULES)))
    engine = "keras-" + args.backend
    for module in ("keras", _BACKEND_MODULES[args.backend]):
        if importlib.util.find_spec(module) is None:
            return skip_all(args, engine, f"{module} is not installed")
    os.environ["KERAS_BACKEND"] = args.backend
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    _set_backend_threads(args.backend, args.threads)
    import keras
    from bench.runners.keras_api import build_model, time_fit

    def measure(workload):
        keras.backend.clear_session()
        keras.utils.set_random_seed(INIT_SEED)
        x, y = make_data(workload, args.quick)
        t0 = time.perf_counter()
        model = build_model(keras, workload)
        build = time.perf_counter() - t0
        result = time_fit(keras, model, x, y, workload, args.budget, time.perf_counter)
        result.update(samples=len(x), build_s=build, threads=args.threads,
                      device=_backend_device(keras), version=keras.__version__,
                      backend=keras.backend.backend())
        return result

    run_each(args, engine, measure)


if __name__ == "__main__":
    main()
