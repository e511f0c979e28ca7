import numpy as np
import pytest

#: a tiny parameter vector and three steps of gradients shared by the hand-computed tests
W0 = [0.5, -1.0, 2.0]
GRADS = [[0.1, -0.2, 0.3], [0.4, 0.1, -0.5], [-0.3, 0.2, 0.1]]


@pytest.fixture
def run():
    """`run(optimizer, weights, grads, ranges=None, offsets=None)`: apply one step per
    gradient to a float32 copy of `weights` and return it."""

    def run(optimizer, weights=W0, grads=GRADS, ranges=None, offsets=None):
        values = np.array(weights, dtype="float32")
        for grad in grads:
            optimizer.apply(values, np.array(grad, dtype="float32"), ranges, offsets)
        return values

    return run
