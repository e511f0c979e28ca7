"""Every Keras code block of the lecture, run with only its imports changed.

The blocks run in the lecture's order in one namespace, as in a notebook.
Data comes from `course_data` (real copies under $AXONE_DATASETS, else
generated data of the same shape).
"""

from types import SimpleNamespace

import numpy as np
import pytest

import axone
from course_blocks import BLOCKS
from course_data import synthetic_mnist
from course_runner import runnable


class Notebook:
    def __init__(self):
        self.ns = {"__name__": "__course__"}

    def run(self, name: str, errata: bool = True) -> None:
        code = runnable(name, BLOCKS[name][1], errata=errata)
        exec(compile(code, f"<course block {name}>", "exec"), self.ns)

    def __getitem__(self, key):
        return self.ns[key]


@pytest.fixture
def mnist_download(monkeypatch):
    """`keras.datasets.mnist.load_data()` stand-in: MNIST-shaped generated images.

    (Downloading the real MNIST belongs to the datasets module, not to this test.)
    """
    train = synthetic_mnist(6000, seed=0)
    test = synthetic_mnist(1000, seed=1)
    fake = SimpleNamespace(mnist=SimpleNamespace(load_data=lambda: (train, test)))
    monkeypatch.setattr(axone, "datasets", fake, raising=False)


def test_mnist_classification_section(mnist_download, capsys, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = Notebook()
    nb.run("import_keras")
    nb.run("mnist_load_and_split")
    nb.run("mnist_shape")
    assert nb["X_train"].shape == (1000, 28, 28)

    nb.run("mnist_sequential_add")
    assert [l.count_params() for l in nb["model"].layers] == [0, 235500, 30100, 1010]
    nb.run("mnist_sequential_list")
    capsys.readouterr()
    nb.run("mnist_summary")
    summary = capsys.readouterr().out
    for count in ("235,500", "30,100", "1,010", "Total params: 266,610", "Trainable params: 266,610"):
        assert count in summary

    nb.run("mnist_get_weights")
    printed = capsys.readouterr().out
    assert "(784, 300)" in printed  # Keras 3's kernel layout (the course prints (300,784))

    nb.run("mnist_compile")
    nb.run("mnist_fit")
    output = capsys.readouterr().out
    assert "Epoch 30/30" in output and "val_accuracy" in output
    history = nb["train_model"]
    assert isinstance(history, axone.callbacks.History)
    assert history.params == {"verbose": "auto", "epochs": 30, "steps": 29}  # 900 samples / 32

    nb.run("mnist_history")
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.history["loss"][-1] < history.history["loss"][0]

    nb.ns["history"] = history  # the lecture's plot uses the name of its later sections
    nb.run("learning_curve")
    import matplotlib.pyplot as plt
    assert len(plt.gca().get_lines()) == 4
    plt.close("all")

    nb.ns["x_test"] = nb["X_test"] / 255.0  # the lecture evaluates a scaled `x_test`
    nb.ns["X_new"] = nb["x_test"][:3]
    loss, accuracy = nb["train_model"].evaluate(nb["x_test"], nb["y_test"])
    nb.run("mnist_evaluate")
    assert accuracy > 0.9
    nb.run("mnist_predict_classes")
    classes = nb["train_model"].predict_classes(nb["X_new"])
    np.testing.assert_array_equal(classes, nb["model"].predict(nb["X_new"]).argmax(axis=1))


def test_regression_section():
    # The course splits the data and draws the weights from NumPy's global state
    # without a seed, and plain SGD at 0.01 on housing can blow up on some draws
    # (AveOccup's outliers stay large after scaling): seed it, so this test does
    # not depend on the tests run before it.
    axone.utils.set_random_seed(0)
    nb = Notebook()
    nb.run("import_keras")
    nb.run("housing_preprocessing")
    nb.run("housing_sequential")
    reg_model = nb["reg_model"]
    assert [l.count_params() for l in reg_model.layers] == [4500, 501]
    history = nb["history"]
    assert len(history.history["loss"]) == 20
    assert np.isfinite(nb["mse_test"])
    assert nb["mse_test"] < np.var(nb["y_test"])  # better than predicting the mean
    assert nb["y_pred"].shape == (3, 1)

    nb.run("wide_deep_model")
    model = nb["model"]
    assert isinstance(model, axone.Model)
    assert [type(l).__name__ for l in model.layers] == ["InputLayer", "Dense", "Dense", "Concatenate", "Dense"]
    assert model.count_params() == 8 * 30 + 30 + 30 * 30 + 30 + 38 + 1
    nb.run("wide_deep_compile")
    nb.run("wide_deep_fit")
    losses = nb["history"].history["val_loss"]
    assert len(losses) == 20 and losses[-1] < losses[0]

    nb.run("tuning_build_model")
    tuned = nb["build_model"](n_hidden=2, n_neurons=50, lr=0.001)
    assert [l.count_params() for l in tuned.layers] == [450, 2550, 51]
    assert tuned.optimizer.learning_rate == pytest.approx(0.001)
    tuned.fit(nb["X_train"], nb["y_train"], epochs=1, verbose=0)


def test_housing_block_as_printed_fails_clearly(mnist_download):
    """As printed, the block trains the MNIST `model` on 8 features: a clear error, as in Keras."""
    nb = Notebook()
    nb.run("import_keras")
    nb.run("mnist_load_and_split")
    nb.run("mnist_sequential_list")
    nb.run("housing_preprocessing")
    with pytest.raises(ValueError, match=r"expected shape \(None, 28, 28\).*\(\d+, 8\)"):
        nb.run("housing_sequential", errata=False)


def test_perceptron_section():
    """Section 2.3: the perceptron on iris's petals, axone's equal to scikit-learn's."""
    from sklearn.linear_model import Perceptron as SklearnPerceptron

    nb = Notebook()
    nb.run("perceptron_iris")
    assert nb["per_clf"].converged_ and nb["per_clf"].score(nb["X"], nb["y"]) == 1.0
    theirs = SklearnPerceptron().fit(nb["X"], nb["y"])
    # (2, 0.5) lies on the boundary both find (p = -1.3e-15): the same side in both.
    assert np.array_equal(nb["y_pred"], theirs.predict([[2, 0.5]]))
    assert np.array_equal(nb["per_clf"].coef_, theirs.coef_)
    assert np.array_equal(nb["per_clf"].intercept_, theirs.intercept_)


def test_tuning_section(capsys):
    """Section 5: the course's build_model wrapped and searched over its whole grid (27 x cv=2)."""
    nb = Notebook()
    nb.run("import_keras")
    nb.run("housing_preprocessing")
    # A small slice of the training set keeps the 54 fits (one epoch each) quick.
    nb.ns["X_train"], nb.ns["y_train"] = nb["X_train"][:240], nb["y_train"][:240]
    nb.run("tuning_build_model")
    nb.run("tuning_wrap")
    nb.run("tuning_gridsearch")
    search = nb["rnd_search_cv"]
    assert len(search.cv_results_["params"]) == 27
    assert set(search.best_params_) == {"model__n_hidden", "model__n_neurons", "model__lr"}
    assert np.isfinite(search.best_score_)
    assert str(search.best_params_) in capsys.readouterr().out
    best = search.best_estimator_.model_
    assert len(best.layers) == search.best_params_["model__n_hidden"] + 1
