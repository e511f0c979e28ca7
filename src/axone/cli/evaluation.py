"""Test metrics of a trained table model beside a trivial baseline, and its curves."""

from __future__ import annotations

import numpy as np


def fold_target_scaling(model, prep) -> None:
    """Fold the target's standardisation into the output layer, so the network predicts in
    the file's units: `y = mean + std * (x @ W + b)` is `x @ (std W) + (std b + mean)`."""
    layer = model.layers[-1]
    kernel, bias = layer.get_weights()
    layer.set_weights([kernel * prep.target_std, bias * prep.target_std + prep.target_mean])


def regression_metrics(y_true, y_pred) -> dict:
    error = np.asarray(y_pred, float).ravel() - np.asarray(y_true, float).ravel()
    mse = float(np.mean(error ** 2))
    variance = float(np.var(y_true))
    return {"mse": mse, "rmse": float(np.sqrt(mse)), "mae": float(np.mean(np.abs(error))),
            "r2": 1.0 - mse / variance if variance > 0 else 0.0}


def classification_metrics(labels, proba) -> dict:
    proba = np.clip(np.asarray(proba, float), 1e-7, 1.0)
    return {"accuracy": float(np.mean(proba.argmax(axis=1) == labels)),
            "crossentropy": float(-np.mean(np.log(proba[np.arange(len(labels)), labels])))}


def test_report(model, prep, x, y) -> tuple[dict, dict]:
    """`(test metrics, baseline metrics)` in the file's units.

    The baseline predicts the training mean (regression) or the training
    class frequencies, whose most frequent class is the majority guess.
    """
    predicted = model.predict(x["test"], verbose=0)
    if prep.task == "regression":
        unscale = lambda v: np.asarray(v, float) * prep.target_std + prep.target_mean  # noqa: E731
        truth, mean = unscale(y["test"]), float(unscale(y["train"]).mean())
        return (regression_metrics(truth, predicted),
                regression_metrics(truth, np.full(len(truth), mean)))
    prior = np.bincount(y["train"], minlength=len(prep.classes)) / len(y["train"])
    return (classification_metrics(y["test"], predicted),
            classification_metrics(y["test"], np.tile(prior, (len(y["test"]), 1))))


def comparison_table(test: dict, baseline: dict) -> str:
    kind = "mean" if "mse" in test else "majority class"
    lines = [f"{'test metric':<14}{'model':>12}{'baseline (' + kind + ')':>26}"]
    lines += [f"{name:<14}{test[name]:>12.4g}{baseline[name]:>26.4g}" for name in test]
    return "\n".join(lines)


def save_learning_curves(history, path, title=None) -> None:
    """The learning curves as a PNG, written whole or not at all (raises ImportError
    without matplotlib)."""
    import os

    from axone.plot import learning_curves
    figure = learning_curves(history, title=title)
    temporary = f"{path}.tmp.png"
    try:
        figure.savefig(temporary, dpi=100)
        os.replace(temporary, path)
    finally:
        import matplotlib.pyplot as plt
        plt.close(figure)
