"""A densefit model as an ONNX graph: Gemm (or MatMul) per Dense, standard ONNX operators for
the layer ops (Layer/Batch/Unit/Normalization, ReLU, PReLU, Rescaling) and
Keras's activations (opset 17, which ONNX Runtime and most converters read)."""

import numpy as np

OPSET = 17
# Keras's constants (keras.activations; the native core uses the same ones).
SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
DEFAULT_ALPHA = {"leaky_relu": 0.2, "elu": 1.0}
# Layer ops, each exported by the _Graph method of its kind's name.
_OP_LAYERS = ("layer_normalization", "batch_normalization", "relu", "prelu", "rescaling",
              "unit_normalization", "normalization", "embedding")


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
    if sample_in != (inference.input_dim,):  # the native chain reads rows of input_dim values
        current = graph.reshape(current, [-1, inference.input_dim])
    for index, layer in enumerate(inference.layers()):
        if layer["kind"] in _OP_LAYERS:
            current = getattr(graph, layer["kind"])(current, layer, index)
            continue
        if layer["kind"] == "dense":
            current = graph.dense(current, layer, index)
        elif layer["kind"] != "activation":
            raise ValueError(f"ONNX export has no {layer['kind']!r} layer yet")
        current = _activation(graph, current, layer["activation"], layer["activation_alpha"])
    if sample_out != (inference.output_dim,) or current == "input":
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

    def batch_normalization(self, x, layer, index):
        # ONNX's BatchNormalization in inference mode, on (rows, features): the moving
        # statistics; scale and bias are required, so absent ones are ones and zeros.
        params = list(layer["params"])
        width = layer["in_dim"]
        gamma = params.pop(0) if layer["scale"] else np.ones(width, dtype=np.float32)
        beta = params.pop(0) if layer["center"] else np.zeros(width, dtype=np.float32)
        names = [self.constant(f"batch_norm{index}_{what}", value) for what, value in
                 (("gamma", gamma), ("beta", beta), ("moving_mean", params[0]),
                  ("moving_variance", params[1]))]
        return self.op("BatchNormalization", [x, *names], epsilon=float(layer["epsilon"]))

    def relu(self, x, layer, index):
        # Keras's relu(x, negative_slope, max_value, threshold): x above the threshold (else
        # 0), clipped to [0, max_value], less negative_slope * relu(threshold - x).
        threshold = self.scalar(layer["threshold"])
        zero = self.scalar(0.0)
        positive = self.op("Where", [self.op("Greater", [x, threshold]), x, zero])
        positive = self.op("Clip", [positive, zero, self.scalar(layer["max_value"])])
        if layer["negative_slope"] == 0.0:
            return positive
        below = self.op("Relu", [self.op("Sub", [threshold, x])])
        return self.op("Sub", [positive, self.op("Mul", [below,
                                                         self.scalar(layer["negative_slope"])])])

    def prelu(self, x, layer, index):
        return self.op("PRelu", [x, self.constant(f"prelu{index}_alpha", layer["params"][0])])

    def rescaling(self, x, layer, index):
        scaled = self.op("Mul", [x, self.scalar(layer["factor"])])
        return self.op("Add", [scaled, self.scalar(layer["offset"])])

    def unit_normalization(self, x, layer, index):
        # Keras's normalize: x * min(rsqrt(sum(x^2)), 1 / 1e-12) over the last axis.
        squares = self.op("ReduceSumSquare", [x], axes=[-1], keepdims=1)
        inverse = self.op("Reciprocal", [self.op("Sqrt", [squares])])
        return self.op("Mul", [x, self.op("Min", [inverse, self.scalar(1e12)])])

    def normalization(self, x, layer, index):
        # Keras's Normalization: (x - mean) / max(sqrt(variance), 1e-7), or its inverse.
        mean, variance = (np.asarray(p, dtype=np.float32) for p in layer["params"])
        scale = np.maximum(np.sqrt(variance), np.float32(1e-7)).astype(np.float32)
        mean = self.constant(f"normalization{index}_mean", mean)
        scale = self.constant(f"normalization{index}_scale", scale)
        if layer["invert"]:
            return self.op("Add", [mean, self.op("Mul", [x, scale])])
        return self.op("Div", [self.op("Sub", [x, mean]), scale])

    def embedding(self, x, layer, index):
        # Keras's Embedding: the table's rows (ONNX's Gather counts negative indices from the
        # end, as Keras does; a Cast truncates as Keras's does), joined per row of indices.
        units = int(layer["units"])
        table = np.asarray(layer["params"][0], dtype=np.float32).reshape(-1, units)
        indices = self.op("Cast", [x], to=7)  # INT64
        rows = self.op("Gather", [self.constant(f"embedding{index}_table", table), indices],
                       axis=0)
        return self.reshape(rows, [-1, int(layer["in_dim"]) * units])

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
