"""Keras optimizers. Each is a descriptor (name + options); the update rule runs natively over
the model's parameter arena once the model is compiled."""

import textwrap

from densefit.optimizers import schedules
from densefit.optimizers.learning_rate import LearningRateVariable
from densefit.optimizers.schedules import LearningRateSchedule

_COMMON = {"weight_decay": None, "clipnorm": None, "clipvalue": None, "global_clipnorm": None,
           "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
           "loss_scale_factor": None, "gradient_accumulation_steps": None}
_ADAM = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}

# Keras class name -> (native name, its own options with Keras's defaults). learning_rate is
# always the first positional argument.
_TABLE = {
    "SGD": ("sgd", {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False}),
    "Adam": ("adam", {"learning_rate": 0.001, **_ADAM, "amsgrad": False}),
    "AdamW": ("adamw", {"learning_rate": 0.001, "weight_decay": 0.004, **_ADAM, "amsgrad": False}),
    "RMSprop": ("rmsprop", {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0,
                            "epsilon": 1e-7, "centered": False}),
    "Adagrad": ("adagrad", {"learning_rate": 0.001, "initial_accumulator_value": 0.1,
                            "epsilon": 1e-7}),
    "Adadelta": ("adadelta", {"learning_rate": 0.001, "rho": 0.95, "epsilon": 1e-7}),
    "Adamax": ("adamax", {"learning_rate": 0.001, **_ADAM}),
    "Nadam": ("nadam", {"learning_rate": 0.001, **_ADAM}),
    "Lion": ("lion", {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.99}),
    "Ftrl": ("ftrl", {"learning_rate": 0.001, "learning_rate_power": -0.5,
                      "initial_accumulator_value": 0.1, "l1_regularization_strength": 0.0,
                      "l2_regularization_strength": 0.0,
                      "l2_shrinkage_regularization_strength": 0.0, "beta": 0.0}),
}


