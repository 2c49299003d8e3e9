"""GPU benchmark: densefit's CUDA backend against PyTorch CUDA eager on the same workloads.

    DENSEFIT_CORE_DIR=build/cuda PYTHONPATH=python python -m bench.gpu [--quick] [--out FILE]

Prints and writes (JSON, bench/results/ by default) per workload: seconds per epoch for
densefit (device "cuda") and for a plain PyTorch loop on the same GPU (torch.nn.Sequential,
Adam, torch.randperm batching, TF32 off, synchronized timing), and their ratio;
W5's achieved FLOP/s against the device's fp32 GEMM ceiling (torch.matmul, 8192^3, TF32 off);
and samples/s of a width-64, 4-hidden-layer MLP at batch 2^18. The issue's targets: W4 >= 20x
PyTorch eager per epoch, W5 >= 70% of the fp32 GEMM ceiling. Skips with a message (exit 0)
when there is no CUDA device.
"""

import argparse
import json
import os
import platform
import sys
import time

import numpy as np

from bench.workloads import INIT_SEED, WORKLOADS, make_data


def _median_epoch_seconds(run_epoch, epochs):
    run_epoch()  # warm-up: uploads, graph capture, cuBLAS/JIT heuristics
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        run_epoch()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def densefit_epoch(workload, x, y, batch_size=None):
    import densefit as keras
    from densefit import config

    config.set_device("cuda")
    keras.utils.set_random_seed(INIT_SEED)
    layers = [keras.Input((workload.input_dim,))]
    layers += [keras.layers.Dense(u, activation="relu") for u in workload.hidden]
    layers.append(keras.layers.Dense(workload.outputs, activation=workload.output_activation))
    model = keras.Sequential(layers)
    model.compile("adam", workload.loss)
    x = x.reshape(len(x), -1)
    bs = batch_size or workload.batch_size
    return lambda: model.fit(x, y, batch_size=bs, epochs=1, verbose=0)


def torch_epoch(torch, workload, x_np, y_np, batch_size=None):
    torch.manual_seed(INIT_SEED)
    dev = torch.device("cuda")
    layers, fan_in = [], workload.input_dim
    for units in workload.hidden:
        layers += [torch.nn.Linear(fan_in, units), torch.nn.ReLU()]
        fan_in = units
    layers.append(torch.nn.Linear(fan_in, workload.outputs))
    model = torch.nn.Sequential(*layers).to(dev)
    loss_fn = {"binary": torch.nn.BCEWithLogitsLoss, "multiclass": torch.nn.CrossEntropyLoss,
               "regression": torch.nn.MSELoss}[workload.task]()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    n = len(x_np)
    x = torch.from_numpy(x_np.reshape(n, -1)).to(dev)
    y = torch.from_numpy(y_np).to(dev)
    if workload.task == "multiclass":
        y = y.long()
    bs = batch_size or workload.batch_size

    def epoch():
        perm = torch.randperm(n, device=dev)
        for i in range(0, n, bs):
            idx = perm[i:i + bs]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        torch.cuda.synchronize()

    return epoch


def gemm_ceiling(torch, size=8192, reps=20):
    a = torch.randn(size, size, device="cuda")
    b = torch.randn(size, size, device="cuda")
    torch.matmul(a, b)
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(reps):
        torch.matmul(a, b)
    torch.cuda.synchronize()
    return 2 * size ** 3 * reps / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples and epochs")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--out", default=None, help="JSON file (default bench/results/...)")
    args = parser.parse_args()

    from densefit import _cuda_loader

    why = _cuda_loader.unavailable_reason(0)
    if why:
        print(f"bench.gpu: skipped ({why})")
        return 0
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None and torch.cuda.is_available():
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    else:
        torch = None
    epochs = args.epochs or (2 if args.quick else 5)
    report = {"machine": platform.node(), "python": sys.version.split()[0],
              "device": torch.cuda.get_device_name(0) if torch else "cuda:0", "rows": []}

    cases = [("W4", None, None), ("W5", None, None),
             # width 64, 4 hidden layers, batch 2^18 (regression; 2^20 samples, 4 steps/epoch)
             ("MLP64x4", None, 1 << 18)]
    for name, _, batch in cases:
        if name == "MLP64x4":
            base = WORKLOADS["W3"]
            from dataclasses import replace

            workload = replace(base, name=name, title="64 -> 4 x 64 relu -> 1, batch 2^18",
                               input_shape=(64,), hidden=(64, 64, 64, 64),
                               samples=1 << 20, quick_samples=1 << 19, batch_size=1 << 18)
        else:
            workload = WORKLOADS[name]
        x, y = make_data(workload, args.quick)
        row = {"workload": name, "samples": len(x), "batch_size": batch or workload.batch_size}
        row["densefit_s"] = _median_epoch_seconds(densefit_epoch(workload, x, y, batch), epochs)
        row["samples_per_s"] = len(x) / row["densefit_s"]
        if torch is not None:
            row["torch_eager_s"] = _median_epoch_seconds(torch_epoch(torch, workload, x, y, batch), epochs)
            row["speedup_vs_torch"] = row["torch_eager_s"] / row["densefit_s"]
        if name == "W5" and torch is not None:
            ceiling = gemm_ceiling(torch)
            achieved = workload.train_flops_per_epoch(len(x)) / row["densefit_s"]
            row.update(gemm_ceiling_flops=ceiling, achieved_flops=achieved,
                       fraction_of_ceiling=achieved / ceiling)
        report["rows"].append(row)
        print(json.dumps(row))

    out = args.out or os.path.join("bench", "results",
                                   time.strftime("%Y-%m-%d") + "-gpu.json")
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "w") as f:
        json.dump(report, f, indent=2)
    print(f"bench.gpu: wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
