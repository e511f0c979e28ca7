"""Small classic sets for the lessons: iris, breast cancer (Wisconsin), digits.

Each is a compressed copy embedded in axone (`data/<name>.npz`), generated at
development time from the copies scikit-learn ships in its wheel
(`tools/make_embedded_data.py`); they load offline, with or without
scikit-learn. The return forms are scikit-learn's `load_*`: a `Bunch`
with `data`, `target`, `feature_names`, `target_names`, `frame`, `DESCR`,
plus `source` ("embedded") and `provenance`.
"""

from __future__ import annotations

import numpy as np

from axone.datasets import embedded
from axone.datasets.bunch import Bunch, as_frames

_EMBEDDED_NOTE = """
Copy embedded in axone: generated from {provenance} (scikit-learn is
BSD-3-Clause licensed; its data files come from the UCI Machine Learning
Repository, whose data sets are under the Creative Commons Attribution 4.0
licence, CC BY 4.0). Values and row order are scikit-learn's.
"""

_DESCR = {
    "iris": """\
Iris plants dataset
-------------------
:Number of Instances: 150 (50 in each of three classes)
:Number of Attributes: 4 numeric features (sepal length, sepal width, petal length,
    petal width, in cm) and the class
:Classes: 0 setosa, 1 versicolor, 2 virginica

R.A. Fisher, "The use of multiple measurements in taxonomic problems", Annals of
Eugenics, 7 (1936); the measurements are Edgar Anderson's. UCI Machine Learning
Repository, Iris.
""",
    "breast_cancer": """\
Breast cancer Wisconsin (diagnostic) dataset
--------------------------------------------
:Number of Instances: 569 (212 malignant, 357 benign)
:Number of Attributes: 30 numeric features: the mean, standard error and "worst"
    (mean of the three largest values) of ten measurements of cell nuclei seen in a
    digitised image of a fine needle aspirate of a breast mass (radius, texture,
    perimeter, area, smoothness, compactness, concavity, concave points, symmetry,
    fractal dimension)
:Classes: 0 malignant, 1 benign (the tumours of the course's exercises)

W.N. Street, W.H. Wolberg and O.L. Mangasarian, "Nuclear feature extraction for
breast tumor diagnosis", IS&T/SPIE 1993. UCI Machine Learning Repository, Breast
Cancer Wisconsin (Diagnostic).
""",
    "digits": """\
Optical recognition of handwritten digits dataset
-------------------------------------------------
:Number of Instances: 1797 (about 180 per class)
:Number of Attributes: 64, an 8x8 image of integer pixels in 0-16 (`images` holds
    them as (1797, 8, 8))
:Classes: the digits 0-9

32x32 bitmaps of digits written by 43 people, counted in non-overlapping 4x4 blocks.
E. Alpaydin and C. Kaynak (1998). UCI Machine Learning Repository, Optical
Recognition of Handwritten Digits (its test part, as in scikit-learn).
""",
}


def _load(name: str, return_X_y: bool, as_frame: bool) -> Bunch | tuple:
    arrays = embedded.read(name)
    data = arrays["data"].astype(np.float64)
    target = arrays["target"]
    feature_names = [str(n) for n in arrays["feature_names"]]
    extra = {"images": data.reshape(-1, 8, 8)} if name == "digits" else {}
    frame = None
    if as_frame:
        data, target, frame = as_frames(data, target, feature_names, "target")
    if return_X_y:
        return data, target
    provenance = arrays["provenance"]
    return Bunch(data=data, target=target, frame=frame, feature_names=feature_names,
                 target_names=arrays["target_names"],
                 DESCR=_DESCR[name] + _EMBEDDED_NOTE.format(provenance=provenance),
                 source="embedded", provenance=provenance, **extra)


def load_iris(*, return_X_y: bool = False, as_frame: bool = False):
    """Fisher's iris: data float64 (150, 4), target int64 (150,) in 0-2.

    Args:
        return_X_y: return `(data, target)` instead of the Bunch.
        as_frame: pandas DataFrame / Series, and `frame` with a `target` column.
    """
    return _load("iris", return_X_y, as_frame)


def load_breast_cancer(*, return_X_y: bool = False, as_frame: bool = False):
    """Breast cancer Wisconsin: data float64 (569, 30), target int64 (0 malignant, 1 benign).

    Args:
        return_X_y: return `(data, target)` instead of the Bunch.
        as_frame: pandas DataFrame / Series, and `frame` with a `target` column.
    """
    return _load("breast_cancer", return_X_y, as_frame)


def load_digits(*, n_class: int = 10, return_X_y: bool = False, as_frame: bool = False):
    """Handwritten digits: data float64 (1797, 64) in 0-16, `images` (1797, 8, 8), target 0-9.

    Args:
        n_class: keep the digits `0 .. n_class - 1` only (1 to 10). Defaults to 10.
        return_X_y: return `(data, target)` instead of the Bunch.
        as_frame: pandas DataFrame / Series, and `frame` with a `target` column.
    """
    if not isinstance(n_class, (int, np.integer)) or not 1 <= n_class <= 10:
        raise ValueError(f"n_class must be an integer from 1 to 10. Received: n_class={n_class!r}")
    bunch = _load("digits", False, False)
    keep = bunch.target < n_class
    data, target = bunch.data[keep], bunch.target[keep]
    frame = None
    if as_frame:
        data, target, frame = as_frames(data, target, bunch.feature_names, "target")
    if return_X_y:
        return data, target
    bunch.update(data=data, target=target, frame=frame, images=bunch.images[keep],
                 target_names=bunch.target_names[:n_class])
    return bunch
