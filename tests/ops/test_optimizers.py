"""Op tests for the optimizers and learning-rate schedules, in the style of ggml's
test-backend-ops.

RULES holds a float64 NumPy reference of each optimizer's update rule, written from Keras's
documented formulas, and `Reference` a float64 reference of what Keras's `apply()` does around
it (loss-scale division, gradient accumulation, clipping, weight decay, EMA, the iteration
counters). Every optimizer in OPTIMIZERS is run with every option in OPTIONS for a few steps on
random params and gradients laid out in several segments (one frozen, one excluded from weight
decay, one of a single element) and compared with the reference. Adding an optimizer = adding
a rule and a row. Schedules are checked against float64 references at many steps.
"""

import math

import numpy as np
import pytest

# Keras's constructor defaults, which densefit must fill in for absent keys.
COMMON_DEFAULTS = dict(weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                       use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                       loss_scale_factor=None, gradient_accumulation_steps=None)
DEFAULTS = {
    "sgd": dict(learning_rate=0.01, momentum=0.0, nesterov=False),
    "adam": dict(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False),
    "adamw": dict(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
                  weight_decay=0.004),
    "rmsprop": dict(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False),
    "adagrad": dict(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7),
    "adadelta": dict(learning_rate=0.001, rho=0.95, epsilon=1e-7),
    "adamax": dict(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7),
    "nadam": dict(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7),
    "lion": dict(learning_rate=0.001, beta_1=0.9, beta_2=0.99),
    "ftrl": dict(learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0),
}


# ---- update rules: cfg -> (init(m) -> state, step(p, g, state, lr, t) -> new p) -----------
# p, g and the state hold the trainable elements only; t is Keras's iterations + 1.


def sgd(c):
    def step(p, g, s, lr, t):
        if c["momentum"] == 0:
            return p - lr * g
        s["m"] = c["momentum"] * s["m"] - lr * g
        return p + (c["momentum"] * s["m"] - lr * g if c["nesterov"] else s["m"])

    return lambda m: {"m": np.zeros(m)}, step


def adam(c):
    b1, b2, eps = c["beta_1"], c["beta_2"], c["epsilon"]

    def step(p, g, s, lr, t):
        s["m"] = b1 * s["m"] + (1 - b1) * g
        s["v"] = b2 * s["v"] + (1 - b2) * g * g
        v = s["v"]
        if c["amsgrad"]:
            s["v_hat"] = v = np.maximum(s["v_hat"], s["v"])
        alpha = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
        return p - alpha * s["m"] / (np.sqrt(v) + eps)

    return lambda m: {"m": np.zeros(m), "v": np.zeros(m), "v_hat": np.zeros(m)}, step


def rmsprop(c):
    rho, mom, eps = c["rho"], c["momentum"], c["epsilon"]

    def step(p, g, s, lr, t):
        s["v"] = rho * s["v"] + (1 - rho) * g * g
        if c["centered"]:
            s["a"] = rho * s["a"] + (1 - rho) * g
            denominator = s["v"] - s["a"] ** 2 + eps
        else:
            denominator = s["v"] + eps
        increment = lr * g / np.sqrt(denominator)
        if mom > 0:
            s["m"] = mom * s["m"] + increment
            return p - s["m"]
        return p - increment

    return lambda m: {"v": np.zeros(m), "a": np.zeros(m), "m": np.zeros(m)}, step


def adagrad(c):
    def step(p, g, s, lr, t):
        s["acc"] = s["acc"] + g * g
        return p - lr * g / np.sqrt(s["acc"] + c["epsilon"])

    return lambda m: {"acc": np.full(m, c["initial_accumulator_value"])}, step


def adadelta(c):
    rho, eps = c["rho"], c["epsilon"]

    def step(p, g, s, lr, t):
        s["g2"] = rho * s["g2"] + (1 - rho) * g * g
        delta = -np.sqrt(s["d2"] + eps) / np.sqrt(s["g2"] + eps) * g
        s["d2"] = rho * s["d2"] + (1 - rho) * delta * delta
        return p + lr * delta

    return lambda m: {"g2": np.zeros(m), "d2": np.zeros(m)}, step


