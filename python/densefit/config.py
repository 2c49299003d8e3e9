"""Global settings: device, float type, epsilon, the random seed, threads."""

import os

from densefit import _cuda_loader
from densefit._native import core

_DEVICES = ("auto", "cpu", "cuda")
_device = os.environ.get("DENSEFIT_DEVICE", "auto")


def _parse_device(device):
    """("cpu" | "cuda" | "auto", index) for a device string; ValueError if malformed."""
    if not isinstance(device, str):
        raise ValueError(f"device must be a string, got {device!r}")
    kind, _, index = device.partition(":")
    if kind not in _DEVICES or (index and (kind != "cuda" or not index.isdigit())):
        raise ValueError(f"device must be one of {_DEVICES} or 'cuda:N', got {device!r}")
    return kind, int(index or 0)


def set_device(device):
    """Selects where networks built from now on run: "cpu", "cuda" (or "cuda:N") or "auto"
    (CUDA when a usable GPU and the CUDA backend are present). Also read from the
    DENSEFIT_DEVICE environment variable at import."""
    global _device
    kind, index = _parse_device(device)
    if kind == "cuda":
        why = _cuda_loader.unavailable_reason(index)
        if why:
            raise ValueError(f"device {device!r} is not available: {why}")
    _device = device


def device():
    """The device networks built now run on: "cpu" or "cuda:N"."""
    kind, index = _parse_device(_device)
    if kind == "cpu":
        return "cpu"
    if _cuda_loader.unavailable_reason(index) is None:
        return f"cuda:{index}"
    if kind == "cuda":  # chosen by the environment variable, then the GPU went away
        raise ValueError(f"device {_device!r} is not available: "
                         f"{_cuda_loader.unavailable_reason(index)}")
    return "cpu"


def native_network_class():
    """A constructor (input_dim, layer_specs, seed) -> native Network for device(): the CPU
    engine's _core.Network or the CUDA backend's _cuda.Network (same methods)."""
    current = device()
    if current == "cpu":
        return core.Network
    index = int(current.split(":")[1])
    cls = _cuda_loader.cuda_module().Network
    chosen = _parse_device(_device)[0] == "cuda"

    def build(input_dim, specs, seed):
        # "auto" runs a model with layers the CUDA backend lacks on the CPU; a model put on
        # "cuda" explicitly gets the backend's error naming the layer.
        if not chosen and any(spec["kind"] not in _CUDA_LAYER_KINDS for spec in specs):
            return core.Network(input_dim, specs, seed)
        return cls(input_dim, specs, seed, index)

    return build


# The layer kinds the CUDA backend runs (the layer ops have CPU kernels only so far).
_CUDA_LAYER_KINDS = ("dense", "dropout", "activation")


def set_num_threads(n):
    """Threads the CPU backend may use for large products (default: available cores)."""
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"num_threads must be a positive int, got {n!r}")
    core.set_num_threads(n)


def num_threads():
    return core.num_threads()


def cpu_capability():
    """Which build of the native engine this process runs, and why (docs/build.md, "CPU
    levels"): a namedtuple (level, module, reason, supported, built). `level` is "baseline"
    (x86-64-v2), "avx2" (x86-64-v3) or "avx512" (x86-64-v4), or None for a build made for one
    machine (DENSEFIT_NATIVE_ARCH=ON); `supported` are the levels this CPU and its OS run,
    `built` those this installation has. Set DENSEFIT_CPU_CAPABILITY before importing
    densefit to choose another level."""
    from densefit._native import CPU_CAPABILITY

    return CPU_CAPABILITY


def floatx():
    return "float32"


def epsilon():
    return 1e-7


def backend():
    return "densefit"


_IMAGE_DATA_FORMATS = ("channels_last", "channels_first")
_image_data_format = "channels_last"


def set_floatx(value):
    """densefit computes in float32 only: anything else is refused rather than ignored."""
    if value != "float32":
        raise ValueError(f"densefit computes in float32 only; set_floatx({value!r}) is not "
                         f"supported (Keras accepts 'float16', 'bfloat16', 'float32', 'float64')")


def set_epsilon(value):
    """The native losses are built with Keras's default fuzz factor 1e-7; another value would
    be silently ignored by them, so it is refused."""
    if value != epsilon():
        raise ValueError(f"densefit's losses use Keras's default epsilon {epsilon()}; "
                         f"set_epsilon({value!r}) is not supported")


def image_data_format():
    return _image_data_format


def set_image_data_format(data_format):
    global _image_data_format
    if data_format not in _IMAGE_DATA_FORMATS:
        raise ValueError(f"The `data_format` argument must be one of {set(_IMAGE_DATA_FORMATS)}. "
                         f"Received: data_format={data_format!r}")
    _image_data_format = data_format


