"""Parity of densefit's optimizers and learning-rate schedules with real Keras 3 (JAX backend).

Each case builds the Keras optimizer, applies one gradient sequence to a few `keras.Variable`s
(a 2-D kernel, a bias, a one-element variable) with `optimizer.apply`, and runs densefit's
optimizer -- configured from the Keras optimizer's own `get_config()` -- on the same values laid
out in one arena, with a frozen segment in between that must not move. Every optimizer is run
with every common option (clipping, weight decay, EMA, loss scaling, a schedule). Gradient
accumulation is checked on the optimizers whose rule reads the step count or carries extra
state (Keras's eager path compiles a lax.cond per call there, so those cases run Keras under
jax.jit through `stateless_apply`, as model.fit does). Schedules are also compared on their
own at steps 0..N.

densefit follows XLA's float32 arithmetic operation by operation, so on CPU the results are
usually bit-equal; the tolerance (rtol 1e-5) leaves room for other backends and devices.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

keras = pytest.importorskip("keras")

pytestmark = pytest.mark.parity

# (shape, trainable) of the variables, in arena order.
LAYOUT = [((4, 3), True), ((3,), True), ((5,), False), ((1,), True)]
STEPS = 5

OPTIMIZERS = {
    "sgd": ("SGD", {"learning_rate": 0.1}),
    "sgd_momentum": ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    "sgd_nesterov": ("SGD", {"learning_rate": 0.1, "momentum": 0.8, "nesterov": True}),
    "adam": ("Adam", {"learning_rate": 0.01}),
    "adam_amsgrad": ("Adam", {"learning_rate": 0.01, "amsgrad": True, "beta_2": 0.9}),
    "adamw": ("AdamW", {"learning_rate": 0.01, "weight_decay": 0.1}),
    "rmsprop": ("RMSprop", {"learning_rate": 0.01}),
    "rmsprop_momentum_centered": (
        "RMSprop",
        {"learning_rate": 0.01, "momentum": 0.5, "centered": True, "rho": 0.8},
    ),
    "adagrad": ("Adagrad", {"learning_rate": 0.1}),
    "adadelta": ("Adadelta", {"learning_rate": 1.0}),
    "adamax": ("Adamax", {"learning_rate": 0.01}),
    "nadam": ("Nadam", {"learning_rate": 0.01}),
    "lion": ("Lion", {"learning_rate": 0.01}),
    "ftrl": ("Ftrl", {"learning_rate": 0.1}),
    "ftrl_regularized": (
        "Ftrl",
        {
            "learning_rate": 0.1,
            "learning_rate_power": -0.6,
            "l1_regularization_strength": 0.01,
            "l2_regularization_strength": 0.1,
            "l2_shrinkage_regularization_strength": 0.05,
            "beta": 0.2,
        },
    ),
}

EXPONENTIAL = {
    "class_name": "ExponentialDecay",
    "config": {"initial_learning_rate": 0.05, "decay_steps": 2, "decay_rate": 0.5},
}

OPTIONS = {
    "defaults": {},
    "clipnorm": {"clipnorm": 0.5},
    "clipvalue": {"clipvalue": 0.3},
    "global_clipnorm": {"global_clipnorm": 0.7},
    "weight_decay": {"weight_decay": 0.05},
    "ema": {"use_ema": True, "ema_momentum": 0.8},
    "ema_overwrite": {"use_ema": True, "ema_momentum": 0.7, "ema_overwrite_frequency": 2},
    "loss_scale": {"loss_scale_factor": 3.0},
    "schedule": {"learning_rate": EXPONENTIAL},
}

# Accumulating over 3 calls divides by 3 (not a power of two: XLA's reciprocal shows), and
# the schedule and EMA see Keras's two different step counters.
ACCUMULATION = {
    "gradient_accumulation_steps": 3,
    "use_ema": True,
    "ema_overwrite_frequency": 2,
    "learning_rate": EXPONENTIAL,
}
ACCUMULATION_OPTIMIZERS = ["sgd_momentum", "adam", "adamax", "nadam"]

SCHEDULES = {
    "exponential": ("ExponentialDecay", dict(initial_learning_rate=0.1, decay_steps=7,
                                             decay_rate=0.9)),
    "exponential_staircase": ("ExponentialDecay", dict(initial_learning_rate=0.1, decay_steps=7,
                                                       decay_rate=0.5, staircase=True)),
    "piecewise": ("PiecewiseConstantDecay", dict(boundaries=[5, 12, 30],
                                                 values=[0.1, 0.05, 0.01, 0.001])),
    # Keras casts the boundaries to the step's integer dtype: 2.5 acts as 2.
    "piecewise_float_boundaries": ("PiecewiseConstantDecay", dict(boundaries=[2.5, 7.9],
                                                                  values=[0.3, 0.2, 0.1])),
    "polynomial": ("PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=20,
                                           end_learning_rate=0.01, power=2.0)),
    # decay_steps a power of two: jitted Keras computes step / decay_steps as
    # step * (1 / decay_steps), so at step = k * 15 its ceil() can give k + 1; densefit (and
    # eager Keras) give k.
    "polynomial_cycle": ("PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=16,
                                                 power=0.5, cycle=True)),
    "inverse_time": ("InverseTimeDecay", dict(initial_learning_rate=0.1, decay_steps=5,
                                              decay_rate=0.5)),
    "inverse_time_staircase": ("InverseTimeDecay", dict(initial_learning_rate=0.1,
                                                        decay_steps=5, decay_rate=0.5,
                                                        staircase=True)),
    "cosine": ("CosineDecay", dict(initial_learning_rate=0.1, decay_steps=40, alpha=0.1)),
    "cosine_warmup": ("CosineDecay", dict(initial_learning_rate=0.0, decay_steps=30,
                                          warmup_target=0.2, warmup_steps=10)),
    "cosine_restarts": ("CosineDecayRestarts", dict(initial_learning_rate=0.1,
                                                    first_decay_steps=10, alpha=0.05)),
    "cosine_restarts_geometric": ("CosineDecayRestarts", dict(initial_learning_rate=0.1,
                                                              first_decay_steps=8, t_mul=1.5,
                                                              m_mul=0.8)),
    "cosine_restarts_constant_period": ("CosineDecayRestarts",
                                        dict(initial_learning_rate=0.1, first_decay_steps=6,
                                             t_mul=1.0, m_mul=0.5)),
}


def segments():
    out, offset = [], 0
    for shape, trainable in LAYOUT:
        size = int(np.prod(shape))
        out.append((offset, size, trainable))
        offset += size
    return out, offset


def keras_optimizer(class_name, kwargs):
    kwargs = dict(kwargs)
    if isinstance(kwargs.get("learning_rate"), dict):
        kwargs["learning_rate"] = keras.optimizers.schedules.deserialize(kwargs["learning_rate"])
    return getattr(keras.optimizers, class_name)(**kwargs)


def run_both(core, class_name, kwargs, steps=STEPS, seed=0, jit=False):
    """Apply the same gradients with Keras and densefit; return both arenas and optimizers."""
    rng = np.random.default_rng(seed)
    segs, n = segments()
    params = rng.standard_normal(n).astype(np.float32)
    grads = [rng.standard_normal(n).astype(np.float32) for _ in range(steps)]

    kopt = keras_optimizer(class_name, kwargs)
    trainable = [(o, s, shape) for (o, s, t), (shape, _) in zip(segs, LAYOUT) if t]
    kvars = [keras.Variable(params[o:o + s].reshape(shape)) for o, s, shape in trainable]
    kgrads = [[g[o:o + s].reshape(shape) for o, s, shape in trainable] for g in grads]
    if jit:
        import jax

        kopt.build(kvars)
        step = jax.jit(kopt.stateless_apply)
        opt_values, values = [v.value for v in kopt.variables], [v.value for v in kvars]
        for g in kgrads:
            values, opt_values = step(opt_values, g, values)
        for var, value in zip(kvars, values):
            var.assign(value)
        for var, value in zip(kopt.variables, opt_values):
            var.assign(value)
    else:
        for g in kgrads:
            kopt.apply(g, kvars)

    dopt = core.Optimizer(kopt.get_config())
    p = params.copy()
    slots = dopt.init_slots(p)
    for g in grads:
        dopt.apply(p, g.copy(), slots, segs)

    expected = params.copy()
    for (o, s, _), v in zip(trainable, kvars):
        expected[o:o + s] = np.asarray(v.value).ravel()
    return p, expected, slots, dopt, kopt, kvars, trainable


def check(core, class_name, kwargs, steps=STEPS, jit=False):
    p, expected, slots, dopt, kopt, kvars, trainable = run_both(
        core, class_name, kwargs, steps, jit=jit)

    np.testing.assert_allclose(p, expected, rtol=1e-5, atol=1e-7)
    assert dopt.iterations == int(kopt.iterations)
    assert dopt.apply_count == int(kopt._iterations)
    np.testing.assert_allclose(dopt.learning_rate, float(kopt.learning_rate), rtol=1e-6)

    if kwargs.get("use_ema"):
        kopt.finalize_variable_values(kvars)
        dopt.finalize(p, slots)
        for (o, s, _), v in zip(trainable, kvars):
            expected[o:o + s] = np.asarray(v.value).ravel()
        np.testing.assert_allclose(p, expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("option", list(OPTIONS))
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_optimizer_matches_keras(core, optimizer, option):
    class_name, kwargs = OPTIMIZERS[optimizer]
    check(core, class_name, {**kwargs, **OPTIONS[option]})


@pytest.mark.parametrize("optimizer", ACCUMULATION_OPTIMIZERS)
def test_gradient_accumulation_matches_keras(core, optimizer):
    class_name, kwargs = OPTIMIZERS[optimizer]
    check(core, class_name, {**kwargs, **ACCUMULATION}, steps=8, jit=True)


def test_weight_decay_exclusion_matches_keras(core):
    """exclude_from_weight_decay(var_list=[bias]) <-> the segment's use_weight_decay=False."""
    rng = np.random.default_rng(7)
    kernel, bias = rng.standard_normal(6).astype(np.float32), rng.standard_normal(3).astype(
        np.float32)
    grads = [rng.standard_normal(9).astype(np.float32) for _ in range(3)]
    kopt = keras.optimizers.AdamW(learning_rate=0.05, weight_decay=0.2)
    kvars = [keras.Variable(kernel), keras.Variable(bias)]
    kopt.exclude_from_weight_decay(var_list=[kvars[1]])
    for g in grads:
        kopt.apply([g[:6], g[6:]], kvars)
    dopt = core.Optimizer(kopt.get_config())
    p = np.concatenate([kernel, bias])
    slots = dopt.init_slots(p)
    for g in grads:
        dopt.apply(p, g.copy(), slots, [(0, 6, True), (6, 3, True, False)])
    expected = np.concatenate([np.asarray(v.value) for v in kvars])
    np.testing.assert_allclose(p, expected, rtol=1e-5, atol=1e-7)


