import numpy as np
import pytest

from axone.datasets import synthetic

CLASSIFIERS = {"xor": synthetic.xor, "moons": synthetic.moons, "circles": synthetic.circles,
               "spirals": synthetic.spirals, "blobs": synthetic.blobs}


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_shapes_labels_and_seeds(name):
    generate = CLASSIFIERS[name]
    x, y = generate(n_samples=101, noise=0.1, seed=7)
    assert x.shape == (101, 2) and x.dtype == np.float64 and y.shape == (101,) and y.dtype == np.int64
    assert set(np.unique(y)) == set(range(3 if name == "blobs" else 2))
    again = generate(n_samples=101, noise=0.1, seed=7)
    assert np.array_equal(x, again[0]) and np.array_equal(y, again[1])
    other = generate(n_samples=101, noise=0.1, seed=8)
    assert not np.array_equal(x, other[0])


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_bad_arguments(name):
    with pytest.raises(ValueError, match="Received: n_samples=0"):
        CLASSIFIERS[name](n_samples=0)
    with pytest.raises(ValueError, match="Received: noise=-1"):
        CLASSIFIERS[name](noise=-1)


def test_xor_labels_follow_the_signs():
    x, y = synthetic.xor(n_samples=500, seed=0)
    assert np.array_equal(y, ((x[:, 0] > 0) != (x[:, 1] > 0)).astype(int))
    assert np.abs(x).max() <= 1


def test_circles_radii_without_noise():
    x, y = synthetic.circles(n_samples=60, factor=0.3, seed=0)
    radius = np.hypot(x[:, 0], x[:, 1])
    assert np.allclose(radius[y == 0], 1.0) and np.allclose(radius[y == 1], 0.3)
    assert np.bincount(y).tolist() == [30, 30]
    with pytest.raises(ValueError, match="Received: factor=1.5"):
        synthetic.circles(factor=1.5)


def test_moons_geometry_without_noise():
    x, y = synthetic.moons(n_samples=40, seed=0)
    assert np.allclose(np.hypot(x[y == 0, 0], x[y == 0, 1]), 1.0)
    assert np.allclose(np.hypot(x[y == 1, 0] - 1, x[y == 1, 1] - 0.5), 1.0)


def test_noise_moves_points():
    clean, _ = synthetic.moons(n_samples=200, noise=0.0, seed=0)
    noisy, _ = synthetic.moons(n_samples=200, noise=0.2, seed=0)
    assert 0.1 < np.std(noisy - clean) < 0.3


def test_spirals_classes_and_radius():
    x, y = synthetic.spirals(n_samples=300, n_classes=3, seed=0)
    assert np.bincount(y).tolist() == [100, 100, 100]
    assert np.hypot(x[:, 0], x[:, 1]).max() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="Received: n_classes=1"):
        synthetic.spirals(n_classes=1)


def test_blobs_centres():
    centres = np.array([[0.0, 0.0, 0.0], [10.0, 10.0, 10.0]])
    x, y = synthetic.blobs(n_samples=400, centers=centres, noise=0.5, seed=0)
    assert x.shape == (400, 3)
    for k in range(2):
        assert np.allclose(x[y == k].mean(axis=0), centres[k], atol=0.15)
        assert np.std(x[y == k] - centres[k]) == pytest.approx(0.5, rel=0.1)
    with pytest.raises(ValueError, match="Received: centers=0"):
        synthetic.blobs(centers=0)


@pytest.mark.parametrize("kind", synthetic.SURFACES)
def test_surface(kind):
    x, y = synthetic.surface(n_samples=300, kind=kind, seed=1)
    assert x.shape == (300, 2) and y.shape == (300,) and y.dtype == np.float64
    assert np.abs(y).max() <= 1.0 and np.std(y) > 0.1
    noisy = synthetic.surface(n_samples=300, kind=kind, noise=0.1, seed=1)[1]
    assert 0.05 < np.std(noisy - y) < 0.15
    if kind == "plane":
        assert np.allclose(y, x.mean(axis=1))
    with pytest.raises(ValueError, match="Received: kind='cone'"):
        synthetic.surface(kind="cone")


def test_noise_must_be_a_number():
    with pytest.raises(ValueError, match="Received: noise='high'"):
        synthetic.moons(noise="high")
