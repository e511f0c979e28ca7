import numpy as np

from axone.testing import numerical_gradient


def test_numerical_gradient_reaches_non_contiguous_arrays():
    base = np.arange(6.0).reshape(2, 3)
    view = base.T  # not C-contiguous
    grad = numerical_gradient(lambda: float(np.sum(view**2)), view)
    np.testing.assert_allclose(grad, 2 * view, rtol=1e-6)