def test_serialized_optimizer_form(core):
    """keras.optimizers.serialize() output (class_name + config) configures the same thing."""
    kopt = keras.optimizers.RMSprop(learning_rate=0.01, momentum=0.3, clipnorm=1.0)
    a = core.Optimizer(keras.optimizers.serialize(kopt))
    b = core.Optimizer(kopt.get_config())
    rng = np.random.default_rng(3)
    p0 = rng.standard_normal(10).astype(np.float32)
    g = rng.standard_normal(10).astype(np.float32)
    pa, pb = p0.copy(), p0.copy()
    sa, sb = a.init_slots(pa), b.init_slots(pb)
    a.apply(pa, g.copy(), sa, [(0, 10, True)])
    b.apply(pb, g.copy(), sb, [(0, 10, True)])
    np.testing.assert_array_equal(pa, pb)


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_schedule_matches_keras(core, name):
    class_name, kwargs = SCHEDULES[name]
    import jax

    schedule = getattr(keras.optimizers.schedules, class_name)(**kwargs)
    serialized = keras.optimizers.schedules.serialize(schedule)
    at = jax.jit(schedule)  # eager CosineDecay* compile a lax.cond per call
    expected = [float(at(np.int32(step))) for step in range(80)]
    scale = max(abs(v) for v in expected)
    got = [core.schedule_learning_rate(serialized, step) for step in range(80)]
    # Keras computes in float32, densefit in double: where 1 + cos(x) cancels near the end of
    # a cosine, float32 keeps fewer digits than rtol, hence the absolute term.
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6 * scale)
