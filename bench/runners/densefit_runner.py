"""Times densefit on one workload: `python -m bench.runners.densefit_runner --workload W1`."""

import time

from bench.runners.protocol import emit, parse_args
from bench.runners.keras_api import build_model, time_fit
from bench.workloads import INIT_SEED, WORKLOADS, make_data


def main():
    args = parse_args(__doc__)
    import densefit as keras

    keras.config.set_num_threads(args.threads)
    keras.utils.set_random_seed(INIT_SEED)
    workload = WORKLOADS[args.workload]
    x, y = make_data(workload, args.quick)
    t0 = time.perf_counter()
    model = build_model(keras, workload)
    build = time.perf_counter() - t0
    result = time_fit(keras, model, x, y, workload, args.budget, time.perf_counter)
    from densefit import _native

    result.update(engine="densefit", workload=workload.name, samples=len(x), build_s=build,
                  threads=keras.config.num_threads(), device=keras.config.device(),
                  blas_loaded=bool(_native.BLAS_LOADED), version=keras.__version__,
                  module_path=keras.__file__)
    emit(result)


if __name__ == "__main__":
    main()
