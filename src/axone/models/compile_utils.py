"""What `compile` sets up: the per-output losses and metrics of a model.

`CompiledLoss` turns the model outputs and targets into the total loss and
the gradient with respect to each output (or, when the output layer's
activation fuses with its loss, with respect to that layer's
pre-activation). `CompiledMetrics` keeps the metric objects and names them
as Keras does (`accuracy`, or `<output>_accuracy` with several outputs).
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from axone import losses as losses_module
from axone import metrics as metrics_module


def _per_output(value: Any, output_names: list[str], what: str) -> list:
    """Spread a single value, a list or a dict over the outputs."""
    n = len(output_names)
    if isinstance(value, dict):
        unknown = [k for k in value if k not in output_names]
        if unknown:
            raise ValueError(
                f"{what} has key(s) {unknown} that are not output names. "
                f"The model's outputs are {output_names}."
            )
        return [value.get(name) for name in output_names]
    if isinstance(value, (list, tuple)) and n > 1:
        if len(value) != n:
            raise ValueError(
                f"{what} has {len(value)} entries but the model has {n} outputs ({output_names})."
            )
        return list(value)
    if isinstance(value, (list, tuple)) and n == 1 and len(value) == 1 and what != "metrics":
        return [value[0]]
    return [value] * n if what != "metrics" or n == 1 else [value] * n


class CompiledLoss:
    """Losses of every output, their weights, and which outputs fuse with their activation."""

    def __init__(self, loss, loss_weights, output_names: list[str]):
        if loss is None:
            raise ValueError(
                "compile() needs a loss to train, e.g. loss='mse' for regression or "
                "loss='sparse_categorical_crossentropy' for classes given as integers."
            )
        self.output_names = output_names
        self.losses = [None if l is None else losses_module.get(l)
                       for l in _per_output(loss, output_names, "loss")]
        if all(l is None for l in self.losses):
            raise ValueError("Every output's loss is None: at least one output needs a loss.")
        for l in self.losses:
            if l is not None and l.reduction in ("none", None):
                raise ValueError(
                    f"The loss {l.name!r} has reduction={l.reduction!r}: it gives one value per "
                    "sample, but training needs a single number. Use reduction="
                    "'sum_over_batch_size' (the default) or 'sum'."
                )
        weights = _per_output(loss_weights, output_names, "loss_weights") if loss_weights is not None else [1.0] * len(output_names)
        self.loss_weights = [1.0 if w is None else float(w) for w in weights]
        self.fused = [False] * len(output_names)

    def setup_fusion(self, output_layers: list, consumed: list[bool]) -> None:
        """Fuse softmax/sigmoid with crossentropy where the output layer allows it.

        Args:
            output_layers: the layer producing each output.
            consumed: whether each output tensor also feeds another layer (then
                its gradient gets other contributions and cannot be fused).
        """
        counts: dict[int, int] = {}
        for layer in output_layers:
            counts[id(layer)] = counts.get(id(layer), 0) + 1
        for i, (loss, layer) in enumerate(zip(self.losses, output_layers)):
            activation = getattr(getattr(layer, "activation", None), "name", None)
            fuse = (
                loss is not None
                and loss.fused_activation is not None
                and activation == loss.fused_activation
                and not getattr(loss, "from_logits", True)
                and getattr(loss, "axis", -1) == -1
                and hasattr(layer, "loss_gives_preactivation_grad")
                and len(layer._inbound_nodes) == 1
                and counts[id(layer)] == 1
                and not consumed[i]
                and getattr(getattr(layer, "activation", None), "params", {}).get("axis", -1) == -1
            )
            self.fused[i] = fuse
            if hasattr(layer, "loss_gives_preactivation_grad"):
                layer.loss_gives_preactivation_grad = fuse

    def release_fusion(self, output_layers: list) -> None:
        for layer in output_layers:
            if hasattr(layer, "loss_gives_preactivation_grad"):
                layer.loss_gives_preactivation_grad = False

    def prepare_targets(self, ys: list[np.ndarray], output_shapes: list[tuple]) -> list:
        """Check every output's targets once; return them as the training step reads them."""
        return [y if loss is None else loss.prepare_targets(y, shape)
                for loss, y, shape in zip(self.losses, ys, output_shapes)]

    def compute(self, ys, outputs, sample_weights, with_grads: bool = True, grad_scale: float = 1.0):
        """Return `(total, per_output_values, grads)` for one batch of prepared targets.

        `grads[i]` is `grad_scale` times d(total)/d(output i), or d(total)/d(pre-activation)
        for a fused output, already scaled by the reduction and the loss weight.
        """
        total = 0.0
        values = []
        grads = []
        for loss, y, out, sw, fused, weight in zip(self.losses, ys, outputs, sample_weights,
                                                   self.fused, self.loss_weights):
            if loss is None:
                values.append(0.0)
                grads.append(np.zeros_like(out) if with_grads else None)
                continue
            value, grad = loss.value_and_gradient(y, out, sw, fused=fused, scale=weight * grad_scale,
                                                  with_gradient=with_grads)
            values.append(value)
            total += weight * value
            grads.append(grad)
        return total, values, grads