class Optimizer:
    """Base class of densefit's optimizers (Keras's `keras.optimizers.Optimizer`).

    An optimizer is a descriptor: its name and options. Once `model.compile` binds it to a
    model, the update rule runs natively over the model's parameters; each step applies, in
    order, gradient accumulation, clipping, weight decay, the algorithm's rule and the EMA.
    Use a subclass (`SGD`, `Adam`, ...); each adds its own arguments to the ones below.

    Args:
        name: Optional string name. Defaults to `None`, i.e. the algorithm's name (`"adam"`).
        weight_decay: Float or `None`; if set, each step also applies decoupled decay,
            `w -= learning_rate * weight_decay * w`. Defaults to `None` (`0.004` in `AdamW`).
        clipnorm: Float or `None`; clips each weight's gradient to at most this L2 norm.
            Defaults to `None`.
        clipvalue: Float or `None`; clips gradient entries to `[-clipvalue, clipvalue]`.
            Defaults to `None`.
        global_clipnorm: Float or `None`; scales all gradients together so that their joint
            norm is at most this. Cannot be combined with `clipnorm`. Defaults to `None`.
        use_ema: Boolean, whether to keep an exponential moving average of the weights.
            Defaults to `False`.
        ema_momentum: Float, the average's decay: `avg = ema_momentum * avg + (1 -
            ema_momentum) * w`. Only used with `use_ema`. Defaults to `0.99`.
        ema_overwrite_frequency: Int or `None`; with `use_ema`, copies the average into the
            weights every this many updates. Defaults to `None`.
        loss_scale_factor: Float or `None`; kept in the config for Keras compatibility
            (densefit trains in float32 and does not scale the loss). Defaults to `None`.
        gradient_accumulation_steps: Int >= 2 or `None`; averages the gradients of this many
            batches and updates the weights once per group. Defaults to `None`.
        **kwargs: The subclass's own arguments (`learning_rate`, ...); unknown names raise
            `ValueError`.
    """

    _native_name = None
    _defaults = {}

    def __init__(self, *args, name=None, **kwargs):
        own = list(self._defaults)
        if len(args) > len(own):
            raise TypeError(f"{type(self).__name__} takes at most {len(own)} positional arguments")
        config = {**_COMMON, **self._defaults}
        config.update(zip(own, args))
        unknown = set(kwargs) - set(config)
        if unknown:
            raise ValueError(f"Argument(s) not recognized: { {k: kwargs[k] for k in sorted(unknown)} }")
        config.update(kwargs)
        lr = config["learning_rate"]
        if isinstance(lr, dict):
            lr = schedules.deserialize(lr)
        if not isinstance(lr, LearningRateSchedule) and (
                isinstance(lr, bool) or not isinstance(lr, (int, float))):
            raise ValueError(f"learning_rate must be a float or a LearningRateSchedule, got {lr!r}")
        config["learning_rate"] = lr
        if config["clipnorm"] is not None and config["global_clipnorm"] is not None:
            raise ValueError("Only one of `clipnorm` and `global_clipnorm` can be set. Received: "
                             f"clipnorm={config['clipnorm']}, global_clipnorm={config['global_clipnorm']}")
        self.name = name or self._native_name
        self._config = config
        self._network = None  # set by compile: then state lives natively

    # The model's compile binds the optimizer to its network.
    def _bind(self, network):
        self._network = network
        # State loaded from a file before the native step existed (densefit.saving).
        restore = self.__dict__.pop("_pending_restore", None)
        if restore is not None:
            restore(network)

    def native(self):
        cfg = dict(self._config)
        cfg["name"] = self._native_name
        lr = cfg["learning_rate"]
        cfg["learning_rate"] = schedules.serialize(lr) if isinstance(lr, LearningRateSchedule) else float(lr)
        cfg.pop("loss_scale_factor", None)
        return cfg

    @property
    def learning_rate(self):
        """A float32 variable (`.numpy()`, `.assign()`, `float()`), as Keras's; the current
        rate, read-only, when a LearningRateSchedule sets it."""
        if isinstance(self._config["learning_rate"], LearningRateSchedule):
            return self._current_learning_rate()
        return LearningRateVariable(self)

    @learning_rate.setter
    def learning_rate(self, value):
        self._set_learning_rate(float(value))

    def _current_learning_rate(self):
        if self._network is not None:
            return self._network.learning_rate
        lr = self._config["learning_rate"]
        return lr(0) if isinstance(lr, LearningRateSchedule) else lr

    def _set_learning_rate(self, value):
        if isinstance(self._config["learning_rate"], LearningRateSchedule):
            raise TypeError("This optimizer was created with a `LearningRateSchedule` instance "
                            "as the `learning_rate` argument, so the learning rate cannot be set")
        self._config["learning_rate"] = value
        if self._network is not None:
            self._network.learning_rate = value

    lr = learning_rate

    @property
    def iterations(self):
        if self._network is not None:
            return self._network.iterations
        return self.__dict__.get("_pending_iterations", 0)

    def get_config(self):
        cfg = {"name": self.name, **self._config}
        lr = cfg["learning_rate"]
        if isinstance(lr, LearningRateSchedule):
            cfg["learning_rate"] = schedules.serialize(lr)
        return cfg

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __getattr__(self, key):
        config = self.__dict__.get("_config", {})
        if key in config:
            return config[key]
        raise AttributeError(key)


# The classes' docstrings: each entry is (the text up to its own arguments, the example's
# constructor arguments); `_class_doc` fills in the defaults from the tables above and appends
# `name`, the shared arguments (`_COMMON`, as `**kwargs`) and the example.
_LR = ("learning_rate: A float or a `schedules.LearningRateSchedule`, the step size.\n"
       "            Defaults to `{lr}`.")
_TAIL = """        name: Optional string name. Defaults to `None`, i.e. `"{name}"`.
        **kwargs: Base optimizer keyword arguments, described on `Optimizer`:
{kwargs}.

    Example:

    >>> import densefit as keras
    >>> model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer=keras.optimizers.{cls}({example}), loss="mse")
    """
