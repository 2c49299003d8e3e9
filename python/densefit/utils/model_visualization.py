"""keras.utils.model_to_dot / plot_model: the model as a pydot graph (and an image through
graphviz), with Keras's node labels, graph attributes and errors.

pydot (or its forks pydot_ng, pydotplus) is imported when a graph is drawn, not with
densefit."""

import importlib.util
import os
import sys

from densefit.utils.io_utils import print_msg


def _pydot():
    for name in ("pydot", "pydot_ng", "pydotplus"):  # the older forks, as Keras tries them
        try:
            return __import__(name)
        except ImportError:
            continue
    return None


def check_pydot():
    """Whether pydot is available."""
    return _pydot() is not None


def check_graphviz():
    """Whether both pydot and graphviz are available."""
    pydot = _pydot()
    if pydot is None:
        return False
    try:
        pydot.Dot.create(pydot.Dot())  # renders an empty graph: finds the `dot` program
        return True
    except (OSError, pydot.PydotException):
        return False


def _not_built_error():
    return ValueError("This model has not yet been built. Build the model first by calling "
                      "`build()` or by calling the model on a batch of data.")


def _activation_name(layer):
    activation = layer.activation
    if hasattr(activation, "name"):
        return activation.name
    if hasattr(activation, "__name__"):
        return activation.__name__
    return str(activation)


def _format_shape(shape):
    if shape is None:
        return "?"
    return f"{shape}".replace("}", "").replace("{", "")


def _layer_label(layer, input_shape, output_shape, trainable, show_layer_names,
                 show_layer_activations, show_dtype, show_shapes, show_trainable):
    """The HTML-like label Keras gives a layer's node (keras/src/utils/model_visualization.py,
    make_layer_label), cell for cell."""
    class_name = layer.__class__.__name__
    colspan = max(1, sum(int(x) for x in (show_dtype, show_trainable)) + 2 * bool(show_shapes))
    table = '<<table border="0" cellborder="1" bgcolor="black" cellpadding="10">'
    title = f"<b>{layer.name}</b> ({class_name})" if show_layer_names else f"<b>{class_name}</b>"
    table += (f'<tr><td colspan="{colspan}" bgcolor="black">'
              f'<font point-size="16" color="white">{title}</font></td></tr>')
    if show_layer_activations and getattr(layer, "activation", None) is not None:
        table += (f'<tr><td bgcolor="white" colspan="{colspan}"><font point-size="14">'
                  f"Activation: <b>{_activation_name(layer)}</b></font></td></tr>")
    cols = []
    if show_shapes:
        if class_name != "InputLayer":
            cols.append('<td bgcolor="white"><font point-size="14">'
                        f"Input shape: <b>{_format_shape(input_shape)}</b></font></td>")
        cols.append('<td bgcolor="white"><font point-size="14">'
                    f"Output shape: <b>{_format_shape(output_shape)}</b></font></td>")
    if show_dtype:
        dtype = "float32" if output_shape is not None else None  # densefit computes in float32
        cols.append('<td bgcolor="white"><font point-size="14">'
                    f"Output dtype: <b>{dtype or '?'}</b></font></td>")
    if show_trainable and layer.weights:
        if trainable:
            cols.append('<td bgcolor="forestgreen"><font point-size="14" color="white">'
                        "<b>Trainable</b></font></td>")
        else:
            cols.append('<td bgcolor="firebrick"><font point-size="14" color="white">'
                        "<b>Non-trainable</b></font></td>")
    if cols:
        table += f"<tr>{''.join(cols)}</tr>"
    return table + "</table>>"


def _nodes(model):
    """(layer, input shape, output shape) per node, in Keras's order: a functional model
    starts with its InputLayer, a Sequential does not show one."""
    from densefit.models import Functional

    shapes = [(None,) + tuple(int(d) for d in s) for s in model._shapes()]
    rows = [(layer, shapes[i], shapes[i + 1]) for i, layer in enumerate(model._layers)]
    source = getattr(model, "_input_layer", None)
    if type(model) is Functional and source is not None:
        rows.insert(0, (source, None, shapes[0]))
    return rows


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True,
                 rankdir="TB", expand_nested=False, dpi=200, subgraph=False,
                 show_layer_activations=False, show_trainable=False, splines="ortho",
                 **kwargs):
    """The model as a `pydot.Dot` (a `pydot.Cluster` when `subgraph=True`): one node per
    layer, labelled as Keras labels it, joined in order. densefit models hold no nested
    models, so `expand_nested` draws the same graph."""
    if not model.built:
        raise _not_built_error()
    pydot = _pydot()
    if pydot is None:
        raise ImportError("You must install pydot (`pip install pydot`) for model_to_dot to "
                          "work.")
    if subgraph:
        dot = pydot.Cluster(style="dashed", graph_name=model.name)
        dot.set("label", model.name)
        dot.set("labeljust", "l")
    else:
        dot = pydot.Dot()
        dot.set("rankdir", rankdir)
        dot.set("concentrate", True)
        dot.set("dpi", dpi)
        dot.set("splines", splines)
        dot.set_node_defaults(shape="record")
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
    rows = _nodes(model)
    for layer, input_shape, output_shape in rows:
        label = _layer_label(layer, input_shape, output_shape,
                             layer.trainable and model.trainable, show_layer_names,
                             show_layer_activations, show_dtype, show_shapes, show_trainable)
        node = pydot.Node(str(id(layer)), label=label)
        node.set("fontname", "Helvetica")
        node.set("border", "0")
        node.set("margin", "0")
        dot.add_node(node)
    for (src, _, _), (dst, _, _) in zip(rows, rows[1:]):
        edge = pydot.Edge(str(id(src)), str(id(dst)))
        edge.set("penwidth", "2")
        dot.add_edge(edge)
    return dot


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=False, rankdir="TB", expand_nested=False, dpi=200,
               show_layer_activations=False, show_trainable=False, splines="ortho", **kwargs):
    """Draws the model (model_to_dot) into `to_file`, in the format its extension names (png
    without one). Returns an IPython Image when IPython is installed and the file is no pdf.
    Without pydot or graphviz: Keras's ImportError (in a notebook, Keras's message instead)."""
    if not model.built:
        raise _not_built_error()
    if not check_pydot():
        return _missing("You must install pydot (`pip install pydot`) for `plot_model` to "
                        "work.")
    if not check_graphviz():
        return _missing("You must install graphviz (see instructions at "
                        "https://graphviz.gitlab.io/download/) for `plot_model` to work.")
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype,
                       show_layer_names=show_layer_names, rankdir=rankdir,
                       expand_nested=expand_nested, dpi=dpi,
                       show_layer_activations=show_layer_activations,
                       show_trainable=show_trainable, splines=splines)
    to_file = str(to_file)
    extension = os.path.splitext(to_file)[1][1:] or "png"
    dot.write(to_file, format=extension)
    if extension != "pdf":
        try:
            from IPython import display
        except ImportError:
            return None
        return display.Image(filename=to_file)
    return None


def _missing(message):
    """Keras prints the message instead of raising when IPython's magics are loaded (meant
    for notebooks); since `import keras` imports IPython wherever it is installed
    (keras/src/saving/file_editor.py), a Keras script prints wherever IPython is installed."""
    if "IPython.core.magics.namespace" in sys.modules or _ipython_installed():
        print_msg(message)
        return None
    raise ImportError(message)


def _ipython_installed():
    try:
        return importlib.util.find_spec("IPython") is not None
    except (ImportError, ValueError):  # ValueError: sys.modules["IPython"] is None
        return False
