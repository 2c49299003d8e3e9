"""Every op of the CUDA backend against the CPU backend: a small network trained a few steps
on both, compared parameter by parameter (float32 tolerance; GPU libm differs from the
CPU's polynomials by an ulp or two)."""

import numpy as np
import pytest

from gpu_pairs import data, make_pair, train_both

ACTIVATIONS = ["linear", "relu", "sigmoid", "tanh", "softmax", "log_softmax", "gelu", "gelu_tanh",
               "elu", "selu", "softplus", "softsign", "silu", "leaky_relu", "relu6",
               "hard_sigmoid", "hard_silu", "exponential", "mish"]
LOSSES = ["mse", "mae", "mape", "msle", "huber", "log_cosh", "hinge", "squared_hinge",
          "categorical_hinge", "kl_divergence", "poisson", "cosine_similarity",
          "binary_crossentropy", "binary_focal_crossentropy", "categorical_crossentropy"]
OPTIMIZERS = [{"name": "sgd", "learning_rate": 0.05},
              {"name": "sgd", "learning_rate": 0.05, "momentum": 0.9, "nesterov": True},
              {"name": "adam", "learning_rate": 0.01},
              {"name": "adam", "learning_rate": 0.01, "amsgrad": True},
              {"name": "adamw", "learning_rate": 0.01, "weight_decay": 0.004},
              {"name": "rmsprop", "learning_rate": 0.01, "momentum": 0.5, "centered": True},
              {"name": "adagrad", "learning_rate": 0.05},
              {"name": "adadelta", "learning_rate": 1.0},
              {"name": "adamax", "learning_rate": 0.01},
              {"name": "nadam", "learning_rate": 0.01},
              {"name": "lion", "learning_rate": 0.001},
              {"name": "ftrl", "learning_rate": 0.05},
              {"name": "adam", "learning_rate": 0.01, "clipnorm": 0.1},
              {"name": "adam", "learning_rate": 0.01, "global_clipnorm": 0.1},
              {"name": "adam", "learning_rate": 0.01, "clipvalue": 0.01},
              {"name": "adam", "learning_rate": 0.01, "use_ema": True, "ema_overwrite_frequency": 3},
              {"name": "sgd", "learning_rate": 0.05, "gradient_accumulation_steps": 2}]


def assert_close(cpu, gpu, what):
    np.testing.assert_allclose(gpu.params, cpu.params, rtol=1e-4, atol=1e-5, err_msg=what)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_activation_matches_cpu(activation):
    layers = [{"kind": "dense", "units": 16, "activation": activation},
              {"kind": "dense", "units": 3}]
    cpu, gpu = make_pair(8, layers)
    x, y = data(64, 8, 3)
    loss_cpu, loss_gpu = train_both(cpu, gpu, x, y, 16, 4)
    np.testing.assert_allclose(loss_gpu, loss_cpu, rtol=1e-5)
    assert_close(cpu, gpu, activation)


@pytest.mark.parametrize("loss", LOSSES)
def test_loss_matches_cpu(loss):
    layers = [{"kind": "dense", "units": 16, "activation": "tanh"},
              {"kind": "dense", "units": 4, "activation": "softmax"}]
    cpu, gpu = make_pair(8, layers, loss={"name": loss})
    x, y = data(64, 8, 4)
    loss_cpu, loss_gpu = train_both(cpu, gpu, x, y, 16, 4)
    np.testing.assert_allclose(loss_gpu, loss_cpu, rtol=1e-5)
    assert_close(cpu, gpu, loss)


@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_crossentropy_with_ignore_class_matches_cpu(from_logits):
    layers = [{"kind": "dense", "units": 5, "activation": "linear" if from_logits else "softmax"}]
    loss = {"name": "sparse_categorical_crossentropy", "from_logits": from_logits,
            "ignore_class": 2}
    cpu, gpu = make_pair(6, layers, loss=loss)
    x, y = data(50, 6, 1, classes=5)
    loss_cpu, loss_gpu = train_both(cpu, gpu, x, y, 16, 4)  # ragged last batch of 2
    np.testing.assert_allclose(loss_gpu, loss_cpu, rtol=1e-5)
    assert_close(cpu, gpu, "scce")


@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=lambda o: "-".join(map(str, o.values())))
def test_optimizer_matches_cpu(optimizer):
    layers = [{"kind": "dense", "units": 12, "activation": "relu"}, {"kind": "dense", "units": 2}]
    cpu, gpu = make_pair(5, layers, optimizer=optimizer)
    x, y = data(96, 5, 2)
    train_both(cpu, gpu, x, y, 16, 6)
    assert_close(cpu, gpu, str(optimizer))
    np.testing.assert_allclose(gpu.optimizer_slots, cpu.optimizer_slots, rtol=1e-4, atol=1e-6)
    assert gpu.iterations == cpu.iterations


