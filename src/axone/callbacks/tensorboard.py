"""`TensorBoard`: event files that TensorBoard opens, written with the tensorboard package."""

from __future__ import annotations

import io
import os
import time
import warnings

import numpy as np

from axone.callbacks.callback import Callback


def _tensorboard():
    """The tensorboard modules this callback writes with (an optional extra)."""
    try:
        from tensorboard.compat.proto import event_pb2, summary_pb2
        from tensorboard.plugins.histogram.summary_v2 import histogram_pb
        from tensorboard.plugins.scalar.summary_v2 import scalar_pb
        from tensorboard.plugins.text.summary_v2 import text_pb
        from tensorboard.summary.writer.event_file_writer import EventFileWriter
    except ImportError:
        raise ImportError(
            'The TensorBoard callback needs the tensorboard package: pip install "axone[tensorboard]"'
        ) from None
    return {"Event": event_pb2.Event, "Summary": summary_pb2.Summary,
            "SummaryMetadata": summary_pb2.SummaryMetadata, "histogram_pb": histogram_pb,
            "scalar_pb": scalar_pb, "text_pb": text_pb, "EventFileWriter": EventFileWriter}


class TensorBoard(Callback):
    """Logs training to `log_dir` for TensorBoard (`tensorboard --logdir logs`).

    Written as Keras 3 writes them: in `log_dir/train` the scalars
    `epoch_loss`, `epoch_<metric>`, `epoch_learning_rate` per epoch (and
    `batch_<name>` with `update_freq`), in `log_dir/validation` the
    `epoch_<metric>` of the validation run and `evaluation_<name>_vs_iterations`.

    Args:
        log_dir: the folder of the event files. Defaults to `"logs"`.
        histogram_freq: write a histogram of every weight (`<layer>/<weight>/histogram`)
            every this many epochs; 0 writes none. Defaults to 0.
        write_graph: write the model at step 0, as the conceptual graph of
            TensorBoard's Graphs tab (tag `keras`, the model's JSON) and as
            text (tag `model_summary`, the `summary()` table). Defaults to True.
        write_steps_per_second: also log `epoch_steps_per_second` (and
            `batch_steps_per_second`). Defaults to False.
        update_freq: `"epoch"`, `"batch"`, or an integer N: the batch scalars
            every N batches. Defaults to `"epoch"`.
        profile_batch: accepted for compatibility; axone has no profiler, so a
            non-zero value is ignored with a one-line notice. Defaults to 0.
        write_images, embeddings_freq, embeddings_metadata: not supported;
            only their defaults are accepted.

    Needs the `tensorboard` package (`pip install "axone[tensorboard]"`).
    """

    def __init__(self, log_dir="logs", histogram_freq: int = 0, write_graph: bool = True,
                 write_images: bool = False, write_steps_per_second: bool = False,
                 update_freq="epoch", profile_batch=0, embeddings_freq: int = 0,
                 embeddings_metadata=None):
        super().__init__()
        self._tb = _tensorboard()
        for name, value in (("write_images", write_images), ("embeddings_freq", embeddings_freq),
                            ("embeddings_metadata", embeddings_metadata)):
            if value:
                raise ValueError(f"TensorBoard's `{name}` is not supported by axone. Received: {name}={value!r}")
        if not isinstance(histogram_freq, int) or histogram_freq < 0:
            raise ValueError(f"histogram_freq must be a non-negative integer. Received: histogram_freq={histogram_freq!r}")
        update_freq = 1 if update_freq == "batch" else update_freq
        if update_freq != "epoch" and (not isinstance(update_freq, int) or update_freq < 1):
            raise ValueError("update_freq must be 'epoch', 'batch' or a positive integer. "
                             f"Received: update_freq={update_freq!r}")
        if profile_batch:
            warnings.warn(f"TensorBoard: profile_batch={profile_batch!r} is ignored (axone has no profiler).",
                          UserWarning, stacklevel=2)
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = update_freq
        self.profile_batch = profile_batch
        self._writers: dict = {}
        self._global_train_batch = 0
        self._in_fit = False
        self._epoch_start = self._batch_start = 0.0
        self._epoch_iterations = 0

    # ------------------------------------------------------------ writing
    def _writer(self, which: str):
        if which not in self._writers:
            folder = os.path.join(self.log_dir, which)
            os.makedirs(folder, exist_ok=True)
            self._writers[which] = self._tb["EventFileWriter"](folder)
        return self._writers[which]

    def _write(self, which: str, summary, step: int) -> None:
        event = self._tb["Event"](wall_time=time.time(), step=int(step), summary=summary)
        self._writer(which).add_event(event)

    def _scalars(self, which: str, values: dict, step: int, prefix: str) -> None:
        for name, value in values.items():
            if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
                self._write(which, self._tb["scalar_pb"](f"{prefix}{name}", float(value)), step)

    def _close(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def _write_model(self) -> None:
        Summary, Metadata = self._tb["Summary"], self._tb["SummaryMetadata"]
        try:
            config = self.model.to_json()
        except Exception as error:  # a model that cannot be described still trains
            warnings.warn(f"TensorBoard: the model could not be written as JSON ({error}).", stacklevel=3)
        else:
            metadata = Metadata(plugin_data=Metadata.PluginData(plugin_name="graph_keras_model", content=b"1"))
            tensor = self._tb["text_pb"]("keras", config).value[0].tensor
            self._write("train", Summary(value=[Summary.Value(tag="keras", metadata=metadata, tensor=tensor)]), 0)
        lines = io.StringIO()
        self.model.summary(print_fn=lambda line, **kwargs: lines.write(line + "\n"))
        # Markdown: the table shown as preformatted text in the Text tab.
        table = "\n".join("    " + line for line in lines.getvalue().splitlines())
        self._write("train", self._tb["text_pb"]("model_summary", table), 0)

    # ------------------------------------------------------------ hooks
    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        self._in_fit = True
        if self.write_graph:
            self._write_model()

    def on_train_end(self, logs=None):
        self._in_fit = False
        self._close()

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = time.perf_counter()
        self._epoch_iterations = self.model.optimizer.iterations

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        self._batch_start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        if self.update_freq == "epoch" or self._global_train_batch % self.update_freq:
            return
        values = dict(logs or {})
        if self.write_steps_per_second:
            values["steps_per_second"] = 1.0 / max(time.perf_counter() - self._batch_start, 1e-9)
        self._scalars("train", values, self._global_train_batch, "batch_")

    def on_test_end(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and logs:
            for name, value in logs.items():
                self._scalars("validation", {f"{name}_vs_iterations": value}, optimizer.iterations,
                              "evaluation_")
        if not self._in_fit:  # evaluate(callbacks=[...]) outside fit: nothing else closes the files
            self._close()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        validation = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        train["learning_rate"] = float(self.model.optimizer.learning_rate)
        if self.write_steps_per_second:
            seconds = max(time.perf_counter() - self._epoch_start, 1e-9)
            train["steps_per_second"] = (self.model.optimizer.iterations - self._epoch_iterations) / seconds
        self._scalars("train", train, epoch, "epoch_")
        if validation:
            self._scalars("validation", validation, epoch, "epoch_")
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            for layer in self.model.layers:
                for weight in layer.weights:
                    tag = f"{weight.path.replace(':', '_')}/histogram"
                    self._write("train", self._tb["histogram_pb"](tag, weight.numpy()), epoch)
        for writer in self._writers.values():
            writer.flush()
