"""The exercise solutions, run with only their imports changed."""

import numpy as np
import pandas as pd

import axone
from course_blocks import BLOCKS
from course_runner import runnable


def run(name, namespace=None):
    namespace = {} if namespace is None else namespace
    exec(compile(runnable(name, BLOCKS[name][1]), f"<exercise {name}>", "exec"), namespace)
    return namespace


def test_exercise_layers():
    assert run("exercise_1_dense")["layer"].units == 60
    layer = run("exercise_7_softmax_layer")["layer"]
    assert layer.units == 10 and layer.activation.name == "softmax"
    run("exercise_2_dense_relu")


def test_exercise_sequential_and_compile():
    model = run("exercise_3_sequential")["model"]
    assert [l.units for l in model.layers] == [30, 1]
    assert not model.built  # no input shape given yet
    model = run("exercise_4_compile")["model"]
    assert isinstance(model.optimizer, axone.optimizers.SGD)


def test_exercise_houses(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    size = rng.uniform(0.3, 2.0, 200)  # hundreds of square metres
    rooms = rng.integers(1, 7, 200)
    price = 1.5 * size + 0.2 * rooms + rng.normal(0, 0.1, 200)  # hundreds of thousands
    pd.DataFrame({"size": size, "nb_room": rooms, "price": price}).to_csv(tmp_path / "houses.csv", index=False)
    monkeypatch.chdir(tmp_path)
    ns = run("exercise_5_houses")
    model = ns["model"]
    assert model.layers[0].kernel.shape == (2, 30)
    assert np.isfinite(model.evaluate(ns["X_test"], ns["y_test"], verbose=0))


def test_exercise_tumors(tmp_path, monkeypatch):
    model = run("exercise_8_tumor_model")["model"]
    assert model.count_params() == 2 * 20 + 20 + 20 * 2 + 2
    rng = np.random.default_rng(0)
    malignant = rng.integers(0, 2, 300)
    size = rng.normal(2.0 + 1.5 * malignant, 0.5)
    p53 = rng.normal(0.3 + 0.4 * malignant, 0.1)
    pd.DataFrame({"size": size, "p53_concentration": p53, "malignant": malignant}).to_csv(
        tmp_path / "tumors.csv", index=False)
    monkeypatch.chdir(tmp_path)
    ns = run("exercise_9_tumors")
    history = ns["model"].history
    assert len(history.history["loss"]) == 3
    assert history.history["loss"][-1] < history.history["loss"][0]