_DOCS = {
    "SGD": ("""Gradient descent, optionally with (Nesterov) momentum.

    With `momentum=0` each step is `w -= learning_rate * g`. Otherwise a velocity is kept:
    `v = momentum * v - learning_rate * g`, then `w += v`; with `nesterov=True` the weights
    move by the look-ahead step `momentum * v - learning_rate * g` instead.

    Args:
        {lr}
        momentum: Float >= 0, how much of the previous velocity is kept; `0.0` is plain
            gradient descent. Defaults to `0.0`.
        nesterov: Boolean, whether to use Nesterov momentum. Defaults to `False`.
""", "learning_rate=0.1, momentum=0.9"),
    "Adam": ("""The Adam optimizer: adaptive steps from running gradient moments.

    Adam keeps per-weight averages of the gradient and of its square,
    `m = beta_1 * m + (1 - beta_1) * g` and `v = beta_2 * v + (1 - beta_2) * g**2`, and at
    step `t` updates `w -= lr_t * m / (sqrt(v) + epsilon)`, with the bias-corrected rate
    `lr_t = learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t)`
    ([Kingma & Ba, 2014](https://arxiv.org/abs/1412.6980)).

    Args:
        {lr}
        beta_1: Float, decay rate of the first-moment average. Defaults to `0.9`.
        beta_2: Float, decay rate of the second-moment average. Defaults to `0.999`.
        epsilon: Small float added to the denominator for stability. Defaults to `1e-7`.
        amsgrad: Boolean; if `True`, divides by the running maximum of `v` (the AMSGrad
            variant). Defaults to `False`.
""", "learning_rate=1e-3"),
    "AdamW": ("""Adam with decoupled weight decay (AdamW).

    The step is Adam's (see `Adam`), and each update also shrinks the weights directly,
    `w -= learning_rate * weight_decay * w`, instead of adding an L2 term to the loss
    ([Loshchilov & Hutter, 2019](https://arxiv.org/abs/1711.05101)).

    Args:
        {lr}
        weight_decay: Float, the decoupled decay rate. Defaults to `0.004`.
        beta_1: Float, decay rate of the first-moment average. Defaults to `0.9`.
        beta_2: Float, decay rate of the second-moment average. Defaults to `0.999`.
        epsilon: Small float added to the denominator for stability. Defaults to `1e-7`.
        amsgrad: Boolean, whether to use the AMSGrad variant. Defaults to `False`.
""", "weight_decay=0.01"),
    "RMSprop": ("""The RMSprop optimizer: divides each gradient by a running RMS of its history.

    Each step keeps `v = rho * v + (1 - rho) * g**2` and moves the weights by
    `learning_rate * g / sqrt(v + epsilon)`. When `centered`, a running mean `a` of the
    gradient is kept too and `v - a**2` (a variance estimate) is used instead of `v`. A
    non-zero `momentum` accumulates these increments (plain, not Nesterov, momentum).

    Args:
        {lr}
        rho: Float, the discount factor of the squared-gradient average. Defaults to `0.9`.
        momentum: Float, the momentum applied to the increments. Defaults to `0.0`.
        epsilon: Small float added for stability. Defaults to `1e-7`.
        centered: Boolean, whether to normalize by the gradient's estimated variance
            (slightly more memory and compute). Defaults to `False`.
""", "learning_rate=1e-3"),
    "Adagrad": ("""The Adagrad optimizer: per-weight rates that shrink as gradients accumulate.

    Each weight keeps the running sum of its squared gradients, `acc += g**2`, and steps
    `w -= learning_rate * g / sqrt(acc + epsilon)`: weights that are updated often get ever
    smaller steps. Adagrad often wants a larger `learning_rate` than other optimizers.

    Args:
        {lr}
        initial_accumulator_value: Non-negative float, the starting value of `acc`.
            Defaults to `0.1`.
        epsilon: Small float added for stability. Defaults to `1e-7`.
""", "learning_rate=0.01"),
    "Adadelta": ("""The Adadelta optimizer: Adagrad with a moving window instead of a full sum.

    Adadelta keeps decaying averages of squared gradients, `E[g2] = rho * E[g2] + (1 - rho) *
    g**2`, and of squared updates `E[d2]`. The update is
    `d = -sqrt(E[d2] + epsilon) / sqrt(E[g2] + epsilon) * g` and `w += learning_rate * d`,
    so learning keeps going late in training. Use `learning_rate=1.0` for the paper's form.

    Args:
        {lr}
        rho: Float, the decay rate of both averages. Defaults to `0.95`.
        epsilon: Small float added for stability. Defaults to `1e-7`.
""", "learning_rate=1.0"),
    "Adamax": ("""The Adamax optimizer: Adam with the infinity norm in place of the second moment.

    Each step keeps `m = beta_1 * m + (1 - beta_1) * g` and `u = max(beta_2 * u, abs(g))`,
    then updates `w -= learning_rate / (1 - beta_1**t) * m / (u + epsilon)`.

    Args:
        {lr}
        beta_1: Float, decay rate of the first-moment average. Defaults to `0.9`.
        beta_2: Float, decay rate of the weighted infinity norm `u`. Defaults to `0.999`.
        epsilon: Small float added for stability. Defaults to `1e-7`.
""", "learning_rate=2e-3"),
    "Nadam": ("""The Nadam optimizer: Adam with Nesterov momentum.

    Nadam keeps Adam's two moment averages (see `Adam`), but its update mixes the current
    gradient with a look-ahead of the momentum term, as Nesterov momentum does for SGD
    ([Dozat, 2015](https://cs229.stanford.edu/proj2015/054_report.pdf)).

    Args:
        {lr}
        beta_1: Float, decay rate of the first-moment average. Defaults to `0.9`.
        beta_2: Float, decay rate of the second-moment average. Defaults to `0.999`.
        epsilon: Small float added to the denominator for stability. Defaults to `1e-7`.
""", "learning_rate=1e-3"),
    "Lion": ("""The Lion optimizer: steps of fixed size along the sign of a momentum blend.

    Each step computes `c = beta_1 * m + (1 - beta_1) * g`, updates
    `w -= learning_rate * sign(c)`, then `m = beta_2 * m + (1 - beta_2) * g`. Only one slot
    per weight is kept. Its steps are large, so Lion usually wants a learning rate 3-10x
    smaller, and a weight decay 3-10x larger, than AdamW
    ([Chen et al., 2023](https://arxiv.org/abs/2302.06675)).

    Args:
        {lr}
        beta_1: Float, the weight of the momentum in the update direction. Defaults to `0.9`.
        beta_2: Float, the decay rate of the momentum `m`. Defaults to `0.99`.
""", "learning_rate=1e-4"),
    "Ftrl": ("""The FTRL-Proximal optimizer ("Follow The Regularized Leader").

    Made for shallow models with large, sparse inputs
    ([McMahan et al., 2013](https://research.google.com/pubs/archive/41159.pdf)). Per weight
    it keeps a squared-gradient sum `n` and a linear term `z`; with `p = -learning_rate_power`
    a step does `n_new = n + g**2`, `z += g - (n_new**p - n**p) / learning_rate * w`, then
    `w = (clip(z, -l1, l1) - z) / ((n_new**p + beta) / learning_rate + 2 * l2)`: exactly 0
    while `abs(z) <= l1` (`l1`, `l2`: the two regularization strengths below).

    Args:
        {lr}
        learning_rate_power: Float <= 0, how fast the per-weight rate shrinks with `n`;
            `0` keeps it fixed. Defaults to `-0.5`.
        initial_accumulator_value: Non-negative float, the starting `n`. Defaults to `0.1`.
        l1_regularization_strength: Float >= 0, the L1 strength. Defaults to `0.0`.
        l2_regularization_strength: Float >= 0, the (stabilizing) L2 strength.
            Defaults to `0.0`.
        l2_shrinkage_regularization_strength: Float >= 0, a magnitude penalty: adds
            `2 * strength * w` to the gradient that updates `z`. Defaults to `0.0`.
        beta: Float, the paper's beta (see the formula). Defaults to `0.0`.
""", "learning_rate=0.05"),
}


