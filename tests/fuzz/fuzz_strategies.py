"""Hypothesis strategies for case descriptions (test side): JSON values the worker turns into
models, arrays and arguments (fuzz_values.materialize, fuzz_models.build)."""

from hypothesis import strategies as st

from fuzz_values import LAYOUTS  # noqa: F401 - the layouts the tests draw from

ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh", "softmax", "log_softmax", "gelu", "elu",
               "selu", "softplus", "softsign", "silu", "swish", "leaky_relu", "relu6",
               "hard_sigmoid", "hard_silu", "hard_swish", "exponential", "mish")
DTYPES = ("float32", "float64", "float16", "int8", "int32", "int64", "uint8", "bool")
LOSSES = ("mse", "mae", "binary_crossentropy", "sparse_categorical_crossentropy",
          "categorical_crossentropy")

seeds = st.integers(0, 2**16)


def layer_descs(allow_dropout=True):
    dense = st.fixed_dictionaries({
        "kind": st.just("dense"), "units": st.integers(1, 9),
        "activation": st.sampled_from(ACTIVATIONS), "use_bias": st.booleans()})
    activation = st.fixed_dictionaries({"kind": st.just("activation"),
                                        "activation": st.sampled_from(ACTIVATIONS)})
    dropout = st.fixed_dictionaries({"kind": st.just("dropout"),
                                     "rate": st.sampled_from([0.0, 0.25, 0.5, 0.9])})
    options = [dense, dense, activation] + ([dropout] if allow_dropout else [])
    return st.one_of(*options)


@st.composite
def models(draw, max_layers=4, allow_dropout=True, time_steps=True):
    """A chain of Dense/Activation/Dropout, on 1-d samples, on (steps, features) samples
    (Dense over time steps), or on 2-d samples behind a Flatten; at least one Dense."""
    form = draw(st.sampled_from(["flat", "flat", "time_steps", "flatten"] if time_steps
                                else ["flat"]))
    features = draw(st.integers(1, 7))
    body = draw(st.lists(layer_descs(allow_dropout), min_size=0, max_size=max_layers - 1))
    last = draw(layer_descs(False).filter(lambda d: d["kind"] == "dense"))
    layers = body + [last]
    if form == "flat":
        shape = [features]
    elif form == "time_steps":
        shape = [draw(st.integers(1, 3)), features]
    else:
        shape = [draw(st.integers(1, 3)), features]
        layers = [{"kind": "flatten"}] + layers
    return {"input_shape": shape, "layers": layers, "seed": draw(seeds)}


@st.composite
def small_models(draw):
    """A hidden chain for the training cases: 1-d samples, 0-2 hidden layers; the loss's
    output layer is appended by the worker (fuzz_models.with_head)."""
    hidden = st.fixed_dictionaries({
        "kind": st.just("dense"), "units": st.integers(1, 6),
        "activation": st.sampled_from(["relu", "tanh", "linear", "sigmoid"]),
        "use_bias": st.booleans()})
    return {"input_shape": [draw(st.integers(1, 5))],
            "layers": draw(st.lists(hidden, max_size=2)), "seed": draw(seeds)}


# ---- tagged argument values (fuzz_values.materialize) -------------------------------------------
HUGE_INTS = (2**31, 2**32 + 1, 2**62, 2**63 - 1, 2**64)
NEGATIVE_INTS = (-1, -2, -2**31, -2**62)


def np_scalar(dtype, value):
    return {"$": "np", "dtype": dtype, "v": value}


def special_float(name):
    return {"$": "float", "v": name}


CALLBACK = {"$": "callback"}
OBJECT = {"$": "object"}


def tagged_dict(items):
    return {"$": "dict", "items": [list(kv) for kv in items]}
