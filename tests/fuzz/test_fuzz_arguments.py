"""Argument values and types (run_arguments.py): every public call either works (and its result
is right) or raises a ValueError/TypeError naming the bad argument before doing any work;
never a crash, a hang, an internal error or a made-up result.

The tables below say, per argument, which values Keras documents (valid: must work), which
it rules out (invalid: must be refused cleanly), and which a careful implementation may do
either with (edge: huge sizes, Keras's lenient types)."""

from hypothesis import example, given
from hypothesis import strategies as st

from fuzz_profiles import cases
from fuzz_strategies import (ACTIVATIONS, CALLBACK, HUGE_INTS, LOSSES, NEGATIVE_INTS, OBJECT,
                             np_scalar, seeds, small_models, special_float, tagged_dict)

NAN, INF = special_float("nan"), special_float("inf")
TUPLE1 = {"$": "tuple", "v": [1]}
JUNK = ("2", "", [2], {"a": 1}, 1.5, NAN, INF, OBJECT, CALLBACK, TUPLE1,
        np_scalar("float32", 2.5))


def arg(valid=(), edge=(), invalid=()):
    """(kind, value) pairs for one argument."""
    options = [st.tuples(st.just(kind), st.sampled_from(list(values)))
               for kind, values in (("valid", valid), ("edge", edge), ("invalid", invalid))
               if values]
    return st.one_of(*options)


def class_weights():
    labels = st.integers(-3, 3)
    weights = st.sampled_from([0.5, 1.0, 2.0, 3.0])
    valid = st.lists(st.tuples(labels, weights), min_size=1, max_size=4,
                     unique_by=lambda kv: kv[0]).map(tagged_dict)
    edge = [tagged_dict([(2**62, 1.0)]), tagged_dict([(-2**62, 2.0)]), tagged_dict([(0, 0.0)]),
            tagged_dict([(0, 1e30)]), tagged_dict([]), tagged_dict([(np_scalar("int64", 1), 2.0)]),
            tagged_dict([(1.0, 2.0)]), tagged_dict([(0, NAN)])]
    invalid = [[1.0, 2.0], "x", tagged_dict([("a", 1.0)]), tagged_dict([(0, "x")]),
               tagged_dict([(0, None)]), CALLBACK, 5]
    return st.one_of(st.tuples(st.just("valid"), valid), arg(edge=edge, invalid=invalid))


BATCH_SIZE = arg(valid=(None, 1, 2, 3, 4, 7, 16, np_scalar("int64", 4)),
                 edge=HUGE_INTS + (True,), invalid=(0,) + NEGATIVE_INTS + JUNK)
STEPS = arg(valid=(None, 1, 2, 3), edge=(2**62, 100, np_scalar("int64", 2)),
            invalid=(0, -1, -2**62) + JUNK)
VERBOSE = arg(valid=(0, 1, 2, "auto"), edge=(3, -1, True, False, None, 1.5, NAN, "2"),
              invalid=("", "loud", [1], {"a": 1}, OBJECT, CALLBACK))
CALLBACKS = arg(valid=(None, [], [CALLBACK]), edge=(CALLBACK, {"$": "tuple", "v": [CALLBACK]}),
                invalid=("x", [OBJECT], [None], 5, OBJECT))
RETURN_DICT = arg(valid=(True, False), edge=(1, 0, None, "yes", OBJECT))

