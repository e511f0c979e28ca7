"""`model.summary()`: the table of layers, output shapes and parameter counts."""

from __future__ import annotations


def _format_shape(shape) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def print_summary(model, line_length=None, positions=None, print_fn=None, show_trainable=False) -> None:
    print_fn = print_fn or print
    lines = [f'Model: "{model.name}"']
    if model._plan is None:
        lines.append("(unbuilt: the input shape is not known yet)")
    else:
        for layer in model.layers:
            try:
                shape = _format_shape(layer.output.shape)
            except AttributeError:
                shape = "?"
            lines.append(f"{layer.name} ({type(layer).__name__})  {shape}  {layer.count_params():,}")
        total = sum(v.size for v in model.weights)
        trainable = sum(v.size for v in model.trainable_weights)
        lines.append(f" Total params: {total:,}")
        lines.append(f" Trainable params: {trainable:,}")
        lines.append(f" Non-trainable params: {total - trainable:,}")
    for line in lines:
        print_fn(line)
