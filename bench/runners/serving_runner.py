"""Times one engine serving the W4 model: `python -m bench.runners.serving_runner --engine ort
--model-dir DIR`. bench/serving.py writes DIR (the same weights as a densefit model, .dfm,
.onnx and .npz, plus the inputs) and runs one process per engine, one after another.

Measurements (each engine that supports them):
  p1_us       single-sample latency: median over `--calls` calls after 1,000 warm-up calls
  p2_samples_per_s  60,000 x 784 in batches of 1024: median of 5 passes
  threads     8 threads calling predict concurrently (single samples): aggregate calls/s
              against one thread, and whether every result equals the single-thread one
  rss_growth_kib   resident memory growth over 100,000 single-sample calls
"""

import argparse
import json
import os
import statistics
import threading
import time

import numpy as np

from bench.runners.protocol import RESULT_MARKER

BATCH = 1024


def latency_us(fn, calls, warmup=1000):
    for _ in range(warmup):
        fn()
    clock = time.perf_counter_ns
    times = []
    for _ in range(calls):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    times.sort()
    return {"median_us": times[len(times) // 2] / 1e3, "p10_us": times[len(times) // 10] / 1e3,
            "p90_us": times[len(times) * 9 // 10] / 1e3, "calls": calls}


def throughput(run_batch, x, passes=5):
    run_batch(x[:BATCH])
    times = []
    for _ in range(passes):
        t0 = time.perf_counter()
        for start in range(0, len(x), BATCH):
            run_batch(x[start:start + BATCH])
        times.append(time.perf_counter() - t0)
    return {"samples_per_s": len(x) / statistics.median(times), "passes": passes,
            "median_pass_s": statistics.median(times)}


def concurrency(predict_one, rows, reference, calls_per_thread=4000, threads=8, rounds=3):
    """Aggregate single-sample calls/s of `threads` threads against one thread. The two are
    timed in alternation `rounds` times and the best of each kept: on a machine shared with
    other work, a moment when the second core is busy elsewhere would otherwise decide."""
    def serve(k, calls, errors):
        for i in range(calls):
            r = (k * 7919 + i) % len(rows)
            if not np.array_equal(predict_one(rows[r]), reference[r]):
                errors.append(r)

    def rate(n):
        pool = [threading.Thread(target=serve, args=(k, calls_per_thread, errors))
                for k in range(n)]
        t0 = time.perf_counter()
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        return n * calls_per_thread / (time.perf_counter() - t0)

    errors, ones, manys = [], [], []
    for _ in range(rounds):
        ones.append(rate(1))
        manys.append(rate(threads))
    return {"threads": threads, "one_thread_calls_per_s": max(ones), "calls_per_s": max(manys),
            "scaling": max(manys) / max(ones), "wrong_results": len(errors),
            "all_one_thread": ones, "all_threads": manys}


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def memory_growth(fn, calls=100_000):
    for _ in range(1000):
        fn()
    before = rss_kib()
    for _ in range(calls):
        fn()
    return {"calls": calls, "rss_before_kib": before, "rss_growth_kib": rss_kib() - before}


def densefit_engine(d, args):
    import densefit as keras

    model = _keras_w4(keras, d)
    x1, xs, big = _inputs(d)
    ref = model.predict(xs, verbose=0)
    return {
        "p1": {"predict_on_batch": latency_us(lambda: model.predict_on_batch(x1), args.calls),
               "model(x)": latency_us(lambda: model(x1), args.calls),
               "predict(verbose=0)": latency_us(lambda: model.predict(x1, verbose=0), args.calls)},
        "p2": {"predict_on_batch": throughput(model.predict_on_batch, big)},
        "threads": concurrency(lambda r: model.predict_on_batch(r[None]), xs, ref[:, None]),
        "memory": memory_growth(lambda: model.predict_on_batch(x1)),
        "version": keras.__version__,
    }


def ort_engine(d, args):
    import onnxruntime as ort

    x1, xs, big = _inputs(d)
    result = {"version": ort.__version__, "p1": {}, "p2": {}}
    best = None
    # Default session options (the intra-op pool sized to the cores), and one thread: both
    # are timed and the faster one is the anchor.
    for label, threads in (("default", None), ("1 intra-op thread", 1)):
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        session = ort.InferenceSession(os.path.join(d, "w4.onnx"), options,
                                       providers=["CPUExecutionProvider"])
        run = lambda x, s=session: s.run(None, {"input": x})[0]  # noqa: E731
        result["p1"][f"run ({label})"] = latency_us(lambda: run(x1), args.calls)
        result["p2"][f"run ({label})"] = throughput(run, big)
        if threads == 1:
            best = run
    ref = best(xs)
    result["threads"] = concurrency(lambda r: best(r[None]), xs, ref[:, None])
    result["memory"] = memory_growth(lambda: best(x1))
    return result


def torch_engine(d, args):
    import torch

    torch.set_num_threads(args.threads)
    w = np.load(os.path.join(d, "w4.npz"))
    layers = []
    for i, act in ((0, torch.nn.ReLU()), (2, torch.nn.ReLU()), (4, torch.nn.Softmax(dim=-1))):
        lin = torch.nn.Linear(*w[f"arr_{i}"].shape)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(w[f"arr_{i}"].T.copy()))
            lin.bias.copy_(torch.from_numpy(w[f"arr_{i + 1}"]))
        layers += [lin, act]
    model = torch.nn.Sequential(*layers).eval()
    x1, xs, big = _inputs(d)

    def run(x):
        with torch.inference_mode():
            return model(torch.from_numpy(x)).numpy()

    return {"p1": {"inference_mode": latency_us(lambda: run(x1), args.calls)},
            "p2": {"inference_mode": throughput(run, big)}, "version": torch.__version__}


def keras_engine(d, args):
    os.environ["KERAS_BACKEND"] = "jax"
    import keras

    model = _keras_w4(keras, d)
    x1, xs, big = _inputs(d)
    calls = min(args.calls, 10_000)
    return {"p1": {"predict_on_batch": latency_us(lambda: model.predict_on_batch(x1), calls)},
            "p2": {"predict(batch_size=1024)":
                   throughput(lambda x: model.predict(x, batch_size=BATCH, verbose=0), big, 3)},
            "version": keras.__version__, "backend": "jax"}


def _keras_w4(keras, d):
    """The served network (784 -> 256 relu -> 256 relu -> 10 softmax) in a Keras-API module
    (densefit or Keras), with the weights saved in `d`."""
    weights = np.load(os.path.join(d, "w4.npz"))
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(256, activation="relu"),
                              keras.layers.Dense(256, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.set_weights([weights[f"arr_{i}"] for i in range(6)])
    return model


def _inputs(d):
    x = np.load(os.path.join(d, "x.npy"))
    return x[:1].copy(), x[:256].copy(), x


ENGINES = {"densefit": densefit_engine, "ort": ort_engine, "torch": torch_engine,
           "keras-jax": keras_engine}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", required=True, choices=sorted(ENGINES))
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    result = ENGINES[args.engine](args.model_dir, args)
    result["engine"] = args.engine
    print(RESULT_MARKER + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
