"""model.summary(): Keras's table of layers, output shapes and parameter counts."""


def summary_text(model):
    rows = [("Layer (type)", "Output Shape", "Param #")]
    shapes = model._item_shapes() if model._input_shape is not None else None
    for i, layer in enumerate(model._items):  # a model used as a layer is one row, as Keras's
        shape = f"(None, {', '.join(map(str, shapes[i + 1]))})" if shapes else "?"
        count = layer.count_params() if layer.built else 0
        rows.append((f"{layer.name} ({type(layer).__name__})", shape, f"{count:,}"))
    widths = [max(len(r[c]) for r in rows) + 2 for c in range(3)]
    rule = "━" * sum(widths)
    total = model.count_params() if model.built else 0
    trainable = sum(v.size for v in model.trainable_weights)
    lines = [f'Model: "{model.name}"', rule,
             "".join(c.ljust(w) for c, w in zip(rows[0], widths)), rule]
    lines += ["".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows[1:]]
    lines += [rule, f" Total params: {total:,}", f" Trainable params: {trainable:,}",
              f" Non-trainable params: {total - trainable:,}"]
    return "\n".join(lines)
