"""Times densefit: `python -m bench.runners.densefit_runner --workloads W1`."""

import time

from bench.runners.protocol import parse_args, run_each
from bench.runners.keras_api import build_model, time_fit
from bench.workloads import INIT_SEED, make_data


def main():
    args = parse_args(__doc__)
    import densefit as keras
    from densefit import _native

    keras.config.set_num_threads(args.threads)

    def measure(workload):
        keras.utils.set_random_seed(INIT_SEED)
        x, y = make_data(workload, args.quick)
        t0 = time.perf_counter()
        model = build_model(keras, workload)
        build = time.perf_counter() - t0
        result = time_fit(keras, model, x, y, workload, args.budget, time.perf_counter)
        result.update(samples=len(x), build_s=build, threads=keras.config.num_threads(),
                      device=keras.config.device(), blas_loaded=bool(_native.BLAS_LOADED),
                      version=keras.__version__, module_path=keras.__file__)
        return result

    run_each(args, "densefit", measure)


if __name__ == "__main__":
    main()
