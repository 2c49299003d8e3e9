"""densefit's activations against real Keras 3 (JAX backend), forward and backward.

Backward is compared with jax.vjp of the Keras function, on inputs that include the kinks
(0, +-3, 6), so the subgradient conventions (relu'(0) = 0, leaky_relu'(0) = 1, ...) are
Keras's too.
"""

import math
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
jax = pytest.importorskip("jax")

pytestmark = pytest.mark.parity

NAN = float("nan")
acts = keras.activations

# (densefit name, alpha, the Keras call it must match)
CASES = [
    ("linear", NAN, acts.linear),
    (None, NAN, acts.get(None)),
    ("relu", NAN, acts.relu),
    ("sigmoid", NAN, acts.sigmoid),
    ("tanh", NAN, acts.tanh),
    ("softmax", NAN, acts.softmax),
    ("log_softmax", NAN, acts.log_softmax),
    ("gelu", NAN, acts.gelu),
    ("gelu_tanh", NAN, lambda x: acts.gelu(x, approximate=True)),
    ("elu", NAN, acts.elu),
    ("elu", 0.5, lambda x: acts.elu(x, alpha=0.5)),
    ("selu", NAN, acts.selu),
    ("softplus", NAN, acts.softplus),
    ("softsign", NAN, acts.softsign),
    ("silu", NAN, acts.silu),
    ("swish", NAN, acts.get("swish")),
    ("leaky_relu", NAN, acts.leaky_relu),
    ("leaky_relu", 0.01, lambda x: acts.leaky_relu(x, negative_slope=0.01)),
    ("relu6", NAN, acts.relu6),
    ("hard_sigmoid", NAN, acts.hard_sigmoid),
    ("hard_silu", NAN, acts.hard_silu),
    ("hard_swish", NAN, acts.get("hard_swish")),
    ("exponential", NAN, acts.exponential),
    ("mish", NAN, acts.mish),
]


def case_id(case):
    name, alpha, _ = case
    return f"{name}" if math.isnan(alpha) else f"{name}-{alpha:g}"


cases = pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])


def inputs():
    rng = np.random.default_rng(0)
    z = rng.normal(scale=3.0, size=(6, 12))
    z[0] = [-30.0, -6.0, -3.0, -1e-3, 0.0, 1e-3, 3.0, 6.0, 9.0, 20.0, 30.0, 80.0]  # kinks
    z[1] = rng.uniform(-60.0, 60.0, size=12)
    da = rng.normal(size=z.shape)
    return z.astype(np.float32), da.astype(np.float32)


@pytest.fixture(scope="module")
def keras_results():
    """{case id: (f(z), vjp(da))} from Keras, all cases in one jitted call: op-by-op JAX
    dispatch would compile every primitive separately and take seconds per case."""
    z, da = inputs()

    def all_cases(z, da):
        out = {}
        for case in CASES:
            y, vjp = jax.vjp(case[2], z)
            out[case_id(case)] = (y, vjp(da)[0])
        return out

    results = jax.jit(all_cases)(z, da)
    return {k: (np.asarray(y), np.asarray(g)) for k, (y, g) in results.items()}


def test_names_are_keras_names(core):
    assert set(core.activation_names()) <= {case[0] for case in CASES}
    for name in core.activation_names():
        keras_name = "gelu" if name == "gelu_tanh" else name
        assert acts.get(keras_name) is not None


@cases
def test_forward_matches_keras(core, keras_results, case):
    name, alpha, _ = case
    z, _ = inputs()
    expected, _ = keras_results[case_id(case)]
    np.testing.assert_allclose(core.activation_forward(name, z, alpha), expected,
                               rtol=1e-5, atol=1e-6)


@cases
def test_backward_matches_jax_vjp(core, keras_results, case):
    name, alpha, _ = case
    z, da = inputs()
    _, expected = keras_results[case_id(case)]
    a = core.activation_forward(name, z, alpha)
    np.testing.assert_allclose(core.activation_backward(name, z, a, da, alpha), expected,
                               rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_layer_over_time_steps_acts_per_step(name):
    # A softmax Activation on (n, t, f) samples with no Dense before it ran over all t*f
    # values of a sample (one native row per sample), silently; Keras normalizes each step.
    import densefit

    x = np.random.default_rng(2).standard_normal((4, 3, 5)).astype(np.float32)
    ours, theirs = (lib.Sequential([lib.Input((3, 5)), lib.layers.Activation(name)])
                    for lib in (densefit, keras))
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
