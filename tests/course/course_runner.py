"""Run a course block the way a student would with axone.

Only three kinds of edits are made, each listed here:
  * IMPORT_SWAPS: the import lines, as the course's users change them;
  * printed output shown in the course (lines starting with `>>`, and the
    `#Output` section of the summary block) is dropped, since it is not code;
  * ERRATA: mistakes in the course that fail in Keras too, fixed minimally.
"""

from __future__ import annotations

IMPORT_SWAPS = {
    "import tensorflow as tf": "",  # axone needs no separate backend import
    "from tensorflow import keras": "import axone as keras",
    "from tensorflow.keras.layers import Dense": "from axone.layers import Dense",
    "from tensorflow.keras import Sequential": "from axone import Sequential",
    "from tensorflow.random import set_seed": "from axone.utils import set_random_seed as set_seed",
    # The housing data comes from a local copy instead of a download.
    "from sklearn.datasets import fetch_california_housing": "from course_data import fetch_california_housing",
    "from sklearn.linear_model import Perceptron": "from axone import Perceptron",
    "from scikeras.wrappers import KerasClassifier, KerasRegressor": "from axone.wrappers import KerasClassifier, KerasRegressor",
}

ERRATA = {
    # `np.int` was removed in NumPy 1.24: an AttributeError with scikit-learn too.
    "perceptron_iris": [("astype(np.int)", "astype(int)")],
    # The course's last line is cut off ("plt.show(    "): a SyntaxError anywhere.
    "learning_curve": [("plt.show(    ", "plt.show()")],
    # The block builds `reg_model` but then compiles and trains `model`, the MNIST
    # classifier of the previous section, which cannot take 8 features (see
    # test_housing_block_as_printed_fails_clearly for what happens as printed).
    "housing_sequential": [
        ("\nmodel.compile(", "\nreg_model.compile("),
        ("history = model.fit(", "history = reg_model.fit("),
        ("mse_test = model.evaluate(", "mse_test = reg_model.evaluate("),
        ("y_pred = model.predict(", "y_pred = reg_model.predict("),
    ],
}


def swap_imports(code: str) -> str:
    lines = []
    for line in code.splitlines():
        stripped = line.strip()
        lines.append(line.replace(stripped, IMPORT_SWAPS[stripped]) if stripped in IMPORT_SWAPS else line)
    return "\n".join(lines) + "\n"


def drop_printed_output(code: str) -> str:
    if "\n#Output\n" in code:
        code = code[: code.index("\n#Output\n")] + "\n"
    return "\n".join(l for l in code.splitlines() if not l.startswith(">>")) + "\n"


def runnable(name: str, code: str, errata: bool = True) -> str:
    """The code of block `name` as run with axone."""
    if errata:
        for old, new in ERRATA.get(name, []):
            if old not in code:
                raise AssertionError(f"erratum for {name!r} does not apply: {old!r} not found")
            code = code.replace(old, new)
    return drop_printed_output(swap_imports(code))
