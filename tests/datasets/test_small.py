import numpy as np
import pytest

from axone.datasets import load_breast_cancer, load_digits, load_iris

LOADERS = {"iris": (load_iris, (150, 4), 3), "breast_cancer": (load_breast_cancer, (569, 30), 2),
           "digits": (load_digits, (1797, 64), 10)}


@pytest.mark.parametrize("name", LOADERS)
def test_bunch_form(name):
    load, shape, n_classes = LOADERS[name]
    bunch = load()
    assert bunch.data.shape == shape and bunch.data.dtype == np.float64
    assert bunch.target.shape == (shape[0],) and set(np.unique(bunch.target)) == set(range(n_classes))
    assert len(bunch.feature_names) == shape[1] and len(bunch.target_names) == n_classes
    assert bunch.source == "embedded" and "scikit-learn" in bunch.DESCR and "CC BY 4.0" in bunch.DESCR
    x, y = load(return_X_y=True)
    assert np.array_equal(x, bunch.data) and np.array_equal(y, bunch.target)


@pytest.mark.parametrize("name", LOADERS)
def test_equal_to_scikit_learn(name):
    datasets = pytest.importorskip("sklearn.datasets")
    ours, theirs = LOADERS[name][0](), getattr(datasets, f"load_{name}")()
    assert np.array_equal(ours.data, theirs.data) and np.array_equal(ours.target, theirs.target)
    assert list(ours.feature_names) == list(theirs.feature_names)
    assert list(ours.target_names) == list(theirs.target_names)


def test_breast_cancer_labels():
    assert list(load_breast_cancer().target_names) == ["malignant", "benign"]
    assert np.bincount(load_breast_cancer().target).tolist() == [212, 357]


def test_digits_images_and_n_class():
    digits = load_digits()
    assert digits.images.shape == (1797, 8, 8) and np.array_equal(digits.images[5].ravel(), digits.data[5])
    assert digits.data.max() == 16
    five = load_digits(n_class=5)
    assert set(np.unique(five.target)) == set(range(5)) and len(five.images) == len(five.data)
    with pytest.raises(ValueError, match="Received: n_class=11"):
        load_digits(n_class=11)


def test_as_frame():
    pd = pytest.importorskip("pandas")
    iris = load_iris(as_frame=True)
    assert isinstance(iris.data, pd.DataFrame) and iris.frame.shape == (150, 5)
    assert list(iris.frame.columns)[-1] == "target" and iris.target.name == "target"
