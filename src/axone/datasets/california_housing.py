"""California housing (1990 census block groups), embedded in the package.

Two forms of the same 20,640 rows:
- `load_data()`: Keras 3's `keras.datasets.california_housing.load_data`,
  the census's 8 raw columns and the house value in dollars, split at random;
- `fetch_california_housing()`: scikit-learn's form, the 8 derived features
  (MedInc, ..., Longitude) and the value in units of 100,000 $.

The embedded file is derived from the StatLib census file by
`encode_census_csv` (run by `tools/make_embedded_data.py`): each column
is stored as integers at the column's decimal precision, so every value
decodes to exactly the float the CSV's text denotes.
"""

from __future__ import annotations

import numpy as np

from axone.datasets import embedded
from axone.datasets.bunch import Bunch, as_frames

NAME = "california_housing"
# The census columns, in the CSV's (and Keras's .npz's) order.
CENSUS_COLUMNS = ("longitude", "latitude", "housing_median_age", "total_rooms", "total_bedrooms",
                  "population", "households", "median_income", "median_house_value")
FEATURE_NAMES = ["MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup",
                 "Latitude", "Longitude"]
TARGET_NAMES = ["MedHouseVal"]

DESCR = """\
.. _california_housing_dataset:

California Housing dataset
--------------------------

**Data Set Characteristics:**

:Number of Instances: 20640
:Number of Attributes: 8 numeric, predictive attributes and the target
:Attribute Information:
    - MedInc        median income in block group (tens of thousands of dollars)
    - HouseAge      median house age in block group
    - AveRooms      total rooms / households
    - AveBedrms     total bedrooms / households
    - Population    block group population
    - AveOccup      population / households
    - Latitude      block group latitude
    - Longitude     block group longitude
:Target: MedHouseVal, the median house value of the block group, in units of 100,000 $
    (capped at 5.00001 in the census data).
:Missing Attribute Values: None

One row per block group of the 1990 U.S. census in California; a block group
typically has 600 to 3,000 inhabitants. The per-household ratios can be very
large where few households live among many empty dwellings (holiday resorts).

Source: the StatLib repository (cal_housing), R. Kelley Pace and Ronald Barry,
"Sparse Spatial Autoregressions", Statistics and Probability Letters, 33 (1997)
291-297. The copy embedded in axone was derived from that census file with
axone.datasets.california_housing.encode_census_csv; rows are in the file's
order, as in scikit-learn's fetch_california_housing.
"""


def encode_census_csv(csv_path) -> dict:
    """The arrays of the embedded file, from the census CSV (header + 20,640 rows).

    Each column becomes integers `round(value * 10**d)` with `d` the fewest
    decimals that write every value of the column exactly (2 for the
    coordinates, 4 for the income, 0 elsewhere); `scale_<column>` stores
    `10**d`. Raises ValueError when a column is missing or a value is not a
    plain decimal number.
    """
    import csv  # only the development tool derives the file

    with open(csv_path, newline="") as f:
        rows = list(csv.reader(f))
    header, rows = [name.strip() for name in rows[0]], rows[1:]
    missing = [name for name in CENSUS_COLUMNS if name not in header]
    if missing:
        raise ValueError(f"{csv_path} lacks the columns {missing}; its header is {header}.")
    arrays = {}
    for name in CENSUS_COLUMNS:
        texts = [row[header.index(name)].strip() for row in rows]
        arrays[name], arrays[f"scale_{name}"] = _encode_decimals(texts, name)
    return arrays


def _encode_decimals(texts: list[str], name: str) -> tuple[np.ndarray, int]:
    """Decimal strings -> (smallest int array, scale) with `ints / scale` == the values exactly."""
    places = max(len(t.partition(".")[2]) for t in texts)
    units = []
    for text in texts:
        whole, _, fraction = text.partition(".")
        if not (whole.lstrip("-").isdigit() and (fraction.isdigit() or not fraction)):
            raise ValueError(f"Column {name}: {text!r} is not a decimal number.")
        units.append(int(whole + fraction.ljust(places, "0")))
    units = np.array(units, dtype=np.int64)
    # Drop the trailing decimals that are zero in every value ("41.000000" -> 41).
    while places and not np.any(units % 10):
        units //= 10
        places -= 1
    for dtype in (np.int8, np.int16, np.int32, np.int64):
        if np.iinfo(dtype).min <= units.min() and units.max() <= np.iinfo(dtype).max:
            return units.astype(dtype), 10 ** places
    raise AssertionError("unreachable: int64 holds any parsed column")


