"""Generated 2-D data for the playground and quick experiments, seeded and reproducible.

Every generator returns `(x, y)`: `x` float64 of shape `(n_samples, 2)`
(`(n_samples, n_features)` for `blobs`), `y` int64 class labels (float64
targets for `surface`). The same `seed` gives bit-identical arrays; `seed=None`
draws fresh ones. `noise` is the standard deviation of Gaussian noise added to
the points (to the targets for `surface`).
"""

from __future__ import annotations

import numpy as np


def check_sizes(n_samples, noise=0.0, minimum: int = 1):
    """Raise ValueError unless `n_samples` is an integer >= `minimum` and `noise` a number >= 0."""
    if not isinstance(n_samples, (int, np.integer)) or isinstance(n_samples, bool) or n_samples < minimum:
        raise ValueError(f"n_samples must be an integer >= {minimum}. Received: n_samples={n_samples!r}")
    if not isinstance(noise, (int, float, np.number)) or isinstance(noise, bool) or not noise >= 0:
        raise ValueError(f"noise must be a number >= 0. Received: noise={noise!r}")


def _split(n_samples: int, parts: int) -> list[int]:
    """`n_samples` shared between `parts` classes as evenly as possible (the first ones get the rest)."""
    return [n_samples // parts + (i < n_samples % parts) for i in range(parts)]


def _finish(x, y, noise, rng, shuffle: bool = True):
    # The order is drawn before the noise: the same seed with another noise
    # level moves the same points, in the same order.
    if shuffle:
        order = rng.permutation(len(x))
        x, y = x[order], y[order]
    x = x + rng.normal(0.0, noise, x.shape) if noise else x
    return np.ascontiguousarray(x, dtype=np.float64), y.astype(np.int64)


def xor(n_samples: int = 200, noise: float = 0.0, seed: int | None = None):
    """Points uniform in `[-1, 1]^2`; class 1 where exactly one coordinate is positive."""
    check_sizes(n_samples, noise)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, (n_samples, 2))
    y = (x[:, 0] > 0) ^ (x[:, 1] > 0)
    return _finish(x, y, noise, rng, shuffle=False)


def moons(n_samples: int = 100, noise: float = 0.0, seed: int | None = None):
    """Two interleaving half circles (class 0 the upper one), as scikit-learn's `make_moons`."""
    check_sizes(n_samples, noise, minimum=2)
    rng = np.random.default_rng(seed)
    n_outer, n_inner = _split(n_samples, 2)
    outer = np.linspace(0.0, np.pi, n_outer)
    inner = np.linspace(0.0, np.pi, n_inner)
    x = np.concatenate([np.column_stack([np.cos(outer), np.sin(outer)]),
                        np.column_stack([1.0 - np.cos(inner), 0.5 - np.sin(inner)])])
    y = np.repeat([0, 1], [n_outer, n_inner])
    return _finish(x, y, noise, rng)


def circles(n_samples: int = 100, noise: float = 0.0, factor: float = 0.5, seed: int | None = None):
    """A circle of radius 1 (class 0) around one of radius `factor` (class 1).

    Args:
        factor: the inner radius, in (0, 1). Defaults to 0.5.
    """
    check_sizes(n_samples, noise, minimum=2)
    if not 0 < factor < 1:
        raise ValueError(f"factor must be between 0 and 1 (exclusive). Received: factor={factor!r}")
    rng = np.random.default_rng(seed)
    n_outer, n_inner = _split(n_samples, 2)
    # endpoint=False: 0 and 2*pi would put two points on the same spot.
    outer = np.linspace(0.0, 2 * np.pi, n_outer, endpoint=False)
    inner = np.linspace(0.0, 2 * np.pi, n_inner, endpoint=False)
    x = np.concatenate([np.column_stack([np.cos(outer), np.sin(outer)]),
                        factor * np.column_stack([np.cos(inner), np.sin(inner)])])
    y = np.repeat([0, 1], [n_outer, n_inner])
    return _finish(x, y, noise, rng)


