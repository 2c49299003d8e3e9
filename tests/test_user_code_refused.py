"""User code densefit's native engine would skip raises, naming the class, the method and
where it is defined, instead of training or predicting without it (a silent wrong answer:
the antirectifier example trained around an identity layer)."""

import numpy as np
import pytest

import densefit as keras
from densefit import layers
from densefit.user_code import UnsupportedUserCodeError

x = np.random.default_rng(0).random((8, 3), dtype=np.float32)


class Antirectifier(layers.Layer):
    def call(self, inputs):
        return inputs * 2.0


class NoCall(layers.Layer):
    pass


class MCDropout(layers.Dropout):
    def call(self, inputs, training=None):
        return super().call(inputs, training=True)


class DenseWithBuild(layers.Dense):
    def build(self, input_shape):
        self.extra = True


class CustomStep(keras.Sequential):
    def train_step(self, data):
        raise AssertionError("never reached")


class CustomCall(keras.Sequential):
    def call(self, inputs, training=None):
        return inputs


class Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(1)

    def call(self, inputs):
        return self.dense(inputs)


@pytest.mark.parametrize("layer_class, method", [(Antirectifier, "call"), (MCDropout, "call"),
                                                 (DenseWithBuild, "build")])
def test_a_layer_override_raises_in_sequential_naming_it(layer_class, method):
    layer = {Antirectifier: lambda: Antirectifier(), MCDropout: lambda: MCDropout(0.5),
             DenseWithBuild: lambda: DenseWithBuild(4)}[layer_class]()
    with pytest.raises(UnsupportedUserCodeError) as raised:
        keras.Sequential([keras.Input((3,)), layers.Dense(4), layer, layers.Dense(1)])
    message = str(raised.value)
    assert layer_class.__name__ in message and f"`{method}`" in message
    assert __file__ in message  # where the override is defined


def test_a_custom_layer_raises_when_called_on_a_symbolic_tensor():
    inputs = keras.Input((3,))
    with pytest.raises(UnsupportedUserCodeError, match="Antirectifier"):
        Antirectifier()(layers.Dense(4)(inputs))


def test_a_layer_subclass_without_computation_raises():
    with pytest.raises(UnsupportedUserCodeError, match="NoCall"):
        keras.Sequential([keras.Input((3,)), NoCall()])


@pytest.mark.parametrize("model_class, method", [(CustomStep, "train_step"),
                                                 (CustomCall, "call")])
def test_a_model_override_raises_naming_it(model_class, method):
    with pytest.raises(UnsupportedUserCodeError, match=f"{model_class.__name__} overrides "
                                                       f"`{method}`"):
        model_class([keras.Input((3,)), layers.Dense(1)])


def test_a_subclassed_model_raises_instead_of_asking_for_inputs():
    with pytest.raises(UnsupportedUserCodeError, match="Subclassed subclasses Model"):
        Subclassed()


def test_subclasses_that_only_add_config_still_run():
    class ScaledDense(layers.Dense):
        def __init__(self, units, scale=1.0, **kwargs):
            super().__init__(units, **kwargs)
            self.scale = scale

        def get_config(self):
            return {**super().get_config(), "scale": self.scale}

    class Named(keras.Sequential):
        def describe(self):
            return self.name

    model = Named([keras.Input((3,)), ScaledDense(2, scale=3.0)])
    model.compile("sgd", "mse")
    assert model.predict(x, verbose=0).shape == (8, 2)
    assert model.describe() == model.name
