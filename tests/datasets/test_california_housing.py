import numpy as np
import pytest

from axone.datasets import california_housing, embedded, fetch_california_housing

FEATURES = ["MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup", "Latitude", "Longitude"]


@pytest.fixture
def census_csv(shared_datasets):
    path = shared_datasets / "california_housing" / "cal_housing.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return path


def test_features_equal_the_census_csv_exactly(census_csv):
    raw = np.loadtxt(census_csv, delimiter=",", skiprows=1)
    lon, lat, age, rooms, bedrooms, population, households, income, value = raw.T
    expected = np.column_stack([income, age, rooms / households, bedrooms / households,
                                population, population / households, lat, lon])
    housing = fetch_california_housing()
    assert housing.data.dtype == np.float64 and housing.data.shape == (20640, 8)
    assert np.array_equal(housing.data, expected)  # bit for bit, row order included
    assert np.array_equal(housing.target, value / 100000.0)


def test_encoding_the_csv_reproduces_the_embedded_file(census_csv):
    encoded = california_housing.encode_census_csv(census_csv)
    stored = embedded.read(california_housing.NAME)
    assert sorted(encoded) == sorted(stored)
    assert all(np.array_equal(encoded[k], stored[k]) and np.asarray(encoded[k]).dtype == stored[k].dtype
               for k in encoded)


def test_encoding_is_exact_on_awkward_decimals(tmp_path):
    header = ",".join(california_housing.CENSUS_COLUMNS)
    rows = ["-122.230000,37.880000,41.000000,880.000000,129.000000,322.000000,126.000000,8.325200,452600.000000",
            "-0.100000,0.300000,1.000000,7.000000,3.000000,10.000000,3.000000,0.499900,14999.000000"]
    (tmp_path / "c.csv").write_text("\n".join([header] + rows) + "\n")
    encoded = california_housing.encode_census_csv(tmp_path / "c.csv")
    assert encoded["scale_median_income"] == 10000 and encoded["scale_households"] == 1
    for j, name in enumerate(california_housing.CENSUS_COLUMNS):
        decoded = encoded[name].astype(np.float64) / encoded[f"scale_{name}"]
        assert decoded.tolist() == [float(row.split(",")[j]) for row in rows]


def test_encoding_refuses_bad_input(tmp_path):
    (tmp_path / "a.csv").write_text("longitude,latitude\n1,2\n")
    with pytest.raises(ValueError, match="lacks the columns"):
        california_housing.encode_census_csv(tmp_path / "a.csv")
    header = ",".join(california_housing.CENSUS_COLUMNS)
    (tmp_path / "b.csv").write_text(header + "\n" + ",".join(["1.5"] * 8 + ["NaN"]) + "\n")
    with pytest.raises(ValueError, match="'NaN' is not a decimal number"):
        california_housing.encode_census_csv(tmp_path / "b.csv")


def test_bunch_form():
    housing = fetch_california_housing()
    assert housing.feature_names == FEATURES and housing.target_names == ["MedHouseVal"]
    assert housing.frame is None and "California" in housing.DESCR and housing.source == "embedded"
    assert housing.data[0].tolist() == pytest.approx([8.3252, 41.0, 6.984127, 1.02381, 322.0, 2.555556,
                                                      37.88, -122.23], rel=1e-6)
    assert housing["target"] is housing.target and housing.target[0] == 4.526
    x, y = fetch_california_housing(return_X_y=True)
    assert np.array_equal(x, housing.data) and np.array_equal(y, housing.target)


def test_as_frame():
    pd = pytest.importorskip("pandas")
    housing = fetch_california_housing(as_frame=True)
    assert isinstance(housing.data, pd.DataFrame) and list(housing.data.columns) == FEATURES
    assert isinstance(housing.target, pd.Series) and housing.target.name == "MedHouseVal"
    assert list(housing.frame.columns) == FEATURES + ["MedHouseVal"] and housing.frame.shape == (20640, 9)
    x, y = fetch_california_housing(as_frame=True, return_X_y=True)
    assert x.shape == (20640, 8) and y.name == "MedHouseVal"


@pytest.mark.parametrize("version, n_train, n_test", [("large", 16512, 4128), ("small", 480, 120)])
def test_keras_load_data_shapes_and_split(version, n_train, n_test):
    (x_train, y_train), (x_test, y_test) = california_housing.load_data(version=version)
    assert x_train.shape == (n_train, 8) and x_test.shape == (n_test, 8)
    assert y_train.shape == (n_train,) and y_test.shape == (n_test,)
    columns = california_housing.census_columns()
    n = n_train + n_test
    raw = np.column_stack([columns[c] for c in california_housing.CENSUS_COLUMNS]).astype(np.float32)[:n]
    # Keras's split: RandomState(113) shuffles the row indices, the first 80 % train.
    order = np.arange(n)
    np.random.RandomState(113).shuffle(order)
    assert np.array_equal(x_train, raw[order[:n_train], :8]) and np.array_equal(y_test, raw[order[n_train:], 8])


def test_keras_load_data_values():
    (x_train, y_train), _ = california_housing.load_data()
    # The first training row of Keras's own file with the default split.
    assert x_train[0].tolist() == pytest.approx([-118.27, 34.09, 52, 2327, 555, 1048, 491, 3.7847])
    assert y_train[0] == 252300.0 and y_train.dtype == np.float32
    (a, _), _ = california_housing.load_data(seed=1)
    assert not np.array_equal(a, x_train)
    (a, _), (b, _) = california_housing.load_data(test_split=0.0)
    assert a.shape == (20640, 8) and b.shape == (0, 8)


def test_keras_load_data_errors():
    with pytest.raises(ValueError, match="Received: version=medium"):
        california_housing.load_data(version="medium")
    with pytest.raises(ValueError, match="Invalid `test_split` argument: 1.0"):
        california_housing.load_data(test_split=1.0)


def test_embedded_file_is_small():
    assert embedded.data_path("california_housing").stat().st_size < 1_000_000
