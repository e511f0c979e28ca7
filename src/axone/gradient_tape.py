"""`GradientTape`: gradients of eager computations, for training loops of one's own.

    with axone.GradientTape() as tape:
        y_pred = model(X_batch, training=True)
        loss = loss_fn(y_batch, y_pred)        # a Loss object, or axone.ops code
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))

While the tape records, every `axone.ops` call whose arguments derive from
a watched array or a trainable `Variable` is recorded with its inputs, and
every layer or model call is recorded as one step whose backward is the
layer's (or the model's) own. `gradient` walks the records in reverse,
with the same vector-Jacobian products the graphs use. NumPy code on the
arrays (`np.mean(y)`) is not recorded: write it with `axone.ops`.
"""

from __future__ import annotations

import numpy as np

from axone.layers.tracing import flatten, pack_like
from axone.models.graph import gradient_variables
from axone.ops.operation import TAPES
from axone.variables import Variable


class _Record:
    __slots__ = ("kind", "callee", "keys", "values", "outputs", "cache", "training", "variables")

    def __init__(self, kind, callee, keys, values, outputs, cache=None, training=True, variables=()):
        self.kind, self.callee, self.keys, self.values = kind, callee, keys, values
        self.outputs, self.cache, self.training, self.variables = outputs, cache, training, variables


