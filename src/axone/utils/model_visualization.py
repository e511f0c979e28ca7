"""`plot_model`: a model's graph of layers drawn with matplotlib alone (no Graphviz, no pydot).

The graph is the model's own: one box per layer, one arrow per connection
between two layers (from the nodes each call of a layer recorded), laid out
in ranks by the longest path from the inputs, as Graphviz's `dot` would
rank them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

RANKDIRS = ("TB", "BT", "LR", "RL")
FONT_SIZE = 9
CHAR_WIDTH = 0.075  # inches per character at FONT_SIZE (a monospace estimate, a little wide)
LINE_HEIGHT = 0.19  # inches per text line
PADDING = 0.22  # inches around the text inside a box
GAP = 0.45  # inches between boxes


@dataclass
class Box:
    layer: object
    lines: list[str]
    rank: int = 0
    slot: int = 0
    parents: list = field(default_factory=list)  # the boxes this layer reads from

    @property
    def width(self) -> float:
        return max(len(line) for line in self.lines) * CHAR_WIDTH + 2 * PADDING

    @property
    def height(self) -> float:
        return len(self.lines) * LINE_HEIGHT + 2 * PADDING


def _shape(shapes) -> str:
    shapes = [tuple(shape) for shape in shapes]
    return str(shapes[0]) if len(shapes) == 1 else str(shapes)


def _describe(layer, node, show_shapes, show_dtype, show_layer_names, show_layer_activations,
              show_trainable) -> list[str]:
    kind = type(layer).__name__
    lines = [f"{layer.name} ({kind})" if show_layer_names else kind]
    activation = getattr(layer, "activation", None)
    if show_layer_activations and activation is not None:
        lines.append(f"Activation: {getattr(activation, 'name', getattr(activation, '__name__', activation))}")
    if show_dtype:
        lines.append(f"Output dtype: {node.outputs[0].dtype}")
    if show_shapes:
        if node.inputs:
            lines.append(f"Input shape: {_shape(t.shape for t in node.inputs)}")
        lines.append(f"Output shape: {_shape(t.shape for t in node.outputs)}")
    if show_trainable:
        lines.append(f"Trainable: {layer.trainable}")
    return lines


def model_graph(model, **show) -> list[Box]:
    """The boxes of `model`'s layers, in execution order, with their parents and ranks."""
    plan = getattr(model, "_plan", None)
    if plan is None:
        raise ValueError(f"Cannot plot model {model.name!r} before it is built: its input shape "
                         "is unknown. Start it with axone.Input(shape=...) or call it on data.")
    boxes: dict[int, Box] = {}
    for node in plan.nodes:  # execution order: every parent comes before its children
        layer = node.layer
        box = boxes.get(id(layer))
        if box is None:
            box = boxes[id(layer)] = Box(layer, _describe(layer, node, **show))
        for parent in node.parents:
            parent_box = boxes[id(parent.layer)]
            if parent_box not in box.parents:
                box.parents.append(parent_box)
            box.rank = max(box.rank, parent_box.rank + 1)
    ordered = list(boxes.values())
    for rank in {box.rank for box in ordered}:
        for slot, box in enumerate(b for b in ordered if b.rank == rank):
            box.slot = slot
    return ordered


LANE = 0.18  # inches between the side lanes of connections that skip ranks


class Layout:
    """Box centres in inches. Positions are worked out as `(across, along)`, along being
    the direction of the ranks, then mapped to `(x, y)` by `rankdir`. A connection that
    skips ranks runs in a lane beside the boxes it passes (on the right, or below for
    LR and RL), so it never crosses them."""

    def __init__(self, boxes: list[Box], rankdir: str):
        self.rankdir = rankdir
        self.vertical = rankdir in ("TB", "BT")
        n_ranks = max(box.rank for box in boxes) + 1
        per_rank = [[b for b in boxes if b.rank == r] for r in range(n_ranks)]
        depth = [max(self.along_size(b) for b in rank) for rank in per_rank]
        spans = [sum(self.across_size(b) for b in rank) + GAP * (len(rank) - 1) for rank in per_rank]
        self.skips = [(parent, box) for box in boxes for parent in box.parents
                      if box.rank - parent.rank > 1]
        core = max(spans) + 2 * GAP
        self.across_total = core + (GAP / 2 + LANE * len(self.skips) if self.skips else 0)
        self.along_total = sum(depth) + GAP * (n_ranks + 1)
        self.raw: dict[int, tuple[float, float]] = {}
        along = GAP
        for r, rank in enumerate(per_rank):
            position = (core - spans[r]) / 2
            for box in rank:
                self.raw[id(box)] = (position + self.across_size(box) / 2, along + depth[r] / 2)
                position += self.across_size(box) + GAP
            along += depth[r] + GAP
        self.width, self.height = ((self.across_total, self.along_total) if self.vertical
                                   else (self.along_total, self.across_total))

    def across_size(self, box: Box) -> float:
        return box.width if self.vertical else box.height

    def along_size(self, box: Box) -> float:
        return box.height if self.vertical else box.width

    def place(self, across: float, along: float) -> tuple[float, float]:
        if self.rankdir == "TB":
            return across, self.height - along
        if self.rankdir == "BT":
            return across, along
        if self.rankdir == "LR":
            return along, self.height - across
        return self.width - along, self.height - across  # RL

    def centre(self, box: Box) -> tuple[float, float]:
        return self.place(*self.raw[id(box)])

    def route(self, parent: Box, box: Box, boxes: list[Box]) -> list[tuple[float, float]]:
        """The points of the connection from `parent` to `box`, in figure inches."""
        (pa, pl), (ca, cl) = self.raw[id(parent)], self.raw[id(box)]
        if (parent, box) not in self.skips:  # adjacent ranks: border to border
            return [self.place(pa, pl + self.along_size(parent) / 2),
                    self.place(ca, cl - self.along_size(box) / 2)]
        passed = [b for b in boxes if parent.rank <= b.rank <= box.rank]
        lane = (max(self.raw[id(b)][0] + self.across_size(b) / 2 for b in passed) + GAP / 2
                + LANE * self.skips.index((parent, box)))
        return [self.place(pa + self.across_size(parent) / 2, pl), self.place(lane, pl),
                self.place(lane, cl), self.place(ca + self.across_size(box) / 2, cl)]


