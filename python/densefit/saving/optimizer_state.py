"""An optimizer's state as Keras 3 lists its variables (what `optimizer/vars/0..` of a
`.weights.h5` holds), to and from densefit's native slot arrays.

Keras's list: `iteration` (calls to apply), `learning_rate` (absent under a schedule), then
groups of per-variable slots over the model's trainable variables. A group of several names
is interleaved (for each variable, one slot per name); groups follow each other: the EMA
`average` and the `gradient_accumulator` first (the base optimizer's build), then the rule's
own groups. Nadam appends its `u_product` scalar.

Natively the optimizer keeps `slot_count` arrays over the whole parameter arena, the rule's
slots first (in the order of the names below), then the gradient accumulator, then the EMA;
a Keras variable is the segment of the arena its model variable occupies."""

import warnings

import numpy as np


def _rule_groups(name, config):
    """The rule's own slot groups, in Keras's build order."""
    if name == "sgd":
        return [["momentum"]] if config["momentum"] != 0 else []
    if name in ("adam", "adamw"):
        return [["momentum", "velocity"]] + ([["velocity_hat"]] if config["amsgrad"] else [])
    if name == "rmsprop":
        return ([["velocity"]] + ([["momentum"]] if config["momentum"] > 0 else [])
                + ([["average_gradient"]] if config["centered"] else []))
    return {"adagrad": [["accumulator"]],
            "adadelta": [["accumulated_grad", "accumulated_delta_var"]],
            "adamax": [["momentum", "norm"]], "nadam": [["momentum", "velocity"]],
            "lion": [["momentum"]], "ftrl": [["accumulator", "linear"]]}[name]


class Layout:
    """Where each Keras optimizer variable of `model`'s optimizer lives natively."""

    def __init__(self, model):
        opt = model.optimizer
        config = opt._config
        self.optimizer = opt
        self.has_lr_variable = not _is_schedule(config["learning_rate"])
        rule = _rule_groups(opt._native_name, config)
        names = [n for group in rule for n in group]
        native = {n: i for i, n in enumerate(names)}
        base = []
        if config["gradient_accumulation_steps"]:
            native["gradient_accumulator"] = len(native)
        if config["use_ema"]:
            native["average"] = len(native)
            base.append(["average"])
        if config["gradient_accumulation_steps"]:
            base.append(["gradient_accumulator"])
        self.slot_count = len(native)
        self.nadam = opt._native_name == "nadam"
        self.accumulation = config["gradient_accumulation_steps"] or 0
        variables = model.trainable_weights
        params = model._network.params if model._network is not None else None
        # (native slot index, arena offset, shape) per Keras slot variable, in Keras order.
        self.slots = []
        for group in base + rule:
            for var in variables:
                offset = _offset_in(var._array, params)
                for slot_name in group:
                    self.slots.append((native[slot_name], offset, var.shape, slot_name))
        self.initial = {"accumulator": config.get("initial_accumulator_value", 0.0)}

    def count(self):
        return 1 + self.has_lr_variable + len(self.slots) + self.nadam

    def shapes(self):
        return ([()] + [()] * self.has_lr_variable + [s[2] for s in self.slots]
                + [()] * self.nadam)

    # ---- reading the native state --------------------------------------------------------------
    def variables(self, network):
        """The Keras variable list, from the native state (or the initial state when the
        optimizer has not run natively yet)."""
        opt = self.optimizer
        pending = opt.__dict__.get("_pending_variables")
        if pending is not None:
            return list(pending)
        bound = network is not None and network.compiled and opt._network is network
        apply_count = network.apply_count if bound else 0
        out = [np.array(apply_count, dtype=np.int64)]
        if self.has_lr_variable:
            out.append(np.array(opt.learning_rate, dtype=np.float32))
        n = network.num_params if network is not None else 0
        slots = network.optimizer_slots if bound else None
        for index, offset, shape, slot_name in self.slots:
            size = int(np.prod(shape))
            if slots is None:
                value = np.full(shape, self.initial.get(slot_name, 0.0), dtype=np.float32)
            else:
                start = index * n + offset
                value = slots[start:start + size].reshape(shape).copy()
            out.append(value)
        if self.nadam:
            out.append(np.array(_nadam_u_product(opt._config["beta_1"], apply_count),
                                dtype=np.float32))
        return out

    # ---- writing it back -----------------------------------------------------------------------
    def restore(self, network, values):
        """Puts a Keras variable list back: now if the optimizer runs natively, else when
        the model compiles its native step (Optimizer._bind calls back)."""
        opt = self.optimizer
        if self.has_lr_variable and not _is_schedule(opt._config["learning_rate"]) and \
                np.float32(opt._config["learning_rate"]) != np.float32(values[1]):
            # Changed since compile (ReduceLROnPlateau...): the variable is the truth. Else
            # keep the config's value, which the float32 variable only rounds.
            opt.learning_rate = float(values[1])
        apply_count = int(values[0])
        if network is None or not network.compiled or opt._network is not network:
            opt._pending_variables = [np.array(v) for v in values]
            opt._pending_iterations = apply_count // self.accumulation if self.accumulation \
                else apply_count
            opt._pending_restore = lambda net: self._write(net, values)
            return
        self._write(network, values)

    def _write(self, network, values):
        opt = self.optimizer
        for key in ("_pending_variables", "_pending_iterations", "_pending_restore"):
            opt.__dict__.pop(key, None)
        if network.optimizer_slot_count != self.slot_count:
            raise ValueError(f"The optimizer keeps {network.optimizer_slot_count} slot arrays "
                             f"natively, the saved layout {self.slot_count}")
        n = network.num_params
        slots = network.optimizer_slots
        first = 1 + self.has_lr_variable
        for (index, offset, shape, _), value in zip(self.slots, values[first:]):
            size = int(np.prod(shape))
            start = index * n + offset
            slots[start:start + size] = np.asarray(value, dtype=np.float32).reshape(-1)
        network.apply_count = int(values[0])


