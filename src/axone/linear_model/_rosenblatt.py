"""Rosenblatt's learning rule for one threshold neuron, sample by sample.

The loop follows scikit-learn's `Perceptron` (its plain SGD with the
perceptron loss) operation for operation, so that with the same settings
both give the same weights to the last bit:

* a sample is an error when its margin `y * p <= 0` (`y` in {-1, +1},
  `p = w . x + b`): a sample on the boundary counts as an error for either
  class, which is what moves the all-zero start;
* an error adds `step * y * class_weight * sample_weight` times `x` to `w`
  (and that amount to `b`);
* the dot product is summed left to right, as a C loop would;
* the epoch order is shuffled with scikit-learn's xorshift generator and
  Fisher-Yates shuffle, applied again to the previous order each epoch;
* training stops after `n_iter_no_change` epochs whose mean perceptron loss
  `max(0, -y p)` (or validation accuracy, with early stopping) did not
  improve by `tol`.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

_RAND_R_MAX = 0x7FFFFFFF
_MASK32 = 0xFFFFFFFF


def shuffle_in_place(order: np.ndarray, seed: int) -> None:
    """Permute `order` as scikit-learn's `SequentialDataset.shuffle(seed)` does.

    A Fisher-Yates shuffle drawing from a 32-bit xorshift generator (13, 17, 5),
    each draw reduced modulo 2**31.
    """
    state = int(seed) & _MASK32
    n = len(order)
    for i in range(n - 1):
        if state == 0:
            state = 1
        state ^= (state << 13) & _MASK32
        state ^= state >> 17
        state ^= (state << 5) & _MASK32
        j = i + (state % (_RAND_R_MAX + 1)) % (n - i)
        order[i], order[j] = order[j], order[i]


def train_neuron(X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray, coef: np.ndarray,
                 intercept: np.ndarray, *, step: float, fit_intercept: bool, max_iter: int,
                 tol: float | None, n_iter_no_change: int, shuffle: bool, seed: int,
                 pos_weight: float, neg_weight: float, validation_mask: np.ndarray,
                 validation_score: Callable[[np.ndarray, float], float] | None) -> int:
    """Train one neuron in place (`coef` (n_features,), `intercept` (1,), float64); return the epochs run.

    Args:
        X: (n_samples, n_features) float64, C-contiguous.
        y: (n_samples,) targets in {-1.0, +1.0}.
        sample_weight: (n_samples,) float64.
        step: the learning-rate factor of an error, `eta0` for 0/1 outputs
            (`y - y_hat` is +-1) and `2 * eta0` for -1/+1 outputs (it is +-2).
        tol: the improvement an epoch must make; None never stops early.
        seed: the shuffling seed (an unsigned 32-bit integer).
        pos_weight, neg_weight: class weights of the +1 and -1 samples.
        validation_mask: (n_samples,) bool, the samples held out (not trained on).
        validation_score: `(coef, intercept) -> accuracy` on the held-out
            samples, for early stopping; None stops on the training loss.
    """
    n_samples = X.shape[0]
    train_count = n_samples - int(validation_mask.sum())
    order = np.arange(n_samples)
    tol = -math.inf if tol is None else float(tol)
    rows = list(X)
    targets = y.tolist()
    weights = sample_weight.tolist()
    held_out = validation_mask.tolist()
    b = float(intercept[0])
    best_objective, best_score = math.inf, -math.inf
    no_improvement = 0
    epoch = 0
    for epoch in range(max_iter):
        if shuffle:
            shuffle_in_place(order, seed)
        loss_sum = 0.0
        for i in order.tolist():
            if held_out[i]:
                continue
            x = rows[i]
            products = coef * x
            p = float(np.cumsum(products)[-1]) + b if products.size else b
            label = targets[i]
            margin = p * label
            if margin <= 0.0:
                loss_sum += 0.0 - margin
                update = step * label * ((pos_weight if label > 0.0 else neg_weight) * weights[i])
                if update != 0.0:
                    coef += x * update
                    if fit_intercept:
                        b += update
        if not (math.isfinite(b) and np.isfinite(coef).all()):
            raise ValueError(
                f"Floating-point overflow at epoch {epoch + 1}: the weights are no longer "
                "finite. Scale the inputs (e.g. sklearn's StandardScaler) or lower eta0.")
        if validation_score is not None:
            score = validation_score(coef, b)
            no_improvement = no_improvement + 1 if score < best_score + tol else 0
            best_score = max(best_score, score)
        else:
            objective = loss_sum / train_count
            no_improvement = no_improvement + 1 if objective > best_objective - tol else 0
            best_objective = min(best_objective, objective)
        if no_improvement >= n_iter_no_change:
            break
    intercept[0] = b
    return epoch + 1
