"""Regularization penalties and weight constraints of a model, as Keras 3 applies them.

The loss of a step is the mean loss of the batch plus the sum of the
penalties: each trainable weight's `regularizer(weight)` and each layer's
activity penalty (computed by the layer in its forward pass, already
divided by the batch size). Their gradients join the loss gradient before
the optimizer step; after the step each trainable weight with a
`constraint` is set to `constraint(weight)`.
"""

from __future__ import annotations


class Penalties:
    """What one model's layers ask for, found once per graph.

    Attributes:
        layers: the layers with an activity penalty.
        regularized: the variables with a `regularizer`.
        constrained: the variables with a `constraint`.
    """

    def __init__(self, layers):
        layers = _all_layers(layers)
        self.layers = [l for l in layers if getattr(l, "activity_regularizer", None) is not None]
        variables, seen = [], set()
        for layer in layers:
            for variable in layer._weights:
                if id(variable) not in seen:
                    seen.add(id(variable))
                    variables.append(variable)
        self.regularized = [v for v in variables if getattr(v, "regularizer", None) is not None]
        self.constrained = [v for v in variables if getattr(v, "constraint", None) is not None]

    def __bool__(self) -> bool:
        """True when the loss has terms beyond the compiled loss."""
        return bool(self.layers or self.regularized)

    def loss(self, trainable_ids: set) -> float:
        """The sum of the penalties (weights counted only while trainable, as in Keras)."""
        total = 0.0
        for variable in self.regularized:
            if id(variable) in trainable_ids:
                total += float(variable.regularizer(variable.value))
        for layer in self.layers:
            total += float(layer.activity_loss())
        return total

    def add_gradients(self, trainable_ids: set) -> None:
        """Add each trainable weight's penalty gradient to its `grad` (after the backward pass)."""
        for variable in self.regularized:
            if id(variable) in trainable_ids:
                gradient = getattr(variable.regularizer, "gradient", None)
                if gradient is None:
                    raise TypeError(
                        f"The regularizer of {variable.path!r} has no gradient() method: axone "
                        "computes gradients analytically, so a custom regularizer must subclass "
                        "axone.regularizers.Regularizer and implement __call__ and gradient.")
                variable.grad += gradient(variable.value)

    def apply_constraints(self, trainable_ids: set) -> None:
        """Project every trainable constrained weight (after the optimizer step)."""
        for variable in self.constrained:
            if id(variable) in trainable_ids:
                variable.value[...] = variable.constraint(variable.value)


def _all_layers(layers) -> list:
    """The layers and, depth first, the layers inside them (nested models, sub-layers), each once."""
    found, seen = [], set()

    def visit(layer):
        if id(layer) in seen:
            return
        seen.add(id(layer))
        found.append(layer)
        inner = list(getattr(layer, "layers", None) or [])
        tracked = getattr(layer, "_tracked_layers", None)
        if tracked is not None:
            inner += tracked()
        for sub in inner:
            visit(sub)

    for layer in layers:
        visit(layer)
    return found