def check_variables(layout, values, optimizer_name):
    """Keras's rule: a saved list of another length is skipped with a warning. Returns whether
    the values fit (shapes are checked too, with a clear error)."""
    if len(values) != layout.count():
        warnings.warn(f"Skipping variable loading for optimizer '{optimizer_name}', because it "
                      f"has {layout.count()} variables whereas the saved optimizer has "
                      f"{len(values)} variables.", stacklevel=3)
        return False
    for i, (value, shape) in enumerate(zip(values, layout.shapes())):
        if tuple(np.shape(value)) != tuple(shape):
            raise ValueError(f"Optimizer variable {i} of '{optimizer_name}' has shape "
                             f"{tuple(np.shape(value))} in the file, expected {tuple(shape)}")
    return True


MAX_ITERATIONS = 2 ** 62  # the native counter is int64; no run takes this many steps


def check_counters(layout, values, source):
    """MalformedFileError unless the scalars of a saved variable list (in Keras's order, shapes
    already checked) are what they count: `iteration` a whole number in [0, MAX_ITERATIONS],
    `learning_rate` and Nadam's `u_product` finite. (Slots may hold anything a diverged run
    leaves, NaN included.)"""
    from densefit.saving.errors import MalformedFileError

    iteration = np.asarray(values[0]).item()
    if isinstance(iteration, float) and not (np.isfinite(iteration) and
                                             iteration == int(iteration)):
        raise MalformedFileError(f"{source}: optimizer variable 0 (iteration) is {iteration}, "
                                 f"not a whole number")
    if not 0 <= int(iteration) <= MAX_ITERATIONS:
        raise MalformedFileError(f"{source}: optimizer variable 0 (iteration) is "
                                 f"{int(iteration)}, out of range [0, {MAX_ITERATIONS}]")
    scalars = [(1, "learning_rate")] if layout.has_lr_variable else []
    if layout.nadam:
        scalars.append((len(values) - 1, "u_product"))
    for index, name in scalars:
        value = float(np.asarray(values[index]))
        if not np.isfinite(value):
            raise MalformedFileError(f"{source}: optimizer variable {index} ({name}) is "
                                     f"{value}; expected a finite number")


def _offset_in(array, params):
    if params is None:
        return 0
    offset = (array.__array_interface__["data"][0] - params.__array_interface__["data"][0]) // 4
    assert 0 <= offset < params.size, "variable outside its model's parameter arena"
    return int(offset)


def _is_schedule(lr):
    from densefit.optimizers.schedules import LearningRateSchedule

    return isinstance(lr, LearningRateSchedule)


def _nadam_u_product(beta_1, steps):
    """Keras's Nadam `_u_product` after `steps` updates (prod of beta_1 * (1 - 0.5*0.96^t))."""
    u = np.float32(1.0)
    b = np.float32(beta_1)
    for t in range(1, steps + 1):
        u = np.float32(u * b * (np.float32(1.0) - np.float32(0.5) * np.float32(0.96) ** t))
        if u == 0:  # underflowed: it stays there
            break
    return u
