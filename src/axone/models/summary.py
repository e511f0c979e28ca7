"""`model.summary()`: Keras 3's table of layers, output shapes and parameter counts.

Keras draws this table with the `rich` library. The same characters are
drawn here with plain strings: heavy borders around the header, light
lines between rows, each cell wrapped at spaces and cut with "…" where a
word is longer than its column, then the parameter totals with their size
in memory.
"""

from __future__ import annotations

import builtins
import math
import os
import re
import shutil
import sys

import numpy as np

_WORD = re.compile(r"\s*\S+\s*")
_TRAILING_SPACE = re.compile(r"\s+$")


def print_summary(model, line_length: int | None = None, positions=None, print_fn=None,
                  expand_nested: bool = False, show_trainable: bool = False, layer_range=None) -> None:
    """Print the summary of `model` (see `Model.summary`).

    Without `print_fn` the text goes to `sys.stdout`; with it, `print_fn`
    is called once with the whole text (ending in a newline), as in Keras 3.
    `expand_nested` is accepted for Keras compatibility: axone models do not
    contain other models.
    """
    text = summary_text(model, line_length, positions, show_trainable, layer_range)
    if print_fn is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        print_fn(text)


def summary_text(model, line_length=None, positions=None, show_trainable=False, layer_range=None) -> str:
    """The summary of `model` as one string, exactly as `print_summary` prints it."""
    layers, chain, model_nodes = _layout(model)
    if chain:
        default_length = 88
        positions = positions or [0.45, 0.80, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #"]
        justify = ["left", "left", "right"]
    else:
        default_length = 108
        positions = positions or [0.3, 0.56, 0.74, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        justify = ["left", "left", "right", "left"]
    if show_trainable:
        default_length += 12
        positions = [p * 0.90 for p in positions] + [1.0]
        header.append("Trainable")
        justify.append("center")
    if len(positions) < len(header):
        raise ValueError(
            f"positions needs one entry per column ({len(header)}: {', '.join(header)}). "
            f"Received: positions={positions}"
        )
    # Keras fits the table to the terminal (shutil's size; 80 columns when there is none).
    line_length = line_length or min(default_length, shutil.get_terminal_size().columns - 4)
    widths = []
    current = 0
    for position in positions:
        width = int(position * line_length) - current
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(width)
        current += width

    start, stop = _layer_bounds(layers, layer_range)
    rows = [_layer_row(layer, chain, model_nodes, show_trainable) for layer in layers[start:stop]]

    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    trainable_count, trainable_size = _count(trainable), _memory_size(trainable)
    frozen_count, frozen_size = _count(non_trainable), _memory_size(non_trainable)
    optimizer = _optimizer_params(model)
    optimizer_count, optimizer_size = optimizer or (0, 0)
    total_count = trainable_count + frozen_count + optimizer_count
    total_size = trainable_size + frozen_size + optimizer_size

    console_width = _console_width()
    lines = _fold(f'Model: "{model.name}"', console_width)
    # Lines wider than the console are cut at its edge, as rich does.
    lines += [line[:console_width] for line in
              _table(header, rows, widths[:len(header)], justify, line_length)]
    totals = [("Total", total_count, total_size), ("Trainable", trainable_count, trainable_size),
              ("Non-trainable", frozen_count, frozen_size)]
    if optimizer is not None:
        totals.append(("Optimizer", optimizer_count, optimizer_size))
    for label, count, size in totals:
        lines += _fold(f" {label} params: {count:,} ({readable_memory_size(size)})", console_width)
    return "".join(line + "\n" for line in lines)


def readable_memory_size(size: float) -> str:
    """Bytes as Keras shows them: `1066440` -> `"1.02 MB"` (steps of 1024)."""
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


# ------------------------------------------------------------------ the rows
def _layout(model):
    """`(layers, chain, model_nodes)`: the rows' layers, whether the model is a
    plain chain (no "Connected to" column), and the ids of its graph's nodes."""
    from axone.models.sequential import Sequential

    # A subclassed model is shown as a plain list of its layers, as Keras does.
    if isinstance(model, Sequential) or model._plan is None or getattr(model, "_subclassed", False):
        return model.layers, True, None
    nodes_by_depth = model._plan.nodes_by_depth
    model_nodes = {id(node) for nodes in nodes_by_depth.values() for node in nodes}
    # Keras's rule: a chain has one single-input node per depth and no layer
    # called twice; anything else gets the "Connected to" column.
    chain = all(len(nodes) == 1 and len(nodes[0].inputs) <= 1 for nodes in nodes_by_depth.values())
    if chain:
        chain = all(sum(id(node) in model_nodes for node in layer._inbound_nodes) <= 1
                    for layer in model.layers)
    return model.layers, chain, model_nodes


def _layer_bounds(layers, layer_range) -> tuple[int, int]:
    """Slice of `layers` from the first matching `layer_range[0]` to the last matching `[1]`."""
    if layer_range is None:
        return 0, len(layers)
    if len(layer_range) != 2:
        raise ValueError(
            "layer_range must be a list or tuple of length 2. Received: "
            f"layer_range = {layer_range} of length {len(layer_range)}"
        )
    if not all(isinstance(name, str) for name in layer_range):
        raise ValueError(f"layer_range should contain string type only. Received: {layer_range}")
    lower = [i for i, layer in enumerate(layers) if re.match(layer_range[0], layer.name)]
    upper = [i for i, layer in enumerate(layers) if re.match(layer_range[1], layer.name)]
    if not lower or not upper:
        raise ValueError(
            f"Passed layer_names do not match the layer names in the model. Received: {layer_range}"
        )
    if min(lower) > max(upper):
        return min(upper), max(lower) + 1
    return min(lower), max(upper) + 1


def _layer_row(layer, chain: bool, model_nodes, show_trainable: bool) -> list[str]:
    params = f"{layer.count_params():,}" if layer.built else "0 (unbuilt)"
    row = [f"{layer.name} ({type(layer).__name__})", _output_shape(layer), params]
    if not chain:
        row.append(_connections(layer, model_nodes))
    if show_trainable:
        row.append(("Y" if layer.trainable else "N") if layer.weights else "-")
    return row


def _output_shape(layer) -> str:
    if layer._inbound_nodes:  # the latest call, as Keras shows
        shape = layer._inbound_nodes[-1].outputs[0].shape
    elif layer.built and layer._build_input_shape is not None:
        try:
            shape = layer.compute_output_shape(layer._build_input_shape)
        except Exception:
            return "?"
    else:
        return "?"
    return "(" + ", ".join(str(d) for d in shape) + ")"


def _connections(layer, model_nodes) -> str:
    """`"dense[0][0], input_layer[0][0]"`: producing layer, its call index, output index."""
    sources = []
    for node in layer._inbound_nodes:
        if id(node) not in model_nodes:
            continue
        for tensor in node.inputs:
            source = tensor.node.layer
            sources.append(f"{source.name}[{source._inbound_nodes.index(tensor.node)}]"
                           f"[{tensor.node.outputs.index(tensor)}]")
    return ", ".join(sources) or "-"


# ---------------------------------------------------------------- the totals
def _count(weights) -> int:
    return int(sum(math.prod(w.shape) for w in weights))


def _memory_size(weights) -> int:
    unique = {id(w): w for w in weights}.values()
    return sum(math.prod(w.shape) * np.dtype(w.dtype).itemsize for w in unique)


def _optimizer_params(model):
    """`(count, bytes)` of the optimizer's state once it has some, else None.

    Keras counts the iteration counter (an int32), the learning rate unless
    it is a schedule, and the per-weight slots (momentums, moments, ...).
    """
    optimizer = getattr(model, "optimizer", None)
    if not getattr(model, "compiled", False) or optimizer is None or not optimizer.built:
        return None
    count, size = 1, 4
    if not callable(getattr(optimizer, "_learning_rate", None)):
        from axone import backend
        count, size = count + 1, size + np.dtype(backend.floatx()).itemsize
    for slot in optimizer.slots.values():
        count += slot.size
        size += slot.nbytes
    return count, size


# ----------------------------------------------------------------- the table
def _table(header, rows, widths, justify, line_length) -> list[str]:
    """Draw the table the way rich draws Keras's (box HEAVY_HEAD, lines between rows)."""
    widths = _fit_widths(widths, line_length)
    top = "┏" + "┳".join("━" * w for w in widths) + "┓"
    under_header = "┡" + "╇".join("━" * w for w in widths) + "┩"
    between = "├" + "┼".join("─" * w for w in widths) + "┤"
    bottom = "└" + "┴".join("─" * w for w in widths) + "┘"
    lines = [top]
    lines += _row_lines(header, widths, justify, "┃", header=True)
    lines.append(under_header)
    for i, row in enumerate(rows):
        if i:
            lines.append(between)
        lines += _row_lines(row, widths, justify, "│", header=False)
    lines.append(bottom)
    return lines


def _fit_widths(widths, line_length) -> list[int]:
    """Outer cell widths (text plus one space each side) filling `line_length` with borders.

    As rich sizes Keras's table: too wide, the excess is taken evenly from
    the columns (Python's half-to-even rounding); too narrow (`positions`
    ending before 1.0), the spare width is shared in proportion to the
    columns' widths, rounding up.
    """
    available = line_length - (len(widths) + 1)
    cells = [min(w + 2, available) for w in widths]
    excess = sum(cells) - available
    remaining = len(cells) if excess > 0 else sum(cells)
    result = []
    for cell in cells:
        if excess > 0:
            change = -min(cell, round(excess / remaining))
            remaining -= 1
        else:
            change = math.ceil(cell * -excess / remaining)
            remaining -= cell
        result.append(cell + change)
        excess += change
    return [max(cell, 0) for cell in result]


def _row_lines(cells, widths, justify, bar, header) -> list[str]:
    columns = [_wrap(text, width - 2, how) for text, width, how in zip(cells, widths, justify)]
    height = max(len(lines) for lines in columns)
    for lines, width in zip(columns, widths):
        blank = [" " * (width - 2)] * (height - len(lines))
        # Header cells sit at the bottom of their row, the others at the top.
        lines[:] = blank + lines if header else lines + blank
    return [bar + bar.join((" " + lines[i] + " ")[:width] for lines, width in zip(columns, widths)) + bar
            for i in range(height)]


def _wrap(text: str, width: int, justify: str) -> list[str]:
    """Lines of exactly `width` characters: words wrapped, a too-long word cut with "…"."""
    if width <= 0:
        return [""]
    lines = []
    for piece in _divide(text, width, fold=False):
        if justify == "left":
            line = _truncate(piece, width)
            line += " " * (width - len(line))
        else:
            line = _truncate(piece.rstrip(), width)
            left = (width - len(line)) // 2 if justify == "center" else width - len(line)
            line = " " * left + line
            line += " " * (width - len(line))
        lines.append(line)
    return lines


def _truncate(line: str, width: int) -> str:
    return line if len(line) <= width else line[: width - 1] + "…"


def _fold(text: str, width: int) -> list[str]:
    """Wrap a line of text at `width` (a word longer than a line is split)."""
    return [piece[:width] for piece in _divide(text, width, fold=True)]


def _divide(text: str, width: int, fold: bool) -> list[str]:
    """Split `text` into lines at word boundaries (rich's word-wrapping rule).

    A word carries the spaces after it. A word longer than `width` is split
    into `width`-long pieces if `fold`, else left whole on its own line.
    Spaces that push a line past `width` are dropped.
    """
    breaks = []
    offset = 0  # characters already on the current line
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group()
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width:
            if fold:
                chunks = [word[i:i + width] for i in range(0, len(word), width)]
                for chunk in chunks[:-1]:
                    if start:
                        breaks.append(start)
                    start += len(chunk)
                if start:
                    breaks.append(start)
                offset = len(chunks[-1])
            else:
                if start:
                    breaks.append(start)
                offset = len(word)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    bounds = [0] + breaks + [len(text)]
    pieces = [text[a:b] for a, b in zip(bounds, bounds[1:])]
    return [_drop_overflowing_space(piece, width) for piece in pieces]


def _drop_overflowing_space(line: str, width: int) -> str:
    excess = len(line) - width
    match = _TRAILING_SPACE.search(line)
    if excess > 0 and match:
        return line[: len(line) - min(len(match.group()), excess)]
    return line


def _console_width() -> int:
    """The width Keras's console takes: 115 in a notebook, else `$COLUMNS`,
    else the terminal's, else 80."""
    shell = getattr(builtins, "get_ipython", None)
    if shell is not None:
        kind = type(shell())
        if kind.__name__ == "ZMQInteractiveShell" or "google.colab" in str(kind):
            columns = os.environ.get("JUPYTER_COLUMNS", "")
            return int(columns) if columns.isdigit() else 115
    width = None
    for fd in (0, 1, 2):
        try:
            width = os.get_terminal_size(fd).columns
            break
        except (AttributeError, ValueError, OSError):
            pass
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        width = int(columns)
    return width or 80