class CompiledMetrics:
    """The metric objects of every output, resolved once the data shapes are known.

    As in Keras 3, `metrics` are computed without sample weights and
    `weighted_metrics` with them. Each metric is named as Keras logs it: its
    own name (`"mae"` for the string `"mae"`), prefixed with the output name
    when the model has several outputs, with `_1`, `_2`, ... on repeats and
    `weighted_` for a weighted metric whose name is taken.
    """

    def __init__(self, metrics, output_names: list[str], weighted_metrics=None):
        self.output_names = output_names
        self.spec = metrics
        self.weighted_spec = weighted_metrics
        self.metrics: list[list[metrics_module.Metric]] | None = None
        self.weighted: list[list[metrics_module.Metric]] | None = None
        for name in _metric_names([metrics, weighted_metrics]):  # fail at compile(), not at fit()
            if name.lower() not in ("accuracy", "acc"):
                metrics_module.get(name)

    def _per_output(self, spec) -> list[list]:
        """The metric identifiers of each output."""
        n = len(self.output_names)
        if spec is None:
            return [[] for _ in range(n)]
        if n > 1 and isinstance(spec, dict):
            groups = _per_output(spec, self.output_names, "metrics")
        elif n > 1 and isinstance(spec, (list, tuple)) and len(spec) == n:
            groups = list(spec)  # one entry per output, as in Keras 3
        elif isinstance(spec, dict):
            groups = [[m for value in spec.values() for m in _as_list(value)]]
        else:
            # One list for every output (Keras 3 accepts this only for one output).
            groups = [spec] * n
        return [[m for m in _as_list(group) if m is not None] for group in groups]

    def _resolve(self, spec, losses, ys, output_shapes) -> list[list]:
        resolved = []
        for i, specs in enumerate(self._per_output(spec)):
            y_shape = np.shape(ys[i]) if ys is not None else None
            resolved.append([metrics_module.get(m, loss=losses[i], y_true_shape=y_shape,
                                                y_pred_shape=output_shapes[i]) for m in specs])
        return resolved

    def build(self, losses: list, ys: list[np.ndarray], output_shapes: list[tuple]) -> None:
        if self.metrics is not None:
            return
        self.metrics = self._resolve(self.spec, losses, ys, output_shapes)
        self.weighted = self._resolve(self.weighted_spec, losses, ys, output_shapes)
        self._name_for_logs()

    def _name_for_logs(self) -> None:
        """Give every metric the name it is logged under."""
        n = len(self.output_names)
        prefixes = self.output_names if n > 1 else [""] * n
        taken: dict[str, int] = {}
        placed: set[int] = set()
        for groups, weighted in ((self.metrics, False), (self.weighted, True)):
            for group, prefix in zip(groups, prefixes):
                for j, metric in enumerate(group):
                    name = _log_name(metric.name, prefix, weighted, taken)
                    if name != metric.name or id(metric) in placed:
                        # Rename a copy: a user's metric object keeps its name and state.
                        metric = copy.deepcopy(metric)
                        metric.name = name
                        group[j] = metric
                    placed.add(id(metric))

    @property
    def flat(self) -> list[metrics_module.Metric]:
        groups = (self.metrics or []) + (self.weighted or [])
        return [m for group in groups for m in group]

    def reset(self) -> None:
        for metric in self.flat:
            metric.reset_state()

    def update(self, ys, outputs, sample_weights) -> None:
        for group, y, out in zip(self.metrics, ys, outputs):
            for metric in group:
                metric.update_state(y, out)
        for group, y, out, sw in zip(self.weighted, ys, outputs, sample_weights):
            for metric in group:
                metric.update_state(y, out, sw)

    def results(self) -> dict[str, float]:
        return {m.name: float(m.result()) for m in self.flat}


def _metric_names(spec) -> list[str]:
    """Every string identifier in a metrics spec (list, dict, or nested lists)."""
    if isinstance(spec, str):
        return [spec]
    if isinstance(spec, dict):
        spec = list(spec.values())
    if isinstance(spec, (list, tuple)):
        return [name for item in spec for name in _metric_names(item)]
    return []


def _log_name(name: str, prefix: str, weighted: bool, taken: dict[str, int]) -> str:
    """Keras 3's log name: `<output>_<name>`, `weighted_<name>` or `<name>_<k>` on repeats."""
    full = f"{prefix}_{name}" if prefix else name
    if full in taken and weighted:
        full = f"{prefix}_weighted_{name}" if prefix else f"weighted_{name}"
    if full not in taken:
        taken[full] = 1
        return full
    index = taken[full]
    taken[full] += 1
    return f"{full}_{index}"


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]