def _env_count(name):
    """Keras reads these at import: an integer, or None when unset."""
    value = os.environ.get(name)
    return None if value is None else int(value)


# Debugging caps on fit's epochs and on the steps of an epoch (fit, validation, evaluate,
# predict), as Keras's config has them: KERAS_MAX_EPOCHS / KERAS_MAX_STEPS_PER_EPOCH run a
# script quickly without changing it. trainers/debug_limits.py applies them.
_max_epochs = _env_count("KERAS_MAX_EPOCHS")
_max_steps_per_epoch = _env_count("KERAS_MAX_STEPS_PER_EPOCH")


def set_max_epochs(max_epochs):
    """Caps the epochs of every fit() call (None: no cap), for quick debugging runs."""
    global _max_epochs
    _max_epochs = max_epochs


def max_epochs():
    """The cap set by set_max_epochs or KERAS_MAX_EPOCHS, or None."""
    return _max_epochs


def set_max_steps_per_epoch(max_steps_per_epoch):
    """Caps the steps of one epoch of fit, of validation, evaluate and predict (None: no
    cap), for quick debugging runs."""
    global _max_steps_per_epoch
    _max_steps_per_epoch = max_steps_per_epoch


def max_steps_per_epoch():
    """The cap set by set_max_steps_per_epoch or KERAS_MAX_STEPS_PER_EPOCH, or None."""
    return _max_steps_per_epoch


# Keras filters its own frames out of tracebacks; densefit has none to filter, but scripts
# toggle and query the setting.
_traceback_filtering = True


def enable_traceback_filtering():
    global _traceback_filtering
    _traceback_filtering = True


def disable_traceback_filtering():
    global _traceback_filtering
    _traceback_filtering = False


def is_traceback_filtering_enabled():
    return _traceback_filtering


# Keras routes its console output through absl logging when interactive logging is off (a
# server job); densefit.utils.io_utils.print_msg reads this switch.
_interactive_logging = True


def enable_interactive_logging():
    """Progress output goes to stdout (Keras's default)."""
    global _interactive_logging
    _interactive_logging = True


def disable_interactive_logging():
    """Progress output goes to absl logging at INFO level, as Keras sends it."""
    global _interactive_logging
    _interactive_logging = False


def is_interactive_logging_enabled():
    return _interactive_logging


# Keras's flash attention switch: None (the default) means "when the layer can", False off.
# densefit has no attention layers, so the switch changes nothing, exactly as in a Keras
# model without attention.
_flash_attention = None


def enable_flash_attention():
    global _flash_attention
    _flash_attention = None


def disable_flash_attention():
    global _flash_attention
    _flash_attention = False


def is_flash_attention_enabled():
    return _flash_attention


def is_nnx_enabled():
    """JAX's NNX integration: never, densefit does not run on JAX."""
    return False


def enable_unsafe_deserialization():
    """Accepted, and changes nothing: Keras's switch lets `load_model` rebuild Lambda layers
    from the file's Python bytecode; densefit never runs code from a file, so such a file
    still gets its clear ValueError (a script meant to load it fails loudly, not wrongly)."""


class DTypePolicy:
    """What `dtype_policy()` returns: densefit's only policy, float32 compute and variables."""

    def __init__(self, name="float32"):
        _check_dtype_policy_name(name)
        self._name = name

    name = property(lambda self: self._name)
    compute_dtype = property(lambda self: "float32")
    variable_dtype = property(lambda self: "float32")
    quantization_mode = property(lambda self: None)

    def get_config(self):
        return {"name": self._name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __eq__(self, other):
        return getattr(other, "name", None) == self._name and \
            getattr(other, "quantization_mode", None) is None

    __hash__ = None

    def __repr__(self):
        return f'<DTypePolicy "{self._name}">'


def _check_dtype_policy_name(name):
    if name != "float32":
        raise ValueError(f"densefit computes in float32 only; the dtype policy {name!r} is not "
                         f"supported (mixed precision, e.g. 'mixed_float16' or "
                         f"'mixed_bfloat16', is not available yet)")


def dtype_policy():
    return DTypePolicy("float32")


def set_dtype_policy(policy):
    """Only "float32" (or a policy named so, Keras's or densefit's) is accepted: any other
    policy would change what Keras computes, and densefit would not."""
    if isinstance(policy, str):
        _check_dtype_policy_name(policy)
    elif hasattr(policy, "name") and hasattr(policy, "compute_dtype"):
        _check_dtype_policy_name(policy.name)  # quantized ones are named "int8_from_..."
    else:
        raise ValueError(f"Invalid `policy` argument. Expected the string name of a policy "
                         f"(such as 'mixed_float16') or a `DTypePolicy` instance. Received: "
                         f"policy={policy} (of type {type(policy)})")
