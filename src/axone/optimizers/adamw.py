"""AdamW: Adam with decoupled weight decay."""

from __future__ import annotations

from axone.optimizers.adam import Adam


class AdamW(Adam):
    """Adam with weight decay on by default, Keras 3's AdamW.

    Each step first shrinks the weights, `w *= 1 - weight_decay * learning_rate`
    (decoupled from the gradient), then applies Adam's update (see `Adam`).

    Args:
        learning_rate: defaults to `0.001`.
        weight_decay: must be a float. Defaults to `0.004`.
        beta_1, beta_2, epsilon, amsgrad: as `Adam` (`0.9`, `0.999`, `1e-7`, `False`).
        **kwargs: the other base `Optimizer` arguments (clipping, `name`).
    """

    def __init__(self, learning_rate=0.001, weight_decay: float = 0.004, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7, amsgrad: bool = False, **kwargs):
        if weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
                         amsgrad=amsgrad, weight_decay=weight_decay, **kwargs)
