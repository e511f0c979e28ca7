"""The Python script that reproduces a playground configuration with axone."""

from __future__ import annotations

from axone.playground.config import PlaygroundConfig
from axone.playground.data import FEATURES, generator_call
from axone.playground.network import loss_name


def python_code(config: PlaygroundConfig, epochs: int = 100) -> str:
    """A runnable script: the data, the network, `compile` and `fit` for `epochs`.

    Run after the same number of epochs, it ends with the weights and losses
    the page shows (the playground trains with the very same calls).
    """
    lines = ["import numpy as np", "import axone as keras", ""]
    lines += _data_lines(config)
    lines += ["", "keras.utils.set_random_seed(%d)" % config.seed]
    if config.perceptron:
        lines += [
            "model = keras.Perceptron(activation=\"heaviside\", eta0=%r, shuffle=True, random_state=%d)"
            % (config.learning_rate, config.seed),
            "for epoch in range(%d):  # one pass of Rosenblatt's rule per epoch" % epochs,
            "    model.partial_fit(X_train, y_train, classes=[0.0, 1.0])",
            "print(\"train error:\", 1 - model.score(X_train, y_train))",
            "print(\"test error:\", 1 - model.score(X_test, y_test))",
        ]
        return "\n".join(lines) + "\n"
    lines += ["model = keras.Sequential([", "    keras.Input(shape=(%d,))," % len(config.features)]
    for units in config.hidden_layers:
        lines.append("    keras.layers.Dense(%d, activation=%r%s)," % (units, config.activation, _regularizer(config)))
    lines.append("    keras.layers.Dense(1, activation=%r%s)," % (config.output, _regularizer(config)))
    lines += ["])", "model.compile(loss=%r, optimizer=%s)" % (loss_name(config), _optimizer(config)),
              "history = model.fit(X_train, y_train, epochs=%d, batch_size=%d," % (epochs, config.batch_size),
              "                    validation_data=(X_test, y_test), verbose=0)",
              "print(\"train loss:\", history.history[\"loss\"][-1])",
              "print(\"test loss:\", history.history[\"val_loss\"][-1])"]
    return "\n".join(lines) + "\n"


def _data_lines(config: PlaygroundConfig) -> list[str]:
    if config.dataset == "csv":
        lines = ["# Your CSV file: two feature columns, then the target (a header row is skipped).",
                 "data = np.genfromtxt(\"data.csv\", delimiter=\",\", skip_header=1)",
                 "X, y = data[:, :2].astype(\"float32\"), data[:, 2].astype(\"float32\")"]
    else:
        name, arguments = generator_call(config)
        call = ", ".join(f"{key}={value!r}" for key, value in arguments.items())
        lines = [f"X, y = keras.datasets.{name}({call})",
                 "X, y = X.astype(\"float32\"), y.astype(\"float32\")"]
    columns = ", ".join(FEATURES[name][0] for name in config.features)
    lines += [f"features = np.column_stack([{columns}]).astype(\"float32\")  # {', '.join(config.features)}",
              "order = np.random.default_rng(%d).permutation(len(X))" % config.seed,
              "n_train = max(1, min(len(X) - 1, round(%r * len(X))))" % config.train_ratio,
              "X_train, y_train = features[order[:n_train]], y[order[:n_train]]",
              "X_test, y_test = features[order[n_train:]], y[order[n_train:]]"]
    return lines


def _regularizer(config: PlaygroundConfig) -> str:
    if config.regularization == "none":
        return ""
    name = {"l1": "L1", "l2": "L2"}[config.regularization]
    return ", kernel_regularizer=keras.regularizers.%s(%r)" % (name, config.regularization_rate)


def _optimizer(config: PlaygroundConfig) -> str:
    if config.optimizer == "sgd":
        return "keras.optimizers.SGD(learning_rate=%r)" % config.learning_rate
    if config.optimizer == "momentum":
        return "keras.optimizers.SGD(learning_rate=%r, momentum=0.9)" % config.learning_rate
    return "keras.optimizers.Adam(learning_rate=%r)" % config.learning_rate