def adamax(c):
    b1, b2, eps = c["beta_1"], c["beta_2"], c["epsilon"]

    def step(p, g, s, lr, t):
        s["m"] = b1 * s["m"] + (1 - b1) * g
        s["u"] = np.maximum(b2 * s["u"], np.abs(g))
        return p - lr * s["m"] / ((1 - b1**t) * (s["u"] + eps))

    return lambda m: {"m": np.zeros(m), "u": np.zeros(m)}, step


def nadam(c):
    b1, b2, eps = c["beta_1"], c["beta_2"], c["epsilon"]

    def u(t):  # Dozat's momentum schedule
        return b1 * (1 - 0.5 * 0.96**t)

    def step(p, g, s, lr, t):
        u_product = np.prod([u(k) for k in range(1, t + 1)])
        s["m"] = b1 * s["m"] + (1 - b1) * g
        s["v"] = b2 * s["v"] + (1 - b2) * g * g
        m_hat = u(t + 1) * s["m"] / (1 - u_product * u(t + 1)) + (1 - u(t)) * g / (1 - u_product)
        v_hat = s["v"] / (1 - b2**t)
        return p - lr * m_hat / (np.sqrt(v_hat) + eps)

    return lambda m: {"m": np.zeros(m), "v": np.zeros(m)}, step


def lion(c):
    b1, b2 = c["beta_1"], c["beta_2"]

    def step(p, g, s, lr, t):
        p = p - lr * np.sign(b1 * s["m"] + (1 - b1) * g)
        s["m"] = b2 * s["m"] + (1 - b2) * g
        return p

    return lambda m: {"m": np.zeros(m)}, step


def ftrl(c):
    power = -c["learning_rate_power"]
    l1 = c["l1_regularization_strength"]

    def step(p, g, s, lr, t):
        l2 = c["l2_regularization_strength"] + c["beta"] / (2 * lr)
        g_shrunk = g + 2 * c["l2_shrinkage_regularization_strength"] * p
        new_acc = s["acc"] + g * g
        s["lin"] = s["lin"] + g_shrunk - (new_acc**power - s["acc"] ** power) / lr * p
        quadratic = new_acc**power / lr + 2 * l2
        s["acc"] = new_acc
        return (np.clip(s["lin"], -l1, l1) - s["lin"]) / quadratic

    return lambda m: {"acc": np.full(m, c["initial_accumulator_value"]), "lin": np.zeros(m)}, step


RULES = dict(sgd=sgd, adam=adam, adamw=adam, rmsprop=rmsprop, adagrad=adagrad,
             adadelta=adadelta, adamax=adamax, nadam=nadam, lion=lion, ftrl=ftrl)


# ---- schedules, from Keras's documented formulas ------------------------------------------


def schedule_reference(d, step):
    if not isinstance(d, dict):
        return d
    c, kind = d["config"], d["class_name"]
    lr0 = c.get("initial_learning_rate")
    if kind == "ExponentialDecay":
        p = step / c["decay_steps"]
        return lr0 * c["decay_rate"] ** (math.floor(p) if c.get("staircase") else p)
    if kind == "InverseTimeDecay":
        p = step / c["decay_steps"]
        return lr0 / (1 + c["decay_rate"] * (math.floor(p) if c.get("staircase") else p))
    if kind == "PiecewiseConstantDecay":
        for boundary, value in zip(c["boundaries"], c["values"]):
            if step <= boundary:
                return value
        return c["values"][-1]
    if kind == "PolynomialDecay":
        end, steps = c.get("end_learning_rate", 1e-4), c["decay_steps"]
        if c.get("cycle"):
            steps = steps * max(1, math.ceil(step / steps))
        else:
            step = min(step, steps)
        return (lr0 - end) * (1 - step / steps) ** c.get("power", 1.0) + end
    if kind == "CosineDecay":
        alpha, steps = c.get("alpha", 0.0), c["decay_steps"]
        warmup, target = c.get("warmup_steps", 0), c.get("warmup_target")
        if target is not None and step < warmup:
            return lr0 + (target - lr0) * step / warmup
        start = lr0 if target is None else target
        step = min(step - (warmup if target is not None else 0), steps)
        return start * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * step / steps)) + alpha)
    if kind == "CosineDecayRestarts":
        t_mul, m_mul, alpha = c.get("t_mul", 2.0), c.get("m_mul", 1.0), c.get("alpha", 0.0)
        period, start, restart = c["first_decay_steps"], 0, 0
        while step >= start + period:  # walk the periods: step's own, and how many before
            start, period, restart = start + period, period * t_mul, restart + 1
        fraction = (step - start) / period
        return lr0 * m_mul**restart * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * fraction))
                                       + alpha)
    raise ValueError(kind)


