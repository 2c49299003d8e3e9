"""A densefit model as an ONNX graph: Gemm (or MatMul) per Dense, LayerNormalization, standard
ONNX operators for Keras's activations (opset 17, which ONNX Runtime and most converters read)."""

import numpy as np

OPSET = 17
# Keras's constants (keras.activations; the native core uses the same ones).
SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
DEFAULT_ALPHA = {"leaky_relu": 0.2, "elu": 1.0}


def onnx_model(model, inference):
    """The ONNX ModelProto of `model`, whose native forward pass `inference` describes."""
    try:
        import onnx
        from onnx import TensorProto, helper, numpy_helper
    except ImportError as error:
        raise ImportError("Exporting to ONNX needs the `onnx` package: "
                          "pip install densefit[onnx]") from error

    graph = _Graph(helper, numpy_helper)
    sample_in = tuple(int(d) for d in model.input_shape[1:])
    sample_out = tuple(int(d) for d in model.output_shape[1:])
    current = "input"
    if len(sample_in) != 1:  # the native chain reads rows of input_dim values
        current = graph.reshape(current, [-1, inference.input_dim])
    for index, layer in enumerate(inference.layers()):
        if layer["kind"] == "layer_normalization":
            current = graph.layer_normalization(current, layer, index)
            continue
        if layer["kind"] == "dense":
            current = graph.dense(current, layer, index)
        elif layer["kind"] != "activation":
            raise ValueError(f"ONNX export has no {layer['kind']!r} layer yet")
        current = _activation(graph, current, layer["activation"], layer["activation_alpha"])
    if len(sample_out) != 1 or current == "input":
        current = graph.reshape(current, [-1, *sample_out])
    graph.rename_output(current, "output")

    onnx_graph = helper.make_graph(
        graph.nodes, model.name,
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", *sample_in])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", *sample_out])],
        graph.initializers)
    proto = helper.make_model(onnx_graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="densefit")
    onnx.checker.check_model(proto)
    return proto


class _Graph:
    """Nodes and initializers, with fresh value names."""

    def __init__(self, helper, numpy_helper):
        self.helper, self.numpy_helper = helper, numpy_helper
        self.nodes, self.initializers = [], []
        self._count = 0

    def name(self, stem):
        self._count += 1
        return f"{stem}_{self._count}"

    def constant(self, stem, array):
        name = self.name(stem)
        self.initializers.append(self.numpy_helper.from_array(np.asarray(array), name))
        return name

    def op(self, op_type, inputs, **attributes):
        out = self.name(op_type.lower())
        self.nodes.append(self.helper.make_node(op_type, list(inputs), [out], **attributes))
        return out

    def reshape(self, x, shape):
        return self.op("Reshape", [x, self.constant("shape", np.array(shape, dtype=np.int64))])

    def dense(self, x, layer, index):
        kernel = self.constant(f"dense{index}_kernel", layer["kernel"])
        if layer["bias"] is None:
            return self.op("MatMul", [x, kernel])
        bias = self.constant(f"dense{index}_bias", layer["bias"])
        return self.op("Gemm", [x, kernel, bias])

    def layer_normalization(self, x, layer, index):
        # ONNX's LayerNormalization (opset 17) over the last axis; Scale is required, so a
        # layer without gamma gets ones.
        params = list(layer["params"])
        width = layer["in_dim"]
        gamma = params.pop(0) if layer["scale"] else np.ones(width, dtype=np.float32)
        inputs = [x, self.constant(f"layer_norm{index}_gamma", gamma)]
        if layer["center"]:
            inputs.append(self.constant(f"layer_norm{index}_beta", params.pop(0)))
        return self.op("LayerNormalization", inputs, axis=-1, epsilon=float(layer["epsilon"]))

    def scalar(self, value):
        return self.constant("c", np.array(value, dtype=np.float32))

    def rename_output(self, value, name):
        for node in self.nodes:
            node.output[:] = [name if o == value else o for o in node.output]
        if not self.nodes or value == "input":
            self.nodes.append(self.helper.make_node("Identity", [value], [name]))


def _activation(g, x, name, alpha):
    if name == "linear":
        return x
    if alpha != alpha:  # NaN: Keras's default
        alpha = DEFAULT_ALPHA.get(name)
    simple = {"relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh", "softplus": "Softplus",
              "softsign": "Softsign", "exponential": "Exp"}
    if name in simple:
        return g.op(simple[name], [x])
    if name in ("softmax", "log_softmax"):
        return g.op("Softmax" if name == "softmax" else "LogSoftmax", [x], axis=-1)
    if name == "elu":
        return g.op("Elu", [x], alpha=float(alpha))
    if name == "leaky_relu":
        return g.op("LeakyRelu", [x], alpha=float(alpha))
    if name == "selu":
        return g.op("Selu", [x], alpha=SELU_ALPHA, gamma=SELU_SCALE)
    if name == "relu6":
        return g.op("Clip", [x, g.scalar(0.0), g.scalar(6.0)])
    if name == "hard_sigmoid":  # Keras 3: relu6(x + 3) / 6
        return g.op("HardSigmoid", [x], alpha=1.0 / 6.0, beta=0.5)
    if name == "hard_silu":
        return g.op("HardSwish", [x])
    if name == "silu":
        return g.op("Mul", [x, g.op("Sigmoid", [x])])
    if name == "mish":
        return g.op("Mul", [x, g.op("Tanh", [g.op("Softplus", [x])])])
    if name == "gelu":  # x * 0.5 * (1 + erf(x / sqrt 2))
        erf = g.op("Erf", [g.op("Mul", [x, g.scalar(0.7071067811865476)])])
        half_x = g.op("Mul", [x, g.scalar(0.5)])
        return g.op("Mul", [half_x, g.op("Add", [erf, g.scalar(1.0)])])
    if name == "gelu_tanh":  # x * sigmoid(2 * sqrt(2/pi) * (x + 0.044715 x^3))
        cube = g.op("Mul", [g.op("Mul", [x, x]), x])
        inner = g.op("Add", [x, g.op("Mul", [cube, g.scalar(0.044715)])])
        scaled = g.op("Mul", [inner, g.scalar(2.0 * 0.7978845608028654)])
        return g.op("Mul", [x, g.op("Sigmoid", [scaled])])
    raise ValueError(f"Activation {name!r} has no ONNX export")
