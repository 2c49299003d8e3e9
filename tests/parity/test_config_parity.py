"""keras.config's switches against real Keras: the names, what they report, where progress
output goes with interactive logging off, and the dtype policies densefit can (only float32)
and cannot honor."""

import contextlib
import io
import logging
import re

import numpy as np
import pytest

import densefit
from keras_oracle import keras

pytestmark = pytest.mark.parity

# keras.config names densefit leaves out, and why: each would be a switch fit ignores.
NOT_IN_DENSEFIT = {
    "set_backend": "densefit is its own backend; Keras reloads itself on another",
}


def test_every_keras_config_name_is_in_densefit_or_listed_as_missing():
    k = keras()
    names = {n for n in dir(k.config) if not n.startswith("_")}
    ours = {n for n in dir(densefit.config) if not n.startswith("_")}
    assert names - ours == set(NOT_IN_DENSEFIT)
    assert all(callable(getattr(densefit.config, n)) for n in names - set(NOT_IN_DENSEFIT))


@pytest.mark.parametrize("name, steps", [
    ("interactive_logging", ["disable", "disable", "enable", "disable", "enable"]),
    ("flash_attention", ["disable", "enable", "disable", "disable", "enable"]),
])
def test_switches_report_what_keras_reports(name, steps):
    k = keras()
    for lib in (k, densefit):
        getattr(lib.config, f"enable_{name}")()
    for step in [None] + steps:
        if step:
            for lib in (k, densefit):
                getattr(lib.config, f"{step}_{name}")()
        query = f"is_{name}_enabled"
        assert getattr(densefit.config, query)() == getattr(k.config, query)(), (name, step)
    for lib in (k, densefit):
        getattr(lib.config, f"enable_{name}")()


def test_is_nnx_enabled_is_false_as_in_keras_by_default():
    k = keras()
    assert densefit.config.is_nnx_enabled() is k.config.is_nnx_enabled() is False


def test_enable_unsafe_deserialization_does_not_make_densefit_run_code(tmp_path):
    k = keras()
    model = k.Sequential([k.Input((3,)), k.layers.Lambda(lambda x: x * 2.0), k.layers.Dense(1)])
    path = str(tmp_path / "lambda.keras")
    model.save(path)
    with pytest.raises(ValueError) as before:
        densefit.models.load_model(path)
    assert densefit.config.enable_unsafe_deserialization() is None
    with pytest.raises(ValueError) as after:
        densefit.models.load_model(path)
    assert str(after.value) == str(before.value) and "Lambda" in str(after.value)


# ---- dtype policies ----------------------------------------------------------------------
def test_dtype_policy_is_keras_s_float32_policy():
    k = keras()
    ours, theirs = densefit.config.dtype_policy(), k.config.dtype_policy()
    assert repr(ours) == repr(theirs) == '<DTypePolicy "float32">'
    for attr in ("name", "compute_dtype", "variable_dtype", "quantization_mode"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    assert ours.get_config() == theirs.get_config()
    assert ours == densefit.config.dtype_policy() and ours != "float32"


def test_set_dtype_policy_accepts_float32_as_keras_does():
    k = keras()
    for policy in ("float32", densefit.config.dtype_policy(), k.config.dtype_policy(),
                   k.DTypePolicy("float32")):
        assert densefit.config.set_dtype_policy(policy) is None
        assert densefit.config.dtype_policy().name == "float32"


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16", "float16", "bfloat16",
                                    "float64", "int8_from_float32"])
def test_set_dtype_policy_refuses_what_keras_would_compute_differently(policy):
    k = keras()
    k.config.set_dtype_policy(policy)  # Keras takes it ...
    k.config.set_dtype_policy("float32")
    with pytest.raises(ValueError, match=f"float32 only.*{policy}"):  # ... densefit cannot
        densefit.config.set_dtype_policy(policy)
    with pytest.raises(ValueError, match="float32 only"):
        densefit.config.set_dtype_policy(k.DTypePolicy(policy) if "int8" not in policy
                                         else k.dtype_policies.get(policy))
    assert densefit.config.dtype_policy().name == "float32"


@pytest.mark.parametrize("policy", [3, None, ["float32"]])
def test_set_dtype_policy_refuses_non_policies_with_keras_s_message(policy):
    k = keras()
    messages = []
    for lib in (k, densefit):
        with pytest.raises(ValueError) as e:
            lib.config.set_dtype_policy(policy)
        messages.append(str(e.value))
    assert messages[0] == messages[1]


# ---- interactive logging off: progress output goes to absl logging, not stdout -----------------
class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _batch_hooks(lib):
    """A callback with batch hooks: Keras on JAX then runs the batch hooks (and so the bar's
    live draws) on the calling thread. Otherwise they run on a worker thread, where Keras's
    thread-local switch reads its default and the live draws still go to stdout."""
    def hook(self, batch, logs=None):
        pass

    methods = {name: hook for name in ("on_train_batch_end", "on_test_batch_end",
                                       "on_predict_batch_end")}
    return [type("BatchHooks", (lib.callbacks.Callback,), methods)()]


def _script(lib, verbose):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype(np.float32)
    y = rng.normal(size=(64, 1)).astype(np.float32)
    model = lib.Sequential([lib.Input((4,)), lib.layers.Dense(3), lib.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=["mae"])
    model.fit(x, y, batch_size=16, epochs=2, verbose=verbose, callbacks=_batch_hooks(lib))
    model.evaluate(x, y, batch_size=16, verbose=verbose, callbacks=_batch_hooks(lib))
    model.predict(x, batch_size=32, verbose=verbose, callbacks=_batch_hooks(lib))


def _finished_lines(messages):
    """The lines a log keeps: headers and finished bars, times and values masked (the live
    bar's intermediate draws depend on timing)."""
    lines = []
    for message in messages:
        if not (message.endswith("\n") or message.startswith("Epoch")):
            continue
        line = message.replace("\b", "").split("\r")[-1].rstrip()
        line = re.sub(r"\d+(s|ms|us)/step", "T/step", line)
        line = re.sub(r"(\x1b\[1m)\d+s(\x1b\[0m)", r"\1Ts\2", line)
        line = re.sub(r" - \d+s - ", " - Ts - ", line)
        lines.append(re.sub(r": -?\d+\.\d+(e[-+]\d+)?", ": V", line))
    return lines


@pytest.mark.parametrize("verbose", [1, 2])
def test_without_interactive_logging_progress_goes_to_absl_as_keras_s(verbose):
    k = keras()
    absl = logging.getLogger("absl")
    level = absl.level
    outcome = {}
    for lib in (k, densefit):
        handler = _Records()
        absl.addHandler(handler)
        absl.setLevel(logging.INFO)
        lib.config.disable_interactive_logging()
        stdout = io.StringIO()
        try:
            with contextlib.redirect_stdout(stdout):
                _script(lib, verbose)
        finally:
            lib.config.enable_interactive_logging()
            absl.removeHandler(handler)
            absl.setLevel(level)
        outcome[lib] = (stdout.getvalue(), _finished_lines(handler.messages))
    assert outcome[k][0] == "" and outcome[k][1]
    assert outcome[densefit] == outcome[k]