# ---- Keras's apply() around a rule ---------------------------------------------------------


class Reference:
    """float64 Keras optimizer over the trainable elements of one arena."""

    def __init__(self, config, params, segments):
        name = config["name"]
        self.c = {**COMMON_DEFAULTS, **DEFAULTS[name], **config}
        self.params = params.astype(np.float64)
        trainable = [s for s in segments if s[2]]
        self.index = np.concatenate([np.arange(o, o + n) for o, n, *_ in trainable])
        bounds = np.cumsum([0] + [n for _, n, *_ in trainable])
        self.pieces = [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]
        decays = [s[3] if len(s) > 3 else True for s in trainable]
        self.decays = np.concatenate([np.full(s[1], d) for s, d in zip(trainable, decays)])
        init, self.rule = RULES[name](self.c)
        m = len(self.index)
        self.state, self.acc, self.ema = init(m), np.zeros(m), self.params[self.index].copy()
        self.count = 0  # Keras's optimizer._iterations

    @property
    def iterations(self):
        k = self.c["gradient_accumulation_steps"]
        return self.count // k if k else self.count

    def apply(self, grads):
        c = self.c
        g = grads[self.index].astype(np.float64)
        if c["loss_scale_factor"]:
            g = g / c["loss_scale_factor"]
        k = c["gradient_accumulation_steps"]
        if k and (self.count + 1) % k != 0:
            self.acc += g
        else:
            if k:
                g, self.acc = (g + self.acc) / k, np.zeros_like(self.acc)
            self.update(g)
        if c["use_ema"]:
            momentum = c["ema_momentum"] if self.iterations != 0 else 0.0
            p = self.params[self.index]
            self.ema = momentum * self.ema + (1 - momentum) * p
            every = c["ema_overwrite_frequency"]
            if every and (self.iterations + 1) % every == 0:
                self.params[self.index] = self.ema
        self.count += 1

    def update(self, g):
        c = self.c
        lr = schedule_reference(c["learning_rate"], self.count)
        if c["clipnorm"]:
            for piece in self.pieces:
                g[piece] *= c["clipnorm"] / max(np.linalg.norm(g[piece]), c["clipnorm"])
        elif c["global_clipnorm"]:
            g = g * min(1.0, c["global_clipnorm"] / np.linalg.norm(g))
        elif c["clipvalue"]:
            g = np.clip(g, -c["clipvalue"], c["clipvalue"])
        p = self.params[self.index]
        if c["weight_decay"] is not None:
            p = p - np.where(self.decays, p * c["weight_decay"] * lr, 0.0)
        self.params[self.index] = self.rule(p, g, self.state, lr, self.iterations + 1)

    def finalize(self):
        if self.c["use_ema"]:
            self.params[self.index] = self.ema


# ---- the table ----------------------------------------------------------------------------

OPTIMIZERS = {
    "sgd": {"name": "sgd"},
    "sgd_momentum": {"name": "sgd", "momentum": 0.9},
    "sgd_nesterov": {"name": "sgd", "momentum": 0.8, "nesterov": True},
    "adam": {"name": "adam", "learning_rate": 0.01},
    "adam_amsgrad": {"name": "adam", "learning_rate": 0.01, "amsgrad": True, "beta_2": 0.9},
    "adamw": {"name": "adamw", "learning_rate": 0.01},
    "rmsprop": {"name": "rmsprop"},
    "rmsprop_momentum_centered": {"name": "rmsprop", "momentum": 0.5, "centered": True,
                                  "rho": 0.8},
    "adagrad": {"name": "adagrad", "learning_rate": 0.1},
    "adadelta": {"name": "adadelta", "learning_rate": 1.0},
    "adamax": {"name": "adamax", "learning_rate": 0.01},
    "nadam": {"name": "nadam", "learning_rate": 0.01},
    "lion": {"name": "lion", "learning_rate": 0.01},
    "ftrl": {"name": "ftrl", "learning_rate": 0.1},
    "ftrl_regularized": {"name": "ftrl", "learning_rate": 0.1, "learning_rate_power": -0.6,
                         "l1_regularization_strength": 0.01,
                         "l2_regularization_strength": 0.1,
                         "l2_shrinkage_regularization_strength": 0.05, "beta": 0.2},
}