class GradientTape:
    """Records eager ops and layer calls to differentiate them (TensorFlow's API).

    Args:
        persistent: allow several `gradient` calls. Defaults to False.
        watch_accessed_variables: record computations on every trainable
            `Variable` automatically. Defaults to True; otherwise only
            what `watch` names is followed.
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self.persistent = persistent
        self.watch_accessed_variables = watch_accessed_variables
        self._records: list[_Record] = []
        self._tracked: dict[int, object] = {}  # id -> array: what the records follow
        self._watched_variables: dict[int, Variable] = {}
        self._used = False

    # -------------------------------------------------------------- recording
    def __enter__(self) -> "GradientTape":
        TAPES.append(self)
        return self

    def __exit__(self, *exc) -> bool:
        if self in TAPES:
            TAPES.remove(self)
        return False

    def watch(self, tensor) -> None:
        """Follow computations on `tensor` (an array, a `Variable`, or a list of them)."""
        for leaf in flatten(tensor):
            if isinstance(leaf, Variable):
                self._watched_variables[id(leaf)] = leaf
            elif isinstance(leaf, (np.ndarray, np.generic)):
                self._tracked[id(leaf)] = leaf
            else:
                raise TypeError(f"GradientTape.watch needs arrays or Variables. Received: {leaf!r}")

    def watched_variables(self) -> list[Variable]:
        return list(self._watched_variables.values())

    def reset(self) -> None:
        """Forget everything recorded so far."""
        self._records.clear()
        self._tracked.clear()
        self._watched_variables.clear()

    def _key(self, value):
        if isinstance(value, Variable):
            if id(value) in self._watched_variables or (self.watch_accessed_variables and value.trainable):
                self._watched_variables.setdefault(id(value), value)
                return ("variable", id(value))
            return None
        return id(value) if id(value) in self._tracked else None

    def _follow(self, outputs) -> list:
        keys = []
        for output in outputs:
            self._tracked[id(output)] = output  # kept alive, so the id stays unique
            keys.append(id(output))
        return keys

    def _record_op(self, op, args, values, out) -> None:
        keys = [self._key(arg) for arg in args]
        if all(key is None for key in keys) or not op.differentiable:
            return
        self._records.append(_Record("op", op, keys, list(values), self._follow([out])))

    def _record_layer(self, layer, inputs, output, training: bool) -> None:
        if isinstance(inputs, dict) and hasattr(layer, "input_names"):
            leaves = [inputs[name] for name in layer.input_names]
        else:
            leaves = flatten(inputs)
        keys = [self._key(leaf) for leaf in leaves]
        variables = [v for v in gradient_variables(layer) if self._key(v) is not None]
        if all(key is None for key in keys) and not variables:
            return
        self._records.append(_Record("layer", layer, keys, None, self._follow(flatten(output)),
                                     cache=layer._cache if training else None, training=training,
                                     variables=variables))

    # --------------------------------------------------------------- gradient
    def gradient(self, target, sources, output_gradients=None, unconnected_gradients="none"):
        """The gradient of `target` (summed over its entries) with respect to each source.

        Args:
            target: an array computed while recording (or a list of them).
            sources: a `Variable` or array, or a list/dict of them.
            output_gradients: the gradient to start from for each target
                (default: ones).
            unconnected_gradients: `"none"` (None for a source the target does
                not depend on, as TensorFlow) or `"zero"`.

        Returns the gradients in the structure of `sources`.
        """
        if self._used and not self.persistent:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set "
                               "of gradients; create it with persistent=True for more.")
        if unconnected_gradients not in ("none", "zero"):
            raise ValueError("unconnected_gradients must be 'none' or 'zero'. "
                             f"Received: {unconnected_gradients!r}")
        self._used = True
        grads: dict = {}
        targets = flatten(target)
        seeds = flatten(output_gradients) if output_gradients is not None else [None] * len(targets)
        for tensor, seed in zip(targets, seeds):
            if id(tensor) not in self._tracked:
                raise ValueError(
                    "The target was not computed by operations this tape recorded. The tape "
                    "records axone.ops calls, layer and model calls, Loss objects and Variable "
                    "arithmetic; NumPy functions and operators on plain arrays are not recorded "
                    "(write them with axone.ops)."
                )
            value = np.ones_like(np.asarray(tensor)) if seed is None else np.asarray(seed)
            _accumulate(grads, id(tensor), value)
        for record in reversed(self._records):
            out_grads = [grads.get(key) for key in record.outputs]
            if all(g is None for g in out_grads):
                continue
            if record.kind == "op":
                self._op_backward(record, out_grads[0], grads)
            else:
                self._layer_backward(record, out_grads, grads)
        results = []
        for source in flatten(sources):
            key = ("variable", id(source)) if isinstance(source, Variable) else id(source)
            found = grads.get(key)
            if found is None and unconnected_gradients == "zero":
                found = np.zeros(np.shape(source), dtype=np.asarray(source).dtype)
            results.append(found)
        if not self.persistent:
            self._records.clear()
        return results[0] if not isinstance(sources, (list, tuple, dict)) else pack_like(sources, results)

    def _op_backward(self, record, grad, grads) -> None:
        needed = [key is not None for key in record.keys]
        in_grads = record.callee.vjp(grad, record.values, self._tracked[record.outputs[0]], needed)
        for key, g in zip(record.keys, in_grads):
            if key is not None and g is not None:
                _accumulate(grads, key, g)

    def _layer_backward(self, record, out_grads, grads) -> None:
        layer = record.callee
        if record.cache is None:
            raise RuntimeError(
                f"GradientTape cannot differentiate through {layer.name!r}: it was called with "
                "training=False, which keeps nothing for a backward pass. Call it with "
                "training=True inside the tape."
            )
        from axone.layers.tracing import traced_loss_layers
        if traced_loss_layers([layer]):
            raise NotImplementedError(
                f"GradientTape cannot yet differentiate {layer.name!r}: its call() uses add_loss(), "
                "whose terms the tape does not follow. Train it with fit(), or return the term "
                "as an output and add it to the loss."
            )
        outputs = [self._tracked[key] for key in record.outputs]
        out_grads = [np.zeros_like(o) if g is None else g for g, o in zip(out_grads, outputs)]
        layer._cache = record.cache
        layer.input_grad_needed = any(key is not None for key in record.keys)
        layer.keep_sgd_step = False
        fused = getattr(layer, "loss_gives_preactivation_grad", False)
        if fused:  # the tape's gradient is that of the layer's output
            layer.loss_gives_preactivation_grad = False
        try:
            grad_in = layer.backward(out_grads[0] if len(out_grads) == 1 else out_grads)
        finally:
            if fused:
                layer.loss_gives_preactivation_grad = True
        for variable in record.variables:
            if variable.grad is not None:
                _accumulate(grads, ("variable", id(variable)), variable.grad.copy())
        if grad_in is None:
            return
        in_grads = grad_in if isinstance(grad_in, list) else [grad_in]
        for key, g in zip(record.keys, in_grads):
            if key is not None and g is not None:
                _accumulate(grads, key, g)


def _accumulate(grads: dict, key, value) -> None:
    previous = grads.get(key)
    grads[key] = value if previous is None else previous + value