METHODS = {
    "fit": {
        "batch_size": BATCH_SIZE,
        "epochs": arg(valid=(0, 1, 2, 3, np_scalar("int32", 2)), edge=(-1, -2, True),
                      invalid=(None,) + JUNK),
        "verbose": VERBOSE,
        "validation_split": arg(valid=(0.0, 0.25, 0.5, 0),
                                edge=(None, False, 1e-9, 0.99, np_scalar("float32", 0.25)),
                                invalid=(1.0, 1.5, -0.1, NAN, INF, "0.2", [0.1], OBJECT,
                                         CALLBACK)),
        "shuffle": arg(valid=(True, False, "batch"),
                       edge=(None, 0, 1, "yes", [1], OBJECT, 1.5, np_scalar("bool", True))),
        "class_weight": class_weights(),
        "initial_epoch": arg(valid=(0, 1), edge=(5, -1, 2**62, True),
                             invalid=("1", 1.5, None, [0], OBJECT)),
        "steps_per_epoch": STEPS,
        "validation_steps": STEPS,
        "validation_batch_size": BATCH_SIZE,
        "validation_freq": arg(valid=(1, 2, [1, 2], TUPLE1), edge=(2**62, [], [0], [-1]),
                               invalid=(0, -1, "1", 1.5, None, OBJECT)),
        "callbacks": CALLBACKS,
    },
    "evaluate": {"batch_size": BATCH_SIZE, "steps": STEPS, "verbose": VERBOSE,
                 "return_dict": RETURN_DICT, "callbacks": CALLBACKS},
    "predict": {"batch_size": BATCH_SIZE, "steps": STEPS, "verbose": VERBOSE,
                "callbacks": CALLBACKS},
    "train_on_batch": {"class_weight": class_weights(), "return_dict": RETURN_DICT},
    "test_on_batch": {"return_dict": RETURN_DICT},
    "compile": {
        "steps_per_execution": arg(valid=(1, 2, 3), edge=(2**62, 100, np_scalar("int64", 2)),
                                   invalid=(0, -1, 1.5, "2", None, OBJECT)),
        "loss_weights": arg(valid=(None, 1.0, 0.5, [1.0], 2), edge=(0.0, 1e30, -1.0, NAN),
                            invalid=("x", [1.0, 2.0], [], OBJECT)),
        "optimizer": arg(valid=("sgd", "adam", "rmsprop", "adagrad"), edge=(None,),
                         invalid=("nope", 5, OBJECT, "")),
        # Unknown metric names are refused at the first fit, as Keras does (it resolves them
        # once it knows the shapes), so only the types are checked at compile.
        "metrics": arg(valid=(None, [], ["accuracy"]),
                       edge=("accuracy", {"$": "tuple", "v": ["accuracy"]}),
                       invalid=(5, OBJECT)),
    },
}

LAYERS = {
    "Dense": {
        "units": arg(valid=(1, 2, 8, np_scalar("int64", 3)),
                     edge=(2**62, 2**63 - 1, 2**64, 10**12, True),
                     invalid=(0, -1, 1.5, "3", None, [3], OBJECT, NAN)),
        "activation": arg(valid=ACTIVATIONS + (None,), invalid=("nope", 5, OBJECT, "")),
        "use_bias": arg(valid=(True, False), edge=(0, 1, "yes", None)),
        "kernel_initializer": arg(valid=("glorot_uniform", "zeros", "he_normal"),
                                  invalid=("nope", 5, OBJECT)),
    },
    "Dropout": {
        "rate": arg(valid=(0.0, 0.25, 0.5), edge=(np_scalar("float32", 0.5), 0),
                    invalid=(1.0, -0.1, NAN, INF, "0.5", None, [0.5], 1.5)),
        "seed": arg(valid=(None, 1, 42), edge=(2**62, -1), invalid=("x", 1.5)),
    },
    "Activation": {
        "activation": arg(valid=ACTIVATIONS, edge=(None,), invalid=("nope", 5, OBJECT, "")),
    },
    # The layer ops and activation layers (inputs of shape (3,) here, so axis -1 or 1).
    "ReLU": {
        "max_value": arg(valid=(None, 0.5, 6.0, 100.0), edge=(0.0, INF),
                         invalid=(-1.0, NAN, "1", OBJECT)),
        "negative_slope": arg(valid=(0.0, 0.1, 1.0), invalid=(-0.1, None, NAN, "0.1")),
        "threshold": arg(valid=(0.0, 0.2, 5.0), invalid=(-1.0, None, NAN, "0")),
    },
    "LeakyReLU": {"negative_slope": arg(valid=(0.0, 0.3, 2.0), invalid=(-0.5, None, NAN))},
    "ELU": {"alpha": arg(valid=(1.0, 0.5, 0.0), edge=(-1.0,), invalid=(NAN, INF, "1", None))},
    "Softmax": {"axis": arg(valid=(-1, 1), invalid=(0, 2, -3, "x", 1.5, None))},
    "Rescaling": {"scale": arg(valid=(1.0, 0.5, -2.0), invalid=(NAN, INF, "1", [1.0, 2.0])),
                  "offset": arg(valid=(0.0, -1.0), invalid=(NAN, "0", None))},
    "GaussianNoise": {"stddev": arg(valid=(0.0, 0.1, 1.0), invalid=(-0.1, 1.5, NAN, "0.1"))},
    "GaussianDropout": {"rate": arg(valid=(0.0, 0.2), edge=(0.99,),
                                    invalid=(-0.1, 1.5, NAN, None))},
    "AlphaDropout": {"rate": arg(valid=(0.0, 0.2), invalid=(-0.1, 1.5, NAN, None)),
                     "seed": arg(valid=(None, 3), invalid=(-1, "x", 1.5))},
    "LayerNormalization": {"epsilon": arg(valid=(1e-3, 0.5), edge=(1e-30,),
                                          invalid=(0.0, -1.0, NAN, "1e-3")),
                           "axis": arg(valid=(-1, 1, [-1]), invalid=(0, 2, "x"))},
    "BatchNormalization": {"momentum": arg(valid=(0.99, 0.0, 1.0), invalid=(-0.1, 1.5, NAN)),
                           "epsilon": arg(valid=(1e-3,), invalid=(0.0, NAN))},
    "UnitNormalization": {"axis": arg(valid=(-1, 1, [-1]), invalid=(0, 2, "x"))},
    "Normalization": {"axis": arg(valid=(-1, 1, None), invalid=(0, 2, "x")),
                      "invert": arg(valid=(False, True))},
}
REQUIRED = {"Dense": {"units": ("valid", 3)}, "Dropout": {"rate": ("valid", 0.5)},
            "Activation": {"activation": ("valid", "relu")},
            "Rescaling": {"scale": ("valid", 0.5)}, "GaussianNoise": {"stddev": ("valid", 0.1)},
            "GaussianDropout": {"rate": ("valid", 0.2)}, "AlphaDropout": {"rate": ("valid", 0.2)}}