def plot_model(model, to_file: str = "model.png", show_shapes: bool = False,
               show_dtype: bool = False, show_layer_names: bool = False, rankdir: str = "TB",
               expand_nested: bool = False, dpi: int = 200, show_layer_activations: bool = False,
               show_trainable: bool = False):
    """Draw the model as boxes (layers) and arrows (connections) into `to_file`.

    The Keras 3 function's arguments and defaults, drawn with matplotlib
    only (Keras needs Graphviz and pydot). The format follows the file's
    extension: `.png`, `.svg`, `.pdf` (and any other matplotlib writes).

    Args:
        model: a built axone model (Sequential or functional).
        to_file: the file to write. Defaults to `"model.png"`.
        show_shapes: add each layer's input and output shapes.
        show_dtype: add each layer's output dtype.
        show_layer_names: title boxes `name (Class)` instead of `Class`.
        rankdir: `"TB"` (top to bottom, the default), `"BT"`, `"LR"` or `"RL"`.
        expand_nested: draw nested models' layers; axone models do not nest
            yet, so there is nothing to expand (a nested model raises).
        dpi: resolution of raster files. Defaults to 200.
        show_layer_activations: add the activation of layers that have one.
        show_trainable: add whether each layer is trainable.

    Returns:
        The matplotlib `Figure` (Keras returns an IPython image; in Jupyter
        the figure displays the same way). Each box's patch has the gid
        `layer:<name>`, each arrow `edge:<from>-><to>`, and SVG files keep
        them as element ids.
    """
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}. Received: rankdir={rankdir!r}")
    extension = os.path.splitext(os.fspath(to_file))[1].lower().lstrip(".")
    try:
        from matplotlib.figure import Figure
        from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
        from matplotlib.path import Path
    except ImportError as error:
        raise ImportError('plot_model needs matplotlib. Install it with: pip install "axone[plot]"') from error
    figure = Figure()
    supported = figure.canvas.get_supported_filetypes()
    if extension not in supported:
        raise ValueError(f"Cannot tell the image format from to_file={os.fspath(to_file)!r}: use one of "
                         f"the extensions {', '.join('.' + e for e in sorted(supported))}.")
    boxes = model_graph(model, show_shapes=show_shapes, show_dtype=show_dtype,
                        show_layer_names=show_layer_names,
                        show_layer_activations=show_layer_activations, show_trainable=show_trainable)
    nested = [box.layer.name for box in boxes if box.layer is not model and hasattr(box.layer, "_plan")]
    if nested and expand_nested:
        raise NotImplementedError(f"expand_nested: drawing the inside of nested models {nested} is "
                                  "not supported.")
    layout = Layout(boxes, rankdir)
    figure.set_size_inches(layout.width, layout.height)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, layout.width)
    ax.set_ylim(0, layout.height)
    ax.set_axis_off()
    for box in boxes:
        x, y = layout.centre(box)
        patch = FancyBboxPatch((x - box.width / 2, y - box.height / 2), box.width, box.height,
                               boxstyle="round,pad=0,rounding_size=0.06", facecolor="#eef3fb",
                               edgecolor="#345", linewidth=1.0)
        patch.set_gid(f"layer:{box.layer.name}")
        ax.add_patch(patch)
        ax.text(x, y, "\n".join(box.lines), ha="center", va="center", fontsize=FONT_SIZE,
                family="monospace", linespacing=1.35)
        for parent in box.parents:
            points = layout.route(parent, box, boxes)
            path = Path(points, [Path.MOVETO] + [Path.LINETO] * (len(points) - 1))
            arrow = FancyArrowPatch(path=path, arrowstyle="-|>", mutation_scale=12, color="#345",
                                    linewidth=1.0)
            arrow.set_gid(f"edge:{parent.layer.name}->{box.layer.name}")
            ax.add_patch(arrow)
    figure.savefig(to_file, dpi=dpi)
    return figure
