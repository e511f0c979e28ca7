"""`axone.plot.activation_functions`: figure N°8 from axone's own functions and derivatives."""

import numpy as np
import pytest

from axone.plot import activation_functions


def lines(ax):
    return {line.get_label(): line for line in ax.get_lines() if not line.get_label().startswith("_")}


def test_functions_and_derivatives_of_the_course(tmp_path):
    figure = activation_functions(to_file=tmp_path / "activations.png")
    functions, derivatives = figure.axes
    assert (functions.get_title(), derivatives.get_title()) == ("Activation functions", "Derivatives")
    assert list(lines(functions)) == ["heaviside", "sigmoid", "tanh", "relu"]
    x = lines(functions)["sigmoid"].get_xdata()
    sigmoid = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(lines(functions)["sigmoid"].get_ydata(), sigmoid, atol=1e-6)
    np.testing.assert_allclose(lines(derivatives)["sigmoid"].get_ydata(), sigmoid * (1 - sigmoid),
                               atol=1e-6)
    np.testing.assert_allclose(lines(derivatives)["tanh"].get_ydata(), 1 - np.tanh(x) ** 2, atol=1e-6)
    np.testing.assert_array_equal(lines(derivatives)["relu"].get_ydata(), (x > 0).astype(float))
    np.testing.assert_array_equal(lines(derivatives)["heaviside"].get_ydata(), 0)  # no gradient
    np.testing.assert_array_equal(lines(functions)["heaviside"].get_ydata(), (x >= 0).astype(float))
    assert (tmp_path / "activations.png").read_bytes()[:4] == b"\x89PNG"


def test_other_names_and_range():
    figure = activation_functions(["elu", "selu"], x_range=(-2, 2), n_points=5)
    functions, derivatives = figure.axes
    np.testing.assert_allclose(lines(functions)["elu"].get_xdata(), [-2, -1, 0, 1, 2])
    np.testing.assert_allclose(lines(derivatives)["elu"].get_ydata(), [np.exp(-2), np.exp(-1), 1, 1, 1],
                               rtol=1e-5)


def test_bad_names_are_refused():
    with pytest.raises(ValueError, match="Did you mean 'relu'"):
        activation_functions(["relux"])
    with pytest.raises(ValueError, match="softmax works on whole rows"):
        activation_functions(["softmax"])
    with pytest.raises(ValueError, match=r"Received: x_range=\(1, 1\)"):
        activation_functions(x_range=(1, 1))
