"""`Trainer`: compile, fit, evaluate and predict (mixed into `Model`).

The loops live here, in one place: batching, the training step
(forward, loss, backward, optimizer update), metrics, validation, callbacks
and progress output. The model supplies `_forward`, `_backward` and its
`ParameterBuffer`.
"""

from __future__ import annotations

import functools
import math
import sys
import warnings
from dataclasses import dataclass

import numpy as np

from axone import backend, optimizers
from axone.callbacks import CallbackList, History, ProgbarLogger
from axone.layers import tracing
from axone.metrics import Mean
from axone.models import data as data_utils
from axone.models.compile_utils import CompiledLoss, CompiledMetrics
from axone.models.data_adapters import ArrayBatches, EpochIterator, check_steps, data_source, fit_sources
from axone.models.interrupt import DeferredInterrupt
from axone.utils.fpu import flushing_denormals

_NAN_ADVICE = (
    "The loss became {value} at epoch {epoch}, step {step}. Training continues, but the "
    "weights are probably ruined. Likely causes: inputs that are not scaled (standardize "
    "them, e.g. with sklearn's StandardScaler, or divide pixels by 255), a learning rate "
    "that is too high (try 10x smaller), or a log of 0 in a custom loss."
)


@dataclass(frozen=True)
class _UpdatePlan:
    """What one training step updates, as slices `(start, stop)` of the parameter buffer.

    Attributes:
        ranges: every trainable slice.
        stepping_layers: the layers that apply a pre-scaled SGD step to their
            own weights (see `Layer.supports_sgd_step`).
        stepping_ids: their ids.
        rest: the trainable slices outside those layers.
    """

    ranges: list
    stepping_layers: tuple
    stepping_ids: frozenset
    rest: list


