"""What a playground page can ask for, checked before anything is built.

`PlaygroundConfig.from_dict(payload)` turns the page's JSON into a validated
configuration, or raises `ConfigError` with a message the page shows as it is.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

DATASETS = ("xor", "circles", "moons", "spirals", "blobs", "regression", "csv")
FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear", "heaviside")
OPTIMIZERS = ("sgd", "momentum", "adam")
OUTPUTS = ("sigmoid", "linear")
REGULARIZATIONS = ("none", "l1", "l2")

MAX_HIDDEN_LAYERS = 6
MAX_NEURONS = 64
MAX_SAMPLES = 2000
MAX_CSV_ROWS = 5000


class ConfigError(ValueError):
    """A setting the playground cannot use; the message names it and what is allowed."""


@dataclass
class PlaygroundConfig:
    """One network, its data and its training settings.

    `hidden_layers` lists the neurons of each hidden layer (`[4, 2]`); an
    empty list with `activation="heaviside"` is Rosenblatt's perceptron.
    `csv` holds the text of an uploaded file (2 feature columns, then the
    target) when `dataset == "csv"`.
    """

    dataset: str = "xor"
    noise: float = 0.0
    train_ratio: float = 0.5
    n_samples: int = 500
    seed: int = 0
    csv: str | None = None
    features: list = field(default_factory=lambda: ["x1", "x2"])
    hidden_layers: list = field(default_factory=lambda: [4, 2])
    activation: str = "tanh"
    output: str = "sigmoid"
    optimizer: str = "sgd"
    learning_rate: float = 0.1
    batch_size: int = 10
    regularization: str = "none"
    regularization_rate: float = 0.0

    @property
    def perceptron(self) -> bool:
        """True when the page asks for Rosenblatt's single-layer perceptron."""
        return self.activation == "heaviside" and not self.hidden_layers

    @property
    def task(self) -> str:
        return "classification" if self.output == "sigmoid" else "regression"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, payload) -> "PlaygroundConfig":
        """Validate `payload` (the page's JSON object); unknown keys are refused."""
        if not isinstance(payload, dict):
            raise ConfigError(f"The configuration must be a JSON object. Received: {payload!r:.80}")
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(payload) - known)
        if unknown:
            raise ConfigError(f"Unknown setting(s): {', '.join(unknown)}. Known: {', '.join(sorted(known))}.")
        config = cls(**payload)
        config._check()
        return config

    # ------------------------------------------------------------------ checks
    def _check(self) -> None:
        _choice("dataset", self.dataset, DATASETS)
        _choice("activation", self.activation, ACTIVATIONS)
        _choice("output", self.output, OUTPUTS)
        _choice("optimizer", self.optimizer, OPTIMIZERS)
        _choice("regularization", self.regularization, REGULARIZATIONS)
        self.noise = _number("noise", self.noise, 0.0, 1.0)
        self.train_ratio = _number("train_ratio", self.train_ratio, 0.1, 0.9)
        self.n_samples = _integer("n_samples", self.n_samples, 20, MAX_SAMPLES)
        self.seed = _integer("seed", self.seed, 0, 2**32 - 1)
        self.learning_rate = _number("learning_rate", self.learning_rate, 1e-6, 10.0)
        self.batch_size = _integer("batch_size", self.batch_size, 1, MAX_CSV_ROWS)
        self.regularization_rate = _number("regularization_rate", self.regularization_rate, 0.0, 10.0)
        if not isinstance(self.features, list) or not self.features:
            raise ConfigError(f"features must be a non-empty list of {', '.join(FEATURES)}. "
                              f"Received: features={self.features!r}")
        for name in self.features:
            _choice("feature", name, FEATURES)
        if len(set(self.features)) != len(self.features):
            raise ConfigError(f"Each feature may appear once. Received: features={self.features!r}")
        if not isinstance(self.hidden_layers, list):
            raise ConfigError(f"hidden_layers must be a list of neuron counts. Received: {self.hidden_layers!r}")
        if len(self.hidden_layers) > MAX_HIDDEN_LAYERS:
            raise ConfigError(f"At most {MAX_HIDDEN_LAYERS} hidden layers. "
                              f"Received: {len(self.hidden_layers)} layers.")
        self.hidden_layers = [_integer("neurons per layer", n, 1, MAX_NEURONS) for n in self.hidden_layers]
        if self.activation == "heaviside" and self.hidden_layers:
            raise ConfigError(
                "heaviside has a zero gradient, so backpropagation cannot train hidden heaviside "
                "units. Remove the hidden layers (perceptron mode, Rosenblatt's rule) or pick "
                "relu, tanh, sigmoid or linear.")
        if self.perceptron and self.output != "sigmoid":
            raise ConfigError("The perceptron is a classifier: choose the sigmoid (classification) output.")
        if self.dataset == "regression" and self.output != "linear":
            raise ConfigError("The regression surface needs the linear + MSE output.")
        if self.dataset in ("xor", "circles", "moons", "spirals", "blobs") and self.output != "sigmoid":
            raise ConfigError(f"{self.dataset} is a classification set: choose the sigmoid output.")
        if self.dataset == "csv":
            if not isinstance(self.csv, str) or not self.csv.strip():
                raise ConfigError("The csv dataset needs a file: upload a CSV with 2 feature columns and a target.")
            if len(self.csv) > 2_000_000:
                raise ConfigError(f"The CSV file is too large ({len(self.csv):,} characters; at most 2,000,000).")


def _choice(name: str, value, allowed) -> None:
    if value not in allowed:
        raise ConfigError(f"Unknown {name} {value!r}. Expected one of: {', '.join(allowed)}.")


def _number(name: str, value, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{name} must be a number. Received: {name}={value!r}")
    if not low <= value <= high:  # also refuses NaN
        raise ConfigError(f"{name} must be between {low:g} and {high:g}. Received: {name}={value!r}")
    return float(value)


def _integer(name: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{name} must be a whole number. Received: {name}={value!r}")
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}. Received: {name}={value}")
    return int(value)