def spirals(n_samples: int = 200, noise: float = 0.0, n_classes: int = 2, turns: float = 1.75,
            seed: int | None = None):
    """`n_classes` interleaved arms of a spiral from the origin out to radius 1.

    Args:
        n_classes: number of arms (one class each). Defaults to 2.
        turns: how many times each arm winds around the origin. Defaults to 1.75.
    """
    check_sizes(n_samples, noise, minimum=n_classes)
    if not isinstance(n_classes, (int, np.integer)) or n_classes < 2:
        raise ValueError(f"n_classes must be an integer >= 2. Received: n_classes={n_classes!r}")
    rng = np.random.default_rng(seed)
    counts = _split(n_samples, n_classes)
    arms = []
    for k, count in enumerate(counts):
        radius = np.linspace(0.05, 1.0, count)
        angle = 2 * np.pi * (turns * radius + k / n_classes)
        arms.append(np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]))
    y = np.repeat(np.arange(n_classes), counts)
    return _finish(np.concatenate(arms), y, noise, rng)


def blobs(n_samples: int = 100, noise: float = 1.0, centers=3, n_features: int = 2,
          center_box: tuple = (-10.0, 10.0), seed: int | None = None):
    """Gaussian clusters, one class each, as scikit-learn's `make_blobs`.

    Args:
        noise: the clusters' standard deviation. Defaults to 1.0.
        centers: the number of clusters (their centres drawn uniformly in
            `center_box`), or an array of centres `(n_centers, n_features)`.
        n_features: dimensions, when `centers` is a number. Defaults to 2.
        center_box: bounds of the random centres. Defaults to `(-10, 10)`.
    """
    check_sizes(n_samples, noise)
    rng = np.random.default_rng(seed)
    if np.isscalar(centers):
        if not isinstance(centers, (int, np.integer)) or centers < 1:
            raise ValueError(f"centers must be an integer >= 1 or an array. Received: centers={centers!r}")
        centers = rng.uniform(center_box[0], center_box[1], (int(centers), n_features))
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2:
        raise ValueError(f"centers must have shape (n_centers, n_features). Received shape {centers.shape}")
    counts = _split(n_samples, len(centers))
    x = np.repeat(centers, counts, axis=0)
    y = np.repeat(np.arange(len(centers)), counts)
    return _finish(x, y, noise, rng)


SURFACES = ("plane", "gaussians", "sine")


def surface(n_samples: int = 200, noise: float = 0.0, kind: str = "gaussians", seed: int | None = None):
    """A 2-D regression problem: points uniform in `[-1, 1]^2`, a smooth target `f(x)`.

    Args:
        kind: `"plane"` (`f = (x0 + x1) / 2`), `"gaussians"` (two bumps of
            opposite sign, `f` in about `[-1, 1]`) or `"sine"`
            (`f = sin(pi x0) cos(pi x1)`). Defaults to `"gaussians"`.

    Returns:
        `(x, y)`: `x` float64 `(n_samples, 2)`, `y` float64 `(n_samples,)`.
    """
    check_sizes(n_samples, noise)
    if kind not in SURFACES:
        raise ValueError(f"kind must be one of {SURFACES}. Received: kind={kind!r}")
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, (n_samples, 2))
    if kind == "plane":
        y = (x[:, 0] + x[:, 1]) / 2
    elif kind == "gaussians":
        def bump(cx, cy):
            return np.exp(-((x[:, 0] - cx) ** 2 + (x[:, 1] - cy) ** 2) / 0.18)
        y = bump(-0.4, 0.4) - bump(0.4, -0.4)
    else:
        y = np.sin(np.pi * x[:, 0]) * np.cos(np.pi * x[:, 1])
    y = y + rng.normal(0.0, noise, n_samples) if noise else y
    return x, y
