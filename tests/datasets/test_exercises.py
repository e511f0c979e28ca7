import numpy as np
import pytest

from axone.datasets import export, houses, tumors


def test_houses_columns_ranges_and_seed():
    bunch = houses(n_samples=500, seed=3)
    assert bunch.feature_names == ["size", "nb_room"] and bunch.target_names == ["price"]
    size, rooms = bunch.data.T
    assert bunch.data.shape == (500, 2) and bunch.target.shape == (500,)
    assert 25 <= size.min() and size.max() <= 250 and set(np.unique(rooms)) <= set(range(1, 11))
    assert 40_000 < np.median(bunch.target) < 600_000
    assert np.corrcoef(size, bunch.target)[0, 1] > 0.8  # learnable: price follows the size
    assert bunch.source == "generated" and "synthetic" in bunch.DESCR.lower()
    assert np.array_equal(houses(n_samples=500, seed=3).data, bunch.data)
    assert not np.array_equal(houses(n_samples=500, seed=4).data, bunch.data)


def test_tumors_columns_labels_and_seed():
    bunch = tumors(n_samples=2000, seed=0)
    assert bunch.feature_names == ["size", "p53_concentration"] and bunch.target_names == ["malignant"]
    assert set(np.unique(bunch.target)) == {0, 1} and bunch.target.dtype == np.int64
    assert 0.3 < bunch.target.mean() < 0.5 and (bunch.data > 0).all()
    size, p53 = bunch.data.T
    assert size[bunch.target == 1].mean() > size[bunch.target == 0].mean() + 1
    assert p53[bunch.target == 1].mean() > p53[bunch.target == 0].mean() + 2
    x, y = tumors(n_samples=2000, seed=0, return_X_y=True)
    assert np.array_equal(x, bunch.data) and np.array_equal(y, bunch.target)


def test_tumors_are_separable_but_not_trivially():
    linear_model = pytest.importorskip("sklearn.linear_model")
    x, y = tumors(n_samples=2000, seed=1, return_X_y=True)
    accuracy = linear_model.LogisticRegression().fit(x[:1500], y[:1500]).score(x[1500:], y[1500:])
    assert 0.8 < accuracy < 0.99


@pytest.mark.parametrize("name, columns", [("houses", ["size", "nb_room", "price"]),
                                           ("tumors", ["size", "p53_concentration", "malignant"])])
def test_exported_file_runs_the_exercise_code(tmp_path, name, columns):
    pd = pytest.importorskip("pandas")
    export(name, tmp_path / f"{name}.csv")
    df = pd.read_csv(tmp_path / f"{name}.csv")
    assert list(df.columns) == columns and len(df) == 1000
    # As exercises 5 and 9 read it:
    X, y = df.iloc[:, :2].values, df.iloc[:, -1].values
    assert X.shape == (1000, 2) and y.shape == (1000,)
    bunch = (houses if name == "houses" else tumors)(seed=0)
    assert np.array_equal(X, bunch.data) and np.array_equal(y, bunch.target)


def test_bad_n_samples():
    with pytest.raises(ValueError, match="Received: n_samples=-5"):
        houses(n_samples=-5)
    with pytest.raises(ValueError, match="Received: n_samples=2.5"):
        tumors(n_samples=2.5)
