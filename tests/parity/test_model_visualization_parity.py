"""utils.model_to_dot / plot_model against Keras: node labels, graph attributes and edges
(needs pydot; skipped without it), and Keras's errors when pydot is missing."""

import sys

import pytest

import densefit
from keras_oracle import keras

pytestmark = pytest.mark.parity

FLAGS = [{}, {"show_shapes": True}, {"show_dtype": True, "show_layer_names": False},
         {"show_shapes": True, "show_dtype": True, "show_layer_activations": True,
          "show_trainable": True, "rankdir": "LR", "dpi": 96}]


def _sequential(lib):
    return lib.Sequential([lib.Input((5,)),
                           lib.layers.Dense(4, activation="relu", name="hidden"),
                           lib.layers.Dropout(0.2, name="drop"),
                           lib.layers.Dense(3, activation="softmax", name="head", trainable=False),
                           lib.layers.Dense(1, name="out")])


def _functional(lib):
    inputs = lib.Input((5,), name="features")
    x = lib.layers.Dense(4, activation="tanh", name="hidden")(inputs)
    return lib.Model(inputs, lib.layers.Dense(2, name="out")(x), name="chain")


def _graph(dot):
    """What a dot graph shows, without the node ids (Keras's are id(layer))."""
    nodes = [n for n in dot.get_nodes() if n.get_name() not in ("node", "edge", "graph")]
    index = {n.get_name(): i for i, n in enumerate(nodes)}
    return {"graph": dot.get_attributes(), "node_defaults": dot.get_node_defaults(),
            "nodes": [(n.get_label(), {k: v for k, v in n.get_attributes().items()
                                       if k != "label"}) for n in nodes],
            "edges": [(index[e.get_source()], index[e.get_destination()], e.get_attributes())
                      for e in dot.get_edges()]}


@pytest.mark.parametrize("build", [_sequential, _functional])
@pytest.mark.parametrize("flags", FLAGS)
def test_model_to_dot_draws_the_graph_keras_draws(build, flags):
    pytest.importorskip("pydot")
    k = keras()
    expected = _graph(k.utils.model_to_dot(build(k), **flags))
    assert _graph(densefit.utils.model_to_dot(build(densefit), **flags)) == expected


def test_subgraph_is_a_cluster_named_after_the_model():
    pytest.importorskip("pydot")
    k = keras()
    ours = densefit.utils.model_to_dot(_functional(densefit), subgraph=True)
    theirs = k.utils.model_to_dot(_functional(k), subgraph=True)
    assert type(ours) is type(theirs)
    assert ours.get_name() == theirs.get_name() and _graph(ours) == _graph(theirs)


def test_unknown_arguments_are_refused_as_keras_refuses_them():
    pytest.importorskip("pydot")
    k = keras()
    for kwargs in ({"layer_range": ["a", "b"]}, {"colour": True}):
        errors = []
        for lib in (k, densefit):
            with pytest.raises(ValueError) as e:
                lib.utils.model_to_dot(_sequential(lib), **kwargs)
            errors.append(str(e.value))
        assert errors[0] == errors[1]


@pytest.mark.parametrize("ipython", [True, False])
def test_without_pydot_the_outcome_is_keras_s(monkeypatch, capsys, ipython):
    """Keras prints instead of raising once IPython is loaded, which `import keras` does
    wherever IPython is installed."""
    k = keras()
    from keras.src.utils import model_visualization as keras_visualization

    monkeypatch.setattr(keras_visualization, "pydot", None)
    for name in ("pydot", "pydot_ng", "pydotplus"):
        monkeypatch.setitem(sys.modules, name, None)
    if not ipython:
        monkeypatch.setitem(sys.modules, "IPython", None)
        monkeypatch.delitem(sys.modules, "IPython.core.magics.namespace", raising=False)
    elif "IPython.core.magics.namespace" not in sys.modules:
        pytest.skip("IPython is not installed")
    for draw in ("model_to_dot", "plot_model"):
        outcomes = []
        for lib in (k, densefit):
            try:
                returned = getattr(lib.utils, draw)(_sequential(lib))
            except ImportError as e:
                outcomes.append(("raised", str(e)))
            else:
                outcomes.append(("printed", returned, capsys.readouterr().out))
        assert outcomes[0] == outcomes[1]
