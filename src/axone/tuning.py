"""Tuning helpers: the learning-rate finder of the course (section 5)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from axone import backend


@dataclass
class LearningRateFinderResult:
    """What `find_learning_rate` measured.

    Attributes:
        lrs: the learning rate of each step, from `min_lr` up.
        losses: the loss of each step's batch (before that step's update).
        smoothed_losses: `losses` smoothed by an exponential moving average
            (`beta`, with bias correction), the curve to read.
        suggested_lr: the rate where the smoothed loss falls fastest: the
            steepest negative slope of `smoothed_losses` against `log(lr)`,
            searched before the minimum of the curve. A starting point, not
            a guarantee; the course's rule of thumb is a rate about 10 times
            smaller than the one where the loss starts to climb.
        stopped_early: True if the loss exploded before `steps` steps.
    """

    lrs: np.ndarray
    losses: np.ndarray
    smoothed_losses: np.ndarray
    suggested_lr: float | None
    stopped_early: bool = False
    beta: float = field(default=0.98, repr=False)

    def plot(self, ax=None, smoothed: bool = True, raw: bool = True, suggestion: bool = True):
        """The loss against the learning rate (log axis) with matplotlib; returns the Axes."""
        try:
            import matplotlib
            if ax is None:
                import matplotlib.pyplot as plt
        except ImportError:
            raise ImportError('LearningRateFinderResult.plot() needs matplotlib: pip install "axone[plot]"') from None
        del matplotlib
        if ax is None:
            _, ax = plt.subplots()
        if raw:
            ax.plot(self.lrs, self.losses, alpha=0.35 if smoothed else 1.0, label="loss")
        if smoothed:
            ax.plot(self.lrs, self.smoothed_losses, label="smoothed loss")
        if suggestion and self.suggested_lr is not None:
            ax.axvline(self.suggested_lr, color="tab:red", linestyle="--",
                       label=f"suggested: {self.suggested_lr:.2g}")
        ax.set_xscale("log")
        ax.set_xlabel("learning rate")
        ax.set_ylabel("loss")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
        return ax


def find_learning_rate(model, x, y, min_lr: float = 1e-5, max_lr: float = 1.0, steps: int = 500,
                       batch_size: int = 32, beta: float = 0.98, stop_factor: float = 4.0,
                       shuffle: bool = True, seed: int | None = None) -> LearningRateFinderResult:
    """Train for `steps` batches while the learning rate grows exponentially; record the loss.

    The course's recipe: the rate starts at `min_lr` and is multiplied by
    `exp(log(max_lr / min_lr) / steps)` after each step (from 1e-5 to 1 in
    500 steps by default). Training stops early once the loss is not finite
    or exceeds `stop_factor` times the lowest smoothed loss. The model's
    weights, its optimizer's state (iterations, learning rate, slots) and its
    layers' random generators are put back as they were afterwards, even if
    the search fails; only the metrics are reset (an optimizer that had not
    been built yet is built, with its initial zero state).

    Args:
        model: a compiled model.
        x, y: training arrays (a list or dict of arrays for several inputs or outputs).
        min_lr, max_lr: the first rate and the rate `steps` steps later.
        steps: number of training steps. Defaults to 500.
        batch_size: samples per step (the data is cycled through as needed).
        beta: smoothing of the loss curve. Defaults to 0.98.
        stop_factor: explosion threshold. Defaults to 4.
        shuffle: shuffle the samples at each pass. Defaults to True.
        seed: seed of the shuffling (None: from NumPy's global random state).

    Returns:
        a `LearningRateFinderResult` (`lrs`, `losses`, `smoothed_losses`,
        `suggested_lr`, `plot()`).
    """
    from axone.utils.training_state import restore_training_state, training_state

    if not getattr(model, "compiled", False):
        raise ValueError("find_learning_rate needs a compiled model: call model.compile(...) first.")
    if not (0 < min_lr < max_lr) or not math.isfinite(max_lr):
        raise ValueError(f"Expected 0 < min_lr < max_lr. Received: min_lr={min_lr}, max_lr={max_lr}")
    if not isinstance(steps, int) or steps < 2:
        raise ValueError(f"steps must be an integer >= 2. Received: steps={steps!r}")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer. Received: batch_size={batch_size!r}")
    if not 0 <= beta < 1:
        raise ValueError(f"beta must be in [0, 1). Received: beta={beta}")
    xs, ys = _as_arrays(x, "x"), _as_arrays(y, "y")
    n = len(_first(xs))
    # Build the model and its optimizer (zero state) without a step, so that the state saved
    # here is the one a later fit would start from.
    model._prepare_x(_take(xs, slice(0, 1)))
    model._ensure_packed()
    saved = training_state(model, copy=True)
    factor = math.exp(math.log(max_lr / min_lr) / steps)
    rng = backend.random_generator(seed)
    lrs, losses, smoothed = [], [], []
    average, best, stopped = 0.0, math.inf, False
    try:
        order, position = None, n
        for step in range(steps):
            if position + min(batch_size, n) > n:  # a new pass over the data
                order = rng.permutation(n) if shuffle else np.arange(n)
                position = 0
            index = order[position:position + batch_size]
            position += batch_size
            lr = min_lr * factor ** step
            model.optimizer.learning_rate = lr
            model.reset_metrics()
            loss = model.train_on_batch(_take(xs, index), _take(ys, index))
            loss = float(loss[0] if isinstance(loss, list) else loss)
            lrs.append(lr)
            losses.append(loss)
            if not math.isfinite(loss):
                smoothed.append(math.nan)
                stopped = True
                break
            average = beta * average + (1 - beta) * loss
            smoothed.append(average / (1 - beta ** (step + 1)))
            best = min(best, smoothed[-1])
            if smoothed[-1] > stop_factor * best:
                stopped = True
                break
    finally:
        restore_training_state(model, *saved, "the saved state")
        model.reset_metrics()
    lrs_array, smoothed_array = np.array(lrs), np.array(smoothed)
    return LearningRateFinderResult(lrs=lrs_array, losses=np.array(losses), smoothed_losses=smoothed_array,
                                    suggested_lr=_steepest(lrs_array, smoothed_array), stopped_early=stopped,
                                    beta=beta)


def _steepest(lrs: np.ndarray, smoothed: np.ndarray) -> float | None:
    """The rate of the steepest descent of the smoothed curve, before its minimum."""
    finite = np.isfinite(smoothed)
    lrs, smoothed = lrs[finite], smoothed[finite]
    if len(smoothed) < 3:
        return None
    end = int(np.argmin(smoothed)) + 1
    if end < 3:
        return None
    slopes = np.gradient(smoothed[:end], np.log(lrs[:end]))
    return float(lrs[int(np.argmin(slopes))])


def _as_arrays(data, name):
    if isinstance(data, dict):
        return {k: np.asarray(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [np.asarray(v) for v in data]
    return np.asarray(data)


def _first(data):
    if isinstance(data, dict):
        return next(iter(data.values()))
    if isinstance(data, list):
        return data[0]
    return data


def _take(data, index):
    if isinstance(data, dict):
        return {k: v[index] for k, v in data.items()}
    if isinstance(data, list):
        return [v[index] for v in data]
    return data[index]
