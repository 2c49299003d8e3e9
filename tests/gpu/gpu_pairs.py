"""Builds the same native network on the CPU (_core) and the GPU (_cuda) with identical
weights, and runs both, so each GPU test is a direct comparison with the CPU backend."""

import numpy as np

from densefit._native import core
from densefit import _cuda_loader


def make_pair(input_dim, layers, seed=7, loss=None, optimizer=None, metrics=()):
    cpu = core.Network(input_dim, layers, seed)
    gpu = _cuda_loader.cuda_module().Network(input_dim, layers, seed, 0)
    rng = np.random.default_rng(seed)
    cpu.params[:] = rng.uniform(-0.5, 0.5, cpu.num_params).astype(np.float32)
    gpu.params[:] = cpu.params
    loss = loss or {"name": "mse"}
    optimizer = optimizer or {"name": "sgd", "learning_rate": 0.01}
    for net in (cpu, gpu):
        net.compile(loss, optimizer, [dict(m) for m in metrics])
    return cpu, gpu


def data(rows, input_dim, target_dim, seed=3, classes=None):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, input_dim), dtype=np.float32)
    if classes:
        y = rng.integers(0, classes, (rows, 1)).astype(np.float32)
    else:
        y = rng.uniform(0.05, 0.95, (rows, target_dim)).astype(np.float32)
    return x, y


def train_both(cpu, gpu, x, y, batch_size, batches, order=None, sw=None):
    for net in (cpu, gpu):
        net.reset_results()
        net.train_run(x, y, sw, order, 0, batch_size, batches, y.shape[1])
    return np.array(cpu.results()), np.array(gpu.results())