@st.composite
def drawn_args(draw, table, required=None):
    names = draw(st.lists(st.sampled_from(sorted(table)), min_size=1, max_size=2, unique=True))
    picked = dict(required or {})
    for name in names:
        picked[name] = draw(table[name])
    return {"args": {k: v for k, (_, v) in picked.items()},
            "kinds": {k: kind for k, (kind, _) in picked.items()}}


@st.composite
def model_calls(draw):
    calls = []
    for _ in range(draw(st.integers(1, 3))):
        method = draw(st.sampled_from(sorted(METHODS)))
        calls.append({"method": method, **draw(drawn_args(METHODS[method]))})
    return {"model": draw(small_models()), "loss": draw(st.sampled_from(LOSSES)),
            "optimizer": draw(st.sampled_from(["sgd", "adam"])), "metrics": draw(st.booleans()),
            "n": draw(st.integers(8, 24)), "data_seed": draw(seeds),
            "probe_batches": draw(st.booleans()), "calls": calls}


def known(loss, *calls):
    """A case for @example: calls as (method, {argument: (kind, value)})."""
    return {"model": {"input_shape": [2], "layers": [], "seed": 0}, "loss": loss,
            "optimizer": "sgd", "metrics": True, "n": 8, "data_seed": 0, "probe_batches": False,
            "calls": [{"method": method, "args": {k: v for k, (_, v) in args.items()},
                       "kinds": {k: kind for k, (kind, _) in args.items()}}
                      for method, args in calls]}


# Issue 16's reports, run first every time (Hypothesis's explicit phase).
@example(case=known("mse", ("fit", {"batch_size": ("edge", 2**62)}),
                    ("fit", {"batch_size": ("valid", 4)})))
@example(case=known("binary_crossentropy", ("evaluate", {"steps": ("invalid", 0)})))
@example(case=known("mse", ("fit", {"epochs": ("invalid", "2")})))
@example(case=known("mse", ("fit", {"validation_batch_size": ("invalid", 1.5)})))
@example(case=known("mse", ("fit", {"callbacks": ("edge", CALLBACK)})))
@example(case=known("mae", ("fit", {"class_weight": ("valid", tagged_dict([(-2, 3.0)]))})))
@cases(ci=400, long=4000)
@given(case=model_calls())
def test_model_calls_refuse_bad_arguments_cleanly_and_compute_right(worker, case):
    violations = worker.run("run_arguments:model_calls", case)
    assert not violations, "\n".join(violations)


@st.composite
def layer_cases(draw):
    layer = draw(st.sampled_from(sorted(LAYERS)))
    return {"layer": layer, **draw(drawn_args(LAYERS[layer], REQUIRED.get(layer)))}


@example(case={"layer": "Dense", "args": {"units": 2**62}, "kinds": {"units": "edge"}})
@cases(ci=100, long=1000)
@given(case=layer_cases())
def test_layer_arguments_are_checked_when_the_layer_is_made(worker, case):
    violations = worker.run("run_arguments:layer_arguments", case)
    assert not violations, "\n".join(violations)