class Trainer:
    """compile / fit / evaluate / predict for a model with `_forward` and `_backward`."""

    def __init__(self):
        self.optimizer = None
        self.compiled = False
        self.stop_training = False
        self.history: History | None = None
        self._fit_rng = None
        self._initial_epoch: int | None = None
        self._compile_args: dict | None = None
        self._compiled_loss: CompiledLoss | None = None
        self._compiled_metrics: CompiledMetrics | None = None
        self._loss_tracker = Mean(name="loss")
        self._output_loss_trackers: list[Mean] = []

    # ---------------------------------------------------------------- compile
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly: bool = False, steps_per_execution: int = 1,
                jit_compile="auto", auto_scale_loss: bool = True) -> None:
        """Choose the optimizer, the loss(es) and the metrics to train with.

        Args:
            optimizer: name (`"sgd"`, `"adam"`, ...) or optimizer instance.
                Defaults to `"rmsprop"`.
            loss: name, function or `Loss`; a list or dict for several outputs.
            loss_weights: list or dict of floats weighting each output's loss.
            metrics: list of names/metrics (`["accuracy"]`), or a list/dict
                per output.
            weighted_metrics: metrics computed with `sample_weight` /
                `class_weight` (plain `metrics` ignore them, as in Keras 3).
            run_eagerly, steps_per_execution, jit_compile, auto_scale_loss:
                accepted for Keras compatibility; they change nothing here.
        """
        self.optimizer = optimizers.get(optimizer)
        self._compile_args = {"loss": loss, "loss_weights": loss_weights, "metrics": metrics,
                              "weighted_metrics": weighted_metrics}
        self._compiled_loss = None
        self._compiled_metrics = None
        self.compiled = True
        if self._plan is not None:
            self._setup_compiled()

    def _after_graph_change(self) -> None:
        if self.compiled:
            self._setup_compiled()

    def _setup_compiled(self) -> None:
        args = self._compile_args
        names = self.output_names
        if self._compiled_loss is not None:
            self._compiled_loss.release_fusion(self._output_layers())
        self._compiled_loss = CompiledLoss(args["loss"], args["loss_weights"], names) if args["loss"] is not None else None
        self._compiled_metrics = CompiledMetrics(args["metrics"], names, weighted_metrics=args["weighted_metrics"])
        self._output_loss_trackers = [Mean(name=f"{n}_loss") for n in names] if len(names) > 1 else []
        if self._compiled_loss is not None:
            consumed = [self._is_consumed(t) for t in self.outputs]
            self._compiled_loss.setup_fusion(self._output_layers(), consumed)

    def _output_layers(self) -> list:
        return [t.node.layer for t in self.outputs]

    def _is_consumed(self, tensor) -> bool:
        """True if an output tensor also feeds a layer (its gradient then has other terms)."""
        return any(
            any(t is tensor for t in node.inputs)
            for layer in self.layers for node in layer._inbound_nodes
        )

    def _require_compiled(self, action: str, need_loss: bool = True) -> None:
        if not self.compiled:
            raise ValueError(
                f"You must call compile() before {action}: for example "
                "model.compile(optimizer='sgd', loss='mse')."
            )
        if need_loss and self._compile_args["loss"] is None:
            raise ValueError(
                f"compile() was called without a loss, so the model cannot {action.split('(')[0]}. "
                "Pass loss=..., e.g. loss='sparse_categorical_crossentropy' for integer "
                "class labels or loss='mse' for regression."
            )

    # ---------------------------------------------------------- data helpers
    def _build_from_data(self, x) -> None:
        """Sequential models override this to build from the first data they see."""

    def _prepare_x(self, x) -> list[np.ndarray]:
        self._build_from_data(x)
        self._require_built("use")
        return data_utils.prepare_inputs(x, self.input_names, [t.shape for t in self.inputs],
                                         input_dtypes=[t.dtype for t in self.inputs])

    def _prepare_xy(self, x, y, sample_weight=None, class_weight=None):
        """In-memory arrays, converted and checked whole: `(xs, ys, sws, n)`."""
        xs = self._prepare_x(x)
        data_utils.require_targets(y)
        ys = data_utils.prepare_targets(y, self.output_names)
        n = data_utils.check_lengths(xs, ys)
        sws = data_utils.prepare_sample_weight(sample_weight, n, len(ys), self.output_names)
        if class_weight is not None:
            data_utils.check_class_weight(class_weight, sample_weight, len(ys))
            sws = [data_utils.class_weight_to_sample_weight(class_weight, ys[0])]
        ys = self._setup_for_data(ys)
        return xs, ys, sws, n

    def _setup_for_data(self, ys) -> list:
        """Check the targets once and return them as the steps read them."""
        return self._setup_targets(ys)(ys)

    def _setup_targets(self, ys):
        """Build the metrics for targets like `ys` (only their shapes are read); return the
        function that turns targets into what the steps read (whole arrays or one batch)."""
        if self._compiled_loss is None and self.compiled and self._compile_args["loss"] is not None:
            self._setup_compiled()
        shapes = [t.shape for t in self.outputs]
        if self._compiled_loss is not None:
            self._compiled_metrics.build(self._compiled_loss.losses, ys, shapes)
            return functools.partial(self._compiled_loss.prepare_targets, output_shapes=shapes)
        self._compiled_metrics.build([None] * len(shapes), ys, shapes)
        return lambda targets: targets

    def _format_outputs(self, outputs: list[np.ndarray]):
        if self._output_kind == "single":
            return outputs[0]
        if self._output_kind == "dict":
            return dict(zip(self._output_keys, outputs))
        return outputs

    def _update_plan(self) -> "_UpdatePlan":
        """Which slices of the parameter buffer a training step updates, and who updates them."""
        # Frozen: what `trainable_weights` leaves out (a frozen layer, a frozen
        # nested model, or a layer inside one).
        trainable_ids = {id(v) for v in self.trainable_weights}
        frozen = {id(v) for v in self._params.variables if id(v) not in trainable_ids}
        trainable = [id(v) not in frozen for v in self._params.variables]
        # Layers that can apply a pre-scaled SGD step to their own weights:
        # trainable, called once (a shared layer sums the gradients of its
        # calls first), whose weights no other step also writes (a tied weight read
        # by ops), and with their weights in this model's buffer.
        multi_written = self._plan.multi_written
        stepping = [
            layer for layer in self._plan.layers
            if layer.supports_sgd_step and id(layer) not in self._shared and self._train_plan is None
            and layer._weights and all(id(v) not in frozen and v.owner is self._params
                                       and id(v) not in multi_written for v in layer._weights)
        ]
        covered = {id(v) for layer in stepping for v in layer._weights}
        rest = [flag and id(v) not in covered for flag, v in zip(trainable, self._params.variables)]
        return _UpdatePlan(ranges=self._params.trainable_ranges(trainable),
                           stepping_layers=tuple(stepping),
                           stepping_ids=frozenset(id(layer) for layer in stepping),
                           rest=self._params.trainable_ranges(rest))

    def _velocity_views(self, velocity) -> dict:
        """`{id(layer): [view of velocity per weight]}`, cached for one velocity and parameter buffer."""
        cached = getattr(self, "_velocity_cache", None)
        if cached is None or cached[0] is not velocity or cached[1] is not self._params:
            views = {}
            for layer in self._plan.layers:
                if layer.supports_sgd_step and all(v.owner is self._params for v in layer._weights):
                    views[id(layer)] = [velocity[self._params.slice_of(v)].reshape(v.shape)
                                        for v in layer._weights]
            cached = self._velocity_cache = (velocity, self._params, views)
        return cached[2]

    # ------------------------------------------------------------------ steps
    def _train_step(self, xs, ys, sws, plan: "_UpdatePlan") -> float:
        outputs = self._forward(xs, training=True)
        # Plain SGD: scale the loss gradient by -learning_rate so that backward
        # produces the updates themselves (see Optimizer.prescale_factor); once
        # the backward pass has succeeded, the layers that can add them to
        # their weights do, and the optimizer adds the rest. Penalties (see
        # axone.models.penalties) add unscaled gradients, so they use the
        # ordinary path.
        penalties = self._penalties
        trainable_ids = self._trainable_ids() if penalties or penalties.constrained else None
        prescale = None if penalties else self.optimizer.prescale_factor()
        loss, per_output, grads = self._compiled_loss.compute(
            ys, outputs, sws, grad_scale=1.0 if prescale is None else prescale)
        if penalties:
            loss += penalties.loss(trainable_ids)
        if self._loss_layers:  # add_loss terms: in the loss, their gradient scaled as the loss's
            loss += self._added_loss()
            tracing.LOSS_GRADIENT_SCALE[0] = 1.0 if prescale is None else prescale
        if prescale is not None and plan.ranges:
            self._backward(grads, plan.stepping_ids)
            momentum = self.optimizer.prescaled_momentum()
            if momentum is None:
                for layer in plan.stepping_layers:
                    layer.apply_sgd_step()
            else:
                views = self._velocity_views(momentum[1])
                for layer in plan.stepping_layers:
                    layer.apply_sgd_step(momentum[0], views[id(layer)])
            self.optimizer.apply_prescaled(self._params.values, self._params.grads, plan.rest)
        else:
            self._backward(grads)
            if penalties:
                penalties.add_gradients(trainable_ids)
            if plan.ranges:
                self.optimizer.apply(self._params.values, self._params.grads, plan.ranges,
                                     self._params.offsets)
        if penalties.constrained:
            penalties.apply_constraints(trainable_ids)
        tracing.LOSS_GRADIENT_SCALE[0] = 1.0
        self._track(loss, per_output, ys, outputs, sws, len(xs[0]))
        return loss

    def _trainable_ids(self) -> set:
        return {id(v) for v in self.trainable_weights}

    def _test_step(self, xs, ys, sws) -> float:
        outputs = self._forward(xs, training=False)
        loss, per_output, _ = self._compiled_loss.compute(ys, outputs, sws, with_grads=False)
        if self._penalties:
            loss += self._penalties.loss(self._trainable_ids())
        if self._loss_layers:
            loss += self._added_loss()
        self._track(loss, per_output, ys, outputs, sws, len(xs[0]))
        return loss

    def _track(self, loss, per_output, ys, outputs, sws, batch_size) -> None:
        self._loss_tracker.update_state(loss, sample_weight=batch_size)
        for tracker, value in zip(self._output_loss_trackers, per_output):
            tracker.update_state(value, sample_weight=batch_size)
        self._compiled_metrics.update(ys, outputs, sws)

    def reset_metrics(self) -> None:
        """Start every metric (and the loss average) over."""
        self._loss_tracker.reset_state()
        for tracker in self._output_loss_trackers:
            tracker.reset_state()
        if self._compiled_metrics is not None and self._compiled_metrics.metrics is not None:
            self._compiled_metrics.reset()

    def _logs(self) -> dict[str, float]:
        logs = {"loss": self._loss_tracker.result()}
        for tracker in self._output_loss_trackers:
            logs[tracker.name] = tracker.result()
        logs.update(self._compiled_metrics.results())
        # Keras 3 reports metrics in name order, as float32 values (its metric
        # state is float32): round ours the same way so History and the printed
        # values read the same.
        return {name: float(np.float32(value)) for name, value in sorted(logs.items())}

    @property
    def metrics_names(self) -> list[str]:
        """Keras 3's top-level names: `[]` before `compile`, then `["loss"]`, plus
        `"compile_metrics"` when `metrics` or `weighted_metrics` were given, plus each
        output's `"<output>_loss"` once the model has seen data (several outputs).

        The logs (`History`, `evaluate(return_dict=True)`) name every metric instead.
        """
        if not self.compiled:
            return []
        names = ["loss"]
        args = self._compile_args
        if args["metrics"] is not None or args["weighted_metrics"] is not None:
            names.append("compile_metrics")
        if self._compiled_metrics is not None and self._compiled_metrics.metrics is not None:
            names += [t.name for t in self._output_loss_trackers]
        return names

    @property
    def metrics(self) -> list:
        found = [self._loss_tracker] + list(self._output_loss_trackers)
        if self._compiled_metrics is not None:
            found += self._compiled_metrics.flat
        return found

    def _flatten_logs(self, logs: dict[str, float]):
        """Keras's order for list results: loss, compiled metrics, each output's loss, then the rest by name.

        With several outputs, Keras's metric objects keep their bare names
        ("mae"), which match no key ("main_mae"): those metrics fall among
        the rest, after the output losses.
        """
        order = ["loss"]
        if self._compiled_metrics is not None and len(self.output_names) == 1:
            order += [m.name for m in self._compiled_metrics.flat]
        order += [t.name for t in self._output_loss_trackers]
        results = [logs[name] for name in order if name in logs]
        results += [logs[k] for k in sorted(logs) if k not in order]
        return results[0] if len(results) == 1 else results

    # -------------------------------------------------------------------- fit
    @flushing_denormals  # no slow subnormal arithmetic; the caller's flags come back
    def fit(self, x=None, y=None, batch_size: int | None = None, epochs: int = 1, verbose="auto",
            callbacks=None, validation_split: float = 0.0, validation_data=None, shuffle: bool = True,
            class_weight: dict | None = None, sample_weight=None, initial_epoch: int = 0,
            steps_per_epoch: int | None = None, validation_steps=None, validation_batch_size=None,
            validation_freq: int = 1) -> History:
        """Train for `epochs` passes over the data; return the `History`.

        Args:
            x: the inputs: array(s) of shape `(n_samples, ...)` (a list or dict
                for several inputs; a `numpy.memmap` is read batch by batch,
                never whole); or a generator yielding `(x, y)` or
                `(x, y, sample_weight)` batches; or an `axone.utils.PyDataset`.
            y: target array(s); only with array inputs.
            batch_size: samples per gradient step, for array inputs. Defaults
                to 32 (or, with `steps_per_epoch`, the size that covers the
                data in that many steps).
            epochs: number of passes over the data. Defaults to 1.
            verbose: `"auto"`/1 (progress bar), 2 (one line per epoch), 0 (silent).
            callbacks: list of `Callback`s.
            validation_split: fraction of the data, taken from the end before
                shuffling, to hold out for validation (arrays only).
            validation_data: `(x_val, y_val)`, `(x_val, y_val, sample_weight)`,
                a generator or a `PyDataset`.
            shuffle: shuffle the training samples at each epoch (the batch
                order for a `PyDataset`; a generator is read as it comes).
                Defaults to True.
            class_weight: `{class: weight}` multiplying each sample's loss
                (not with `sample_weight`, nor with a generator).
            sample_weight: one weight per training sample (arrays only).
            initial_epoch: epoch to start from (to resume training).
            steps_per_epoch: batches per epoch. Defaults to one pass over the
                data (for a generator: until it ends). When given, the next
                epoch goes on where the last one stopped, and an epoch that
                reaches the end of the data stops there, with a warning.
            validation_steps: batches per validation (default: one pass).
            validation_batch_size: defaults to `batch_size`.
            validation_freq: validate every this many epochs. Defaults to 1.

        A generator is read once: when it is done, training stops after the
        epoch it ended in (an epoch that gets no batch is not counted), with
        a warning. A `PyDataset` is read anew each epoch, and its
        `on_epoch_end()` called after each.

        Ctrl-C stops training after the step in progress: the weights are those
        of the last finished step, `model.history` holds the finished epochs,
        and the KeyboardInterrupt is raised again.
        """
        self._require_compiled("fit()")
        if batch_size is not None:
            data_utils.check_batch_size(batch_size)
        if not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError(f"epochs must be a non-negative integer. Received: epochs={epochs!r}")
        steps_per_epoch = check_steps(steps_per_epoch, "steps_per_epoch")
        validation_steps = check_steps(validation_steps, "validation_steps")
        if validation_data is not None and validation_split:
            warnings.warn("validation_data was given, so validation_split is ignored.", stacklevel=2)
            validation_split = 0.0
        source, val_source = fit_sources(
            self, x, y, sample_weight, class_weight, batch_size=batch_size, steps_per_epoch=steps_per_epoch,
            validation_split=validation_split, validation_data=validation_data,
            validation_batch_size=validation_batch_size, validation_steps=validation_steps)
        self._ensure_packed()
        train = EpochIterator(source, steps_per_epoch)
        val = None if val_source is None else EpochIterator(val_source, validation_steps,
                                                            steps_name="validation_steps")
        history = History()
        callback_list = self._callback_list(callbacks, history, verbose,
                                            {"verbose": verbose, "epochs": epochs, "steps": train.num_batches})
        self.history = history
        self.stop_training = False
        update_plan = self._update_plan()
        rng = backend.random_generator()
        if shuffle and source.num_batches is not None:
            train.rng = rng
        # What BackupAndRestore saves and restores: the shuffling generator's
        # state, and the epoch to resume from (set during on_train_begin).
        self._fit_rng = rng
        self._initial_epoch = None
        self._fit_interrupted = False
        warned = False
        epoch = initial_epoch
        logs: dict = {}
        with DeferredInterrupt() as interrupt:
            try:
                callback_list.on_train_begin()
                if self._initial_epoch is not None:
                    initial_epoch = epoch = self._initial_epoch
                for epoch in range(initial_epoch, epochs):
                    if train.exhausted:  # a generator that is done has no epoch left to give
                        train.warn_exhausted(epoch - initial_epoch, epochs)
                        break
                    self.reset_metrics()
                    callback_list.on_epoch_begin(epoch)
                    source.on_epoch_begin()
                    want_batch_logs = callback_list.wants("on_train_batch_end")
                    step = 0
                    for xb, yb, swb in train.epoch():
                        callback_list.on_train_batch_begin(step)
                        loss = self._train_step(xb, yb, swb, update_plan)
                        if not warned and not math.isfinite(loss):
                            warned = True
                            warnings.warn(_NAN_ADVICE.format(value=loss, epoch=epoch + 1, step=step + 1),
                                          RuntimeWarning, stacklevel=2)
                        if want_batch_logs:
                            callback_list.on_train_batch_end(step, self._logs())
                        step += 1
                        if interrupt.requested:
                            raise KeyboardInterrupt
                        if self.stop_training:
                            break
                    source.on_epoch_end()
                    if step == 0:  # the generator ended exactly where the last epoch did
                        train.warn_exhausted(epoch - initial_epoch, epochs)
                        break
                    logs = self._logs()
                    if val is not None and (epoch + 1) % validation_freq == 0:
                        val_logs = self._run_evaluation(val, callback_list)
                        if val_logs is None:
                            warnings.warn(
                                f"validation_data ran out of data: no validation after epoch {epoch + 1}. "
                                "A generator cannot start over; pass validation_steps with one that "
                                "loops forever, or use arrays or an axone.utils.PyDataset.",
                                RuntimeWarning, stacklevel=2)
                        else:
                            logs.update({f"val_{k}": v for k, v in val_logs.items()})
                            logs = dict(sorted(logs.items()))  # Keras sorts the merged keys (zz_loss after val_*)
                    callback_list.on_epoch_end(epoch, logs)
                    if interrupt.requested:
                        raise KeyboardInterrupt
                    if self.stop_training:
                        break
            except KeyboardInterrupt:
                self._fit_interrupted = True  # BackupAndRestore keeps its backup
                callback_list.on_train_end(logs)
                print(
                    f"\nTraining interrupted during epoch {epoch + 1}/{epochs}. The weights are "
                    f"those of the last finished step; model.history holds "
                    f"{len(history.epoch)} finished epoch(s).",
                    file=sys.stderr, flush=True,
                )
                raise
        callback_list.on_train_end(logs)
        return history

    def _callback_list(self, callbacks, history, verbose, params) -> CallbackList:
        if isinstance(callbacks, CallbackList):
            callbacks = callbacks.callbacks
        callbacks = list(callbacks or [])
        all_callbacks = callbacks + [history]
        if verbose and not any(isinstance(c, ProgbarLogger) for c in callbacks):
            all_callbacks.append(ProgbarLogger())
        return CallbackList(all_callbacks, model=self, **params)

    # -------------------------------------------------------------- evaluate
    @flushing_denormals
    def evaluate(self, x=None, y=None, batch_size: int | None = None, verbose="auto",
                 sample_weight=None, steps=None, callbacks=None, return_dict: bool = False):
        """Loss (and metrics) on the data, without training.

        Args:
            x, y, sample_weight: as in `fit` (arrays, a generator or a `PyDataset`).
            batch_size: for array inputs. Defaults to 32.
            steps: batches to evaluate. Defaults to one pass over the data
                (for a generator: until it ends).

        Returns the loss as a float, or `[loss, metric, ...]`, or a dict with
        `return_dict=True`.
        """
        self._require_compiled("evaluate()")
        if batch_size is not None:
            data_utils.check_batch_size(batch_size)
        steps = check_steps(steps, "steps")
        source = data_source(self, x, y, sample_weight, batch_size=batch_size, steps=steps)
        self._ensure_packed()
        data = EpochIterator(source, steps, steps_name="steps")
        callback_list = self._callback_list(callbacks, History(), verbose,
                                            {"verbose": verbose, "epochs": 1, "steps": data.num_batches})
        logs = self._run_evaluation(data, callback_list)
        return logs if return_dict else self._flatten_logs(logs)

    def _run_evaluation(self, data: EpochIterator, callback_list) -> dict | None:
        """Loss and metrics over one pass of `data` (None if it gave no batch)."""
        self.reset_metrics()
        callback_list.on_test_begin()
        want_logs = callback_list.wants("on_test_batch_end")
        data.source.on_epoch_begin()
        step = 0
        for xb, yb, swb in data.epoch(restart=True):
            callback_list.on_test_batch_begin(step)
            self._test_step(xb, yb, swb)
            if want_logs:
                callback_list.on_test_batch_end(step, self._logs())
            step += 1
        data.source.on_epoch_end()
        logs = self._logs()
        callback_list.on_test_end(logs)
        return logs if step else None

    # --------------------------------------------------------------- predict
    @flushing_denormals
    def predict(self, x, batch_size: int | None = None, verbose="auto", steps=None, callbacks=None):
        """Model outputs for `x`, computed in batches (no caches kept for training).

        Args:
            x: input array(s), a generator yielding `x` (or `(x, ...)` tuples)
                batches, or a `PyDataset`.
            batch_size: for array inputs. Defaults to 32.
            steps: batches to predict. Defaults to one pass over the data
                (for a generator: until it ends).

        Returns one array `(n_samples, ...)`, or a list/dict for several outputs.
        """
        if batch_size is not None:
            data_utils.check_batch_size(batch_size)
        steps = check_steps(steps, "steps")
        source = data_source(self, x, batch_size=batch_size, steps=steps, need_targets=False)
        self._ensure_packed()
        data = EpochIterator(source, steps, steps_name="steps")
        callback_list = self._callback_list(callbacks, History(), verbose,
                                            {"verbose": verbose, "epochs": 1, "steps": data.num_batches})
        # Arrays: the number of samples is known, so the outputs go straight into place.
        # Generators and datasets: the batches' outputs are kept, then joined.
        total = source.samples_in(steps) if isinstance(source, ArrayBatches) else None
        if total is not None:
            results = [np.empty((total,) + tuple(t.shape[1:]), dtype=backend.floatx()) for t in self.outputs]
        parts: list[list[np.ndarray]] = [[] for _ in self.outputs]
        done = 0
        callback_list.on_predict_begin()
        source.on_epoch_begin()
        for step, (xb, _, _) in enumerate(data.epoch(restart=True)):
            callback_list.on_predict_batch_begin(step)
            size = len(xb[0])
            batch_outputs = []
            for i, out in enumerate(self._forward(xb, training=False)):
                if total is not None:
                    results[i][done:done + size] = out
                    batch_outputs.append(results[i][done:done + size])
                else:
                    parts[i].append(out.copy())  # the forward pass reuses its output buffers
                    batch_outputs.append(parts[i][-1])
            done += size
            # As in Keras: the batch's predictions (views of the result, not copies).
            callback_list.on_predict_batch_end(step, {"outputs": self._format_outputs(batch_outputs)})
        source.on_epoch_end()
        callback_list.on_predict_end()
        if total is None:
            results = [np.concatenate(p) for p in parts]
        return self._format_outputs(results)

    def predict_classes(self, x, batch_size: int = 32, verbose=0) -> np.ndarray:
        """Class predictions (Keras 2): argmax of the outputs, or `p > 0.5` for one sigmoid unit."""
        probabilities = self.predict(x, batch_size=batch_size, verbose=verbose)
        if isinstance(probabilities, (list, dict)):
            raise ValueError("predict_classes needs a model with a single output.")
        if probabilities.shape[-1] > 1:
            return probabilities.argmax(axis=-1)
        return (probabilities > 0.5).astype("int32")

    # -------------------------------------------------------- batch methods
    @flushing_denormals
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict: bool = False):
        """One gradient step on one batch; returns the running loss (and metrics)."""
        self._require_compiled("train_on_batch()")
        xs, ys, sws, _ = self._prepare_xy(x, y, sample_weight, class_weight)
        self._ensure_packed()
        self._train_step(xs, ys, sws, self._update_plan())
        logs = self._logs()
        return logs if return_dict else self._flatten_logs(logs)

    @flushing_denormals
    def test_on_batch(self, x, y=None, sample_weight=None, return_dict: bool = False):
        """Loss (and metrics) on one batch, without training."""
        self._require_compiled("test_on_batch()")
        xs, ys, sws, _ = self._prepare_xy(x, y, sample_weight)
        self._ensure_packed()
        self.reset_metrics()
        self._test_step(xs, ys, sws)
        logs = self._logs()
        return logs if return_dict else self._flatten_logs(logs)

    @flushing_denormals
    def predict_on_batch(self, x):
        """Model outputs for one batch."""
        xs = self._prepare_x(x)
        self._ensure_packed()
        return self._format_outputs([o.copy() for o in self._forward(xs, training=False)])
