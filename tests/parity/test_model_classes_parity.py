"""The model classes as Keras shapes them: Model is the base class (Sequential derives from it,
Model(inputs, outputs) makes a Functional), a functional model lists its InputLayer, and the
symbolic view (model.inputs/outputs, layer.input/output, KerasTensor) answers as Keras's."""

import pytest

import densefit

keras = pytest.importorskip("keras")


def functional(lib):
    inputs = lib.Input((4,), name="features")
    hidden = lib.layers.Dense(3, name="hidden")(inputs)
    outputs = lib.layers.Dense(2, name="scores")(hidden)
    return lib.Model(inputs, outputs, name="chain")


def sequential(lib, with_input=True):
    head = [lib.Input((4,))] if with_input else []
    return lib.Sequential(head + [lib.layers.Dense(3, name="a"), lib.layers.Dense(1, name="b")])


def tensor_view(t):
    if isinstance(t, list):  # an InputLayer's input: none
        return [tensor_view(x) for x in t]
    return (t.shape, t.dtype, t.ndim)


@pytest.mark.parametrize("make", [functional, sequential])
def test_class_hierarchy(make):
    ours, theirs = make(densefit), make(keras)
    assert type(ours).__name__ == type(theirs).__name__
    assert isinstance(ours, densefit.Model) and isinstance(theirs, keras.Model)
    assert isinstance(ours, densefit.Sequential) == isinstance(theirs, keras.Sequential)
    assert issubclass(densefit.Sequential, densefit.Model) and \
        issubclass(keras.Sequential, keras.Model)


@pytest.mark.parametrize("make", [functional, sequential])
def test_layers_and_get_layer(make):
    ours, theirs = make(densefit), make(keras)
    assert [l.name for l in ours.layers] == [l.name for l in theirs.layers]
    for index in range(-len(theirs.layers), len(theirs.layers)):
        assert ours.get_layer(index=index).name == theirs.get_layer(index=index).name
    assert ours.get_layer(theirs.layers[0].name) is ours.layers[0]
    for bad in ({"index": len(theirs.layers)}, {"name": "nope"}, {}):
        with pytest.raises(ValueError) as ours_error:
            ours.get_layer(**bad)
        with pytest.raises(ValueError) as theirs_error:
            theirs.get_layer(**bad)
        assert str(ours_error.value).split(":")[0] == str(theirs_error.value).split(":")[0]


@pytest.mark.parametrize("make", [functional, sequential])
def test_symbolic_inputs_and_outputs(make):
    ours, theirs = make(densefit), make(keras)
    assert [tensor_view(t) for t in ours.inputs] == [tensor_view(t) for t in theirs.inputs]
    assert [tensor_view(t) for t in ours.outputs] == [tensor_view(t) for t in theirs.outputs]
    for mine, keras_layer in zip(ours.layers, theirs.layers):
        assert tensor_view(mine.input) == tensor_view(keras_layer.input)
        assert tensor_view(mine.output) == tensor_view(keras_layer.output)
    # Each layer's output is the next layer's input, as one graph.
    for before, after in zip(ours.layers, ours.layers[1:]):
        assert before.output is after.input
    assert ours.outputs[0] is ours.layers[-1].output


def test_functional_input_output_and_output_names():
    ours, theirs = functional(densefit), functional(keras)
    assert tensor_view(ours.input) == tensor_view(theirs.input)
    assert tensor_view(ours.output) == tensor_view(theirs.output)
    assert ours.input is ours.layers[0].output
    assert ours.output_names == theirs.output_names


def test_what_has_no_symbolic_view_raises_as_keras():
    for lib in (densefit, keras):
        model = sequential(lib, with_input=False)
        with pytest.raises(AttributeError, match="never been called"):
            model.layers[0].input
        with pytest.raises(AttributeError, match="has no defined inputs yet"):
            model.inputs
        with pytest.raises(AttributeError, match="never been called"):
            lib.layers.Dense(2).output
        with pytest.raises(AttributeError, match="never been called"):
            sequential(lib).output
