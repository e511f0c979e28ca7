"""Regenerate the data files embedded in axone (src/axone/datasets/data/*.npz).

    python tools/make_embedded_data.py --census ../shared/datasets/california_housing/cal_housing.csv

- california_housing.npz: from the StatLib census CSV (see
  axone.datasets.california_housing.encode_census_csv).
- iris.npz, breast_cancer.npz, digits.npz: from the copies scikit-learn ships
  in its wheel (sklearn/datasets/data/), read with its load_* functions;
  scikit-learn must be installed. Their provenance and licences are written
  into each file's DESCR by axone.datasets.small.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from axone.datasets import california_housing, embedded, small


def write_small_sets() -> None:
    import sklearn
    from sklearn import datasets

    for name, loader in (("iris", datasets.load_iris), ("breast_cancer", datasets.load_breast_cancer),
                         ("digits", datasets.load_digits)):
        bunch = loader()
        data = bunch.data
        if name == "digits":  # integers 0-16: stored as bytes, returned as float64
            assert np.array_equal(data, np.rint(data))
            data = data.astype(np.uint8)
        path = embedded.write(
            name, data=data, target=bunch.target.astype(np.int64),
            feature_names=np.array(bunch.feature_names, dtype=str),
            target_names=np.asarray(bunch.target_names),  # names, or digits' integers
            provenance=np.array(f"scikit-learn {sklearn.__version__}, sklearn.datasets.load_{name}"))
        print(f"{path}: {path.stat().st_size} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--census", type=Path, help="cal_housing.csv (header + 20,640 rows)")
    parser.add_argument("--skip-small", action="store_true", help="leave iris, breast_cancer, digits")
    args = parser.parse_args()
    if args.census:
        path = embedded.write(california_housing.NAME, **california_housing.encode_census_csv(args.census))
        print(f"{path}: {path.stat().st_size} bytes")
    if not args.skip_small:
        write_small_sets()
    # Read each file back through the public loaders, so a broken file fails here.
    for name in ("iris", "breast_cancer", "digits"):
        getattr(small, f"load_{name}")()
    california_housing.fetch_california_housing()


if __name__ == "__main__":
    main()