def census_columns() -> dict:
    """The 9 census columns, as float64 arrays equal to the CSV's values."""
    arrays = embedded.read(NAME)
    # Integer / power of ten, both exact in float64: IEEE division rounds the
    # quotient once, to the double nearest the decimal the CSV wrote.
    return {name: arrays[name].astype(np.float64) / float(arrays[f"scale_{name}"])
            for name in CENSUS_COLUMNS}


def features_and_target(columns: dict) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's `data` (n, 8) and `target` (n,) from the census columns."""
    households = columns["households"]
    data = np.column_stack([
        columns["median_income"], columns["housing_median_age"],
        columns["total_rooms"] / households, columns["total_bedrooms"] / households,
        columns["population"], columns["population"] / households,
        columns["latitude"], columns["longitude"],
    ])
    return data, columns["median_house_value"] / 100000.0


def load_data(version: str = "large", path: str = "california_housing.npz",
              test_split: float = 0.2, seed: int = 113):
    """Keras 3's California housing: `(x_train, y_train), (x_test, y_test)`.

    As in Keras, `x` holds the census's 8 columns in the census file's order
    (longitude, latitude, housing_median_age, total_rooms, total_bedrooms,
    population, households, median_income) and `y` the median house value
    in dollars; the rows are shuffled with `np.random.RandomState(seed)`
    and the first `int(n * (1 - test_split))` are the training set.
    Both are float32.

    Args:
        version: `"large"` (all 20,640 rows: 16,512 / 4,128 with the default
            split) or `"small"` (the first 600 rows: 480 / 120).
        path: accepted for Keras compatibility; the data ships inside axone,
            so nothing is read or written there.
        test_split: fraction of the rows held out, in [0, 1). Defaults to 0.2.
        seed: seed of the shuffle before the split. Defaults to 113.
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"Invalid `test_split` argument: {test_split}. "
                         "It must be between 0 and 1 (exclusive of 1).")
    if version not in ("small", "large"):
        raise ValueError(f"Argument `version` must be one of 'small', 'large'. Received: version={version}")
    columns = census_columns()
    x = np.column_stack([columns[name] for name in CENSUS_COLUMNS[:-1]]).astype(np.float32)
    y = columns["median_house_value"].astype(np.float32)
    if version == "small":
        x, y = x[:600], y[:600]
    # Keras's split exactly: the legacy RandomState's shuffle of the indices.
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    n_train = int(len(x) * (1 - test_split))
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])


def fetch_california_housing(*, data_home=None, download_if_missing: bool = True,
                             return_X_y: bool = False, as_frame: bool = False):
    """scikit-learn's California housing: 20,640 rows, 8 features, target in 100,000 $.

    The values and row order are those of `sklearn.datasets.fetch_california_housing`
    (derived from the same census file), read from the copy embedded in axone:
    nothing is downloaded.

    Args:
        data_home, download_if_missing: accepted for scikit-learn
            compatibility; unused, since the data is embedded.
        return_X_y: return `(data, target)` instead of the Bunch.
        as_frame: `data` a pandas DataFrame, `target` a Series named
            `MedHouseVal`, and `frame` both together (needs pandas).

    Returns:
        A `Bunch` with `data` float64 (20640, 8), `target` float64 (20640,),
        `feature_names`, `target_names`, `frame` (None unless `as_frame`),
        `DESCR` and `source` ("embedded").
    """
    data, target = features_and_target(census_columns())
    frame = None
    if as_frame:
        data, target, frame = as_frames(data, target, FEATURE_NAMES, TARGET_NAMES[0])
    if return_X_y:
        return data, target
    return Bunch(data=data, target=target, frame=frame, target_names=list(TARGET_NAMES),
                 feature_names=list(FEATURE_NAMES), DESCR=DESCR, source="embedded")