EXPONENTIAL = {"module": "keras.optimizers.schedules", "class_name": "ExponentialDecay",
               "config": {"initial_learning_rate": 0.05, "decay_steps": 2, "decay_rate": 0.5,
                          "staircase": False, "name": "ExponentialDecay"},
               "registered_name": None}

OPTIONS = {
    "defaults": {},
    "clipnorm": {"clipnorm": 0.5},
    "clipvalue": {"clipvalue": 0.3},
    "global_clipnorm": {"global_clipnorm": 0.7},
    "weight_decay": {"weight_decay": 0.05},
    "ema": {"use_ema": True, "ema_momentum": 0.8},
    "ema_overwrite": {"use_ema": True, "ema_momentum": 0.7, "ema_overwrite_frequency": 2},
    "accumulation": {"gradient_accumulation_steps": 3},
    "accumulation_ema_schedule": {"gradient_accumulation_steps": 2, "use_ema": True,
                                  "ema_overwrite_frequency": 2, "learning_rate": EXPONENTIAL},
    "loss_scale": {"loss_scale_factor": 4.0},
    "schedule": {"learning_rate": EXPONENTIAL},
}

# (offset, size, trainable, use_weight_decay): a kernel, a frozen kernel, a bias kept out of
# weight decay, a one-element variable (its divisions take another path), a bias.
SEGMENTS = [(0, 12, True), (12, 6, False), (18, 3, True, False), (21, 1, True), (22, 4, True)]
N = 26


def run(core, config, steps, seed=0):
    rng = np.random.default_rng(seed)
    params = rng.standard_normal(N).astype(np.float32)
    grads = [rng.standard_normal(N).astype(np.float32) for _ in range(steps)]
    opt = core.Optimizer(config)
    p = params.copy()
    slots = opt.init_slots(p)
    ref = Reference(config, params, SEGMENTS)
    for g in grads:
        opt.apply(p, g.copy(), slots, SEGMENTS)
        ref.apply(g)
    return opt, p, slots, ref, params