def test_dropout_uses_the_cpu_counters():
    layers = [{"kind": "dense", "units": 32, "activation": "relu"},
              {"kind": "dropout", "rate": 0.4},
              {"kind": "dense", "units": 1}]
    cpu, gpu = make_pair(8, layers)
    x, y = data(64, 8, 1)
    train_both(cpu, gpu, x, y, 16, 4)
    assert gpu.steps_taken == cpu.steps_taken == 4
    assert_close(cpu, gpu, "dropout masks differ")


def test_regularizers_and_constraints_match_cpu():
    layers = [{"kind": "dense", "units": 16, "activation": "relu",
               "kernel_regularizer": {"l1": 0.01, "l2": 0.02},
               "bias_regularizer": {"l1": 0.0, "l2": 0.05},
               "activity_regularizer": {"l1": 0.001, "l2": 0.0},
               "kernel_constraint": {"kind": "max_norm", "max_value": 0.5}},
              {"kind": "dense", "units": 2,
               "kernel_constraint": {"kind": "unit_norm", "axis": 1},
               "bias_constraint": {"kind": "non_neg"}}]
    cpu, gpu = make_pair(6, layers)
    x, y = data(48, 6, 2)
    loss_cpu, loss_gpu = train_both(cpu, gpu, x, y, 16, 3)
    np.testing.assert_allclose(loss_gpu, loss_cpu, rtol=1e-5)
    assert_close(cpu, gpu, "regularizers/constraints")


def test_metrics_sample_weights_and_shuffle_order_match_cpu():
    layers = [{"kind": "dense", "units": 3, "activation": "softmax"}]
    metrics = [{"kind": "sparse_categorical_accuracy"},
               {"kind": "sparse_categorical_accuracy", "weighted": True}]
    cpu, gpu = make_pair(4, layers, loss={"name": "sparse_categorical_crossentropy"},
                         metrics=metrics)
    x, y = data(40, 4, 1, classes=3)
    sw = np.linspace(0.1, 2.0, 40).astype(np.float32)
    order = np.random.default_rng(0).permutation(40).astype(np.int64)
    r_cpu, r_gpu = train_both(cpu, gpu, x, y, 16, 3, order=order, sw=sw)
    np.testing.assert_allclose(r_gpu, r_cpu, rtol=1e-5)
    assert_close(cpu, gpu, "weighted/shuffled")


def test_evaluate_and_predict_match_cpu():
    layers = [{"kind": "dense", "units": 64, "activation": "gelu"}, {"kind": "dense", "units": 7}]
    cpu, gpu = make_pair(33, layers)
    x, y = data(300, 33, 7)
    out_cpu = np.empty((300, 7), np.float32)
    out_gpu = np.empty((300, 7), np.float32)
    cpu.predict_run(x, None, 0, 300, 128, out_cpu)
    gpu.predict_run(x, None, 0, 300, 128, out_gpu)
    np.testing.assert_allclose(out_gpu, out_cpu, rtol=1e-5, atol=1e-6)
    for net in (cpu, gpu):
        net.reset_results()
        net.evaluate_run(x, y, None, None, 0, 64, 5, 7)
    np.testing.assert_allclose(gpu.results(), cpu.results(), rtol=1e-5)


@pytest.mark.parametrize("shape", [(1, 1, 1), (7, 5, 3), (130, 70, 65), (4096, 64, 64), (100000, 8, 3)])
def test_gemm_shapes_including_split_k(shape):
    """Layer shapes that exercise edge tiles and the split-K weight gradient (large batch,
    small layer): one SGD step on both backends."""
    rows, n_in, n_out = shape
    cpu, gpu = make_pair(n_in, [{"kind": "dense", "units": n_out}])
    x, y = data(rows, n_in, n_out)
    train_both(cpu, gpu, x, y, rows, 1)
    np.testing.assert_allclose(gpu.params, cpu.params, rtol=1e-4, atol=1e-5)


def test_bad_input_raises_python_errors(cuda):
    with pytest.raises(ValueError):
        cuda.Network(0, [{"kind": "dense", "units": 2}], 1, 0)
    with pytest.raises(RuntimeError):
        cuda.Network(3, [{"kind": "dense", "units": 2}], 1, 99)  # no such device
    net = cuda.Network(3, [{"kind": "dense", "units": 2}], 1, 0)
    with pytest.raises(Exception):
        net.train_run(np.zeros((4, 3), np.float32), np.zeros((4, 2), np.float32), None, None,
                      0, 2, 2, 2)  # not compiled