def _class_doc(cls_name, native, defaults):
    body, example = _DOCS[cls_name]
    shared = ", ".join(f"`{k}={v!r}`" for k, v in _COMMON.items() if k not in defaults)
    shared = textwrap.fill(shared, 96, initial_indent=" " * 12, subsequent_indent=" " * 12,
                           break_on_hyphens=False)
    head = body.format(lr=_LR.format(lr=defaults["learning_rate"]))
    return head + _TAIL.format(name=native, kwargs=shared, cls=cls_name, example=example)


ALL = {}
for _cls_name, (_native, _defaults) in _TABLE.items():
    globals()[_cls_name] = ALL[_cls_name] = type(
        _cls_name, (Optimizer,), {"_native_name": _native, "_defaults": _defaults,
                                  "__module__": __name__,
                                  "__doc__": _class_doc(_cls_name, _native, _defaults)})


def get(identifier):
    """An optimizer from a Keras name ("adam"), a config dict or an instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    by_name = {**ALL, **{n: ALL[c] for c, (n, _) in _TABLE.items()}}
    if isinstance(identifier, dict) and "class_name" in identifier:
        name, config = identifier["class_name"], identifier.get("config") or {}
    elif isinstance(identifier, str):
        name, config = identifier, {}
    else:
        raise TypeError(f"Could not interpret optimizer identifier: {identifier!r} (expected a "
                        f"name, a config dict or a densefit.optimizers.Optimizer)")
    cls = by_name.get(name) or by_name.get(name.lower())
    if cls is None:
        valid = ", ".join(sorted(n for n, _ in _TABLE.values()))
        raise ValueError(f"Could not interpret optimizer identifier: {name!r}. Valid names: {valid}")
    return cls.from_config(config)


def serialize(optimizer):
    return {"module": "keras.optimizers", "class_name": type(optimizer).__name__,
            "config": optimizer.get_config(), "registered_name": None}