@pytest.mark.parametrize("option", list(OPTIONS))
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_matches_reference(core, optimizer, option):
    config = {**OPTIMIZERS[optimizer], **OPTIONS[option]}
    steps = 7 if "gradient_accumulation_steps" in config else 5
    opt, p, slots, ref, params = run(core, config, steps)

    np.testing.assert_allclose(p, ref.params, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(p[12:18], params[12:18])  # frozen
    assert opt.apply_count == ref.count == steps
    assert opt.iterations == ref.iterations
    expected_lr = schedule_reference(ref.c["learning_rate"], steps)
    assert opt.learning_rate == float(np.float32(expected_lr))

    opt.finalize(p, slots)
    ref.finalize()
    np.testing.assert_allclose(p, ref.params, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(p[12:18], params[12:18])


SCHEDULES = [
    ("ExponentialDecay", dict(initial_learning_rate=0.1, decay_steps=7, decay_rate=0.9)),
    ("ExponentialDecay", dict(initial_learning_rate=0.1, decay_steps=7, decay_rate=0.5,
                              staircase=True)),
    ("PiecewiseConstantDecay", dict(boundaries=[5, 12, 30], values=[0.1, 0.05, 0.01, 0.001])),
    ("PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=20, end_learning_rate=0.01,
                             power=2.0)),
    ("PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=15, power=0.5, cycle=True)),
    ("InverseTimeDecay", dict(initial_learning_rate=0.1, decay_steps=5, decay_rate=0.5)),
    ("InverseTimeDecay", dict(initial_learning_rate=0.1, decay_steps=5, decay_rate=0.5,
                              staircase=True)),
    ("CosineDecay", dict(initial_learning_rate=0.1, decay_steps=40, alpha=0.1)),
    ("CosineDecay", dict(initial_learning_rate=0.0, decay_steps=30, warmup_target=0.2,
                         warmup_steps=10)),
    ("CosineDecay", dict(initial_learning_rate=0.3, decay_steps=30, warmup_target=0.2,
                         warmup_steps=0)),
    ("CosineDecayRestarts", dict(initial_learning_rate=0.1, first_decay_steps=10, alpha=0.05)),
    ("CosineDecayRestarts", dict(initial_learning_rate=0.1, first_decay_steps=8, t_mul=1.5,
                                 m_mul=0.8)),
    ("CosineDecayRestarts", dict(initial_learning_rate=0.1, first_decay_steps=6, t_mul=1.0,
                                 m_mul=0.5)),
]


@pytest.mark.parametrize("class_name, config", SCHEDULES,
                         ids=[f"{c}-{i}" for i, (c, _) in enumerate(SCHEDULES)])
def test_schedule_matches_reference(core, class_name, config):
    schedule = {"class_name": class_name, "config": config}
    for step in range(300):
        expected = schedule_reference(schedule, step)
        got = core.schedule_learning_rate(schedule, step)
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-12), step


def test_schedule_of_a_float_is_constant(core):
    assert core.schedule_learning_rate(0.25, 1000) == 0.25


# ---- state, counters, learning rate -------------------------------------------------------


@pytest.mark.parametrize("config, count", [
    ({"name": "sgd"}, 0), ({"name": "sgd", "momentum": 0.5}, 1), ({"name": "adam"}, 2),
    ({"name": "adam", "amsgrad": True}, 3), ({"name": "rmsprop"}, 1),
    ({"name": "rmsprop", "momentum": 0.1, "centered": True}, 3), ({"name": "adagrad"}, 1),
    ({"name": "adadelta"}, 2), ({"name": "adamax"}, 2), ({"name": "nadam"}, 2),
    ({"name": "lion"}, 1), ({"name": "ftrl"}, 2),
    ({"name": "adam", "use_ema": True, "gradient_accumulation_steps": 4}, 4),
])
def test_slot_count(core, config, count):
    assert core.Optimizer(config).slot_count == count


def test_init_slots(core):
    p = np.arange(4, dtype=np.float32)
    opt = core.Optimizer({"name": "ftrl", "initial_accumulator_value": 0.5, "use_ema": True,
                          "gradient_accumulation_steps": 2})
    np.testing.assert_array_equal(opt.init_slots(p), [0.5] * 4 + [0] * 4 + [0] * 4 + [0, 1, 2, 3])
    opt = core.Optimizer({"name": "adagrad"})
    np.testing.assert_array_equal(opt.init_slots(p), np.float32([0.1] * 4))


def test_iterations_with_gradient_accumulation(core):
    opt = core.Optimizer({"name": "sgd", "gradient_accumulation_steps": 3})
    p = np.zeros(2, np.float32)
    slots = opt.init_slots(p)
    for _ in range(7):
        opt.apply(p, np.ones(2, np.float32), slots, [(0, 2, True)])
    assert (opt.apply_count, opt.iterations) == (7, 2)
    opt.iterations = 5
    assert (opt.apply_count, opt.iterations) == (15, 5)
    opt.apply_count = 4
    assert opt.iterations == 1


def test_restoring_state_resumes_the_same_trajectory(core):
    """Nadam keeps a running product that densefit derives from the step count."""
    config = {"name": "nadam", "learning_rate": 0.01}
    rng = np.random.default_rng(5)
    p0 = rng.standard_normal(8).astype(np.float32)
    grads = [rng.standard_normal(8).astype(np.float32) for _ in range(4)]
    a = core.Optimizer(config)
    pa = p0.copy()
    sa = a.init_slots(pa)
    for g in grads[:2]:
        a.apply(pa, g.copy(), sa, [(0, 8, True)])
    b = core.Optimizer(config)
    pb, sb = pa.copy(), sa.copy()
    b.iterations = a.iterations
    for g in grads[2:]:
        a.apply(pa, g.copy(), sa, [(0, 8, True)])
        b.apply(pb, g.copy(), sb, [(0, 8, True)])
    np.testing.assert_array_equal(pa, pb)


def test_learning_rate_property(core):
    opt = core.Optimizer({"name": "adam"})
    assert opt.learning_rate == float(np.float32(0.001))
    opt.learning_rate = 0.5
    assert opt.learning_rate == 0.5
    opt = core.Optimizer({"name": "sgd", "learning_rate": EXPONENTIAL})
    assert opt.learning_rate == float(np.float32(0.05))
    with pytest.raises(TypeError):
        opt.learning_rate = 0.1


def test_finalize_uses_given_segments(core):
    opt = core.Optimizer({"name": "sgd", "learning_rate": 1.0, "use_ema": True,
                          "ema_momentum": 0.5})
    p = np.zeros(4, np.float32)
    slots = opt.init_slots(p)
    opt.apply(p, np.ones(4, np.float32), slots, [(0, 4, True)])  # EMA = p = -1
    opt.apply(p, np.ones(4, np.float32), slots, [(0, 4, True)])  # p = -2, EMA = -1.5
    opt.finalize(p, slots, [(0, 2, True), (2, 2, False)])
    np.testing.assert_array_equal(p, [-1.5, -1.5, -2, -2])


@pytest.mark.parametrize("name", ["adam_1", "Adam", "adam_w", "AdamW", "rm_sprop", "RMSprop",
                                  "sgd_12"])
def test_keras_instance_names(core, name):
    core.Optimizer({"name": name})


def test_serialized_form(core):
    opt = core.Optimizer({"module": "keras.optimizers", "class_name": "SGD",
                          "config": {"name": "my_optimizer", "momentum": 0.5},
                          "registered_name": None})
    assert opt.slot_count == 1
    assert opt.learning_rate == float(np.float32(0.01))


# ---- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize("config", [
    {"name": "adagrad_plus"},
    {"learning_rate": 0.1},
    {"name": "adam", "momentum": 0.9},
    {"name": "adam", "clipnorm": 1.0, "clipvalue": 1.0},
    {"name": "adam", "gradient_accumulation_steps": 1},
    {"name": "adamw", "weight_decay": None},
    {"name": "adam", "use_ema": True, "ema_momentum": 1.5},
    {"name": "sgd", "momentum": 2.0},
    {"name": "lion", "beta_1": 0.0},
    {"name": "ftrl", "learning_rate_power": 0.5},
    {"name": "sgd", "learning_rate": "fast"},
    {"name": "sgd", "learning_rate": {"class_name": "ExponentialDecay",
                                      "config": {"initial_learning_rate": 0.1,
                                                 "decay_steps": 0, "decay_rate": 0.5}}},
    {"name": "sgd", "learning_rate": {"class_name": "PiecewiseConstantDecay",
                                      "config": {"boundaries": [1, 2], "values": [1.0]}}},
    {"name": "sgd", "learning_rate": {"class_name": "StepDecay", "config": {}}},
    {"name": "sgd", "learning_rate": {"class_name": "CosineDecay",
                                      "config": {"initial_learning_rate": 0.1}}},
])
def test_rejected_configs(core, config):
    with pytest.raises(ValueError):
        core.Optimizer(config)


def test_rejected_arrays(core):
    opt = core.Optimizer({"name": "adam"})
    p = np.zeros(6, np.float32)
    g = np.zeros(6, np.float32)
    s = opt.init_slots(p)
    segments = [(0, 6, True)]
    bad = [
        (p.astype(np.float64), g, s, segments),
        (p, g[:5], s, segments),
        (p, g, s[:-1], segments),
        (np.zeros(12, np.float32)[::2], g, s, segments),
        (p, g.reshape(2, 3), s, segments),
        (p, g, s, [(4, 3, True)]),
        (p, g, s, [(-1, 2, True)]),
        (p, g, s, [(0, 6)]),
    ]
    for args in bad:
        with pytest.raises(ValueError):
            opt.apply(*args)
    readonly = p.copy()
    readonly.flags.writeable = False
    with pytest.raises(ValueError):
        opt.apply(readonly, g, s, segments)
