"""The catalogue behind `axone datasets list` and `export`: what each dataset is, where it is."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from axone.datasets import (california_housing, embedded, exercises, fashion_mnist, image_sets,
                            mnist, small, synthetic)


@dataclass(frozen=True)
class Entry:
    """One dataset of the catalogue.

    `table(seed)` returns `(column names, columns)` for the sets that are a
    table (the target last); None for image sets.
    """

    name: str
    description: str
    source: str  # "download", "embedded" or "generated"
    shape: str
    table: Callable | None = None
    image_set: image_sets.ImageSet | None = None
    download_size: int | None = None


def _bunch_table(load, target: str):
    def table(seed):
        bunch = load(seed)
        return list(bunch.feature_names) + [target], list(bunch.data.T) + [bunch.target]
    return table


def _xy_table(generate, target: str = "label"):
    def table(seed):
        x, y = generate(seed=seed)
        return [f"x{i + 1}" for i in range(x.shape[1])] + [target], list(x.T) + [y]
    return table


CATALOGUE = {entry.name: entry for entry in [
    Entry("mnist", "MNIST handwritten digits, uint8 28x28 images, labels 0-9", "download",
          "70000 x 28 x 28", image_set=mnist.SPEC, download_size=11_490_434),
    Entry("fashion_mnist", "Fashion-MNIST clothing images, uint8 28x28, 10 classes", "download",
          "70000 x 28 x 28", image_set=fashion_mnist.SPEC, download_size=30_878_645),
    Entry("california_housing", "1990 California census block groups; target MedHouseVal (100,000 $)",
          "embedded", "20640 x 8", _bunch_table(lambda seed: california_housing.fetch_california_housing(), "MedHouseVal")),
    Entry("iris", "Fisher's iris: 4 measurements (cm), 3 species", "embedded", "150 x 4",
          _bunch_table(lambda seed: small.load_iris(), "target")),
    Entry("breast_cancer", "Breast cancer Wisconsin: 30 nuclei measurements; 0 malignant, 1 benign",
          "embedded", "569 x 30", _bunch_table(lambda seed: small.load_breast_cancer(), "target")),
    Entry("digits", "8x8 handwritten digits (pixels 0-16), labels 0-9", "embedded", "1797 x 64",
          _bunch_table(lambda seed: small.load_digits(), "target")),
    Entry("houses", "synthetic house sales for exercise 5: size, nb_room -> price", "generated",
          "1000 x 2", _bunch_table(lambda seed: exercises.houses(seed=seed), "price")),
    Entry("tumors", "synthetic tumours for exercise 9: size, p53_concentration -> malignant",
          "generated", "1000 x 2", _bunch_table(lambda seed: exercises.tumors(seed=seed), "malignant")),
    Entry("xor", "synthetic: 2 classes by the signs of 2 coordinates", "generated", "200 x 2",
          _xy_table(lambda seed: synthetic.xor(noise=0.05, seed=seed))),
    Entry("moons", "synthetic: two interleaving half circles", "generated", "100 x 2",
          _xy_table(lambda seed: synthetic.moons(noise=0.1, seed=seed))),
    Entry("circles", "synthetic: a circle inside another", "generated", "100 x 2",
          _xy_table(lambda seed: synthetic.circles(noise=0.05, seed=seed))),
    Entry("spirals", "synthetic: two interleaved spiral arms", "generated", "200 x 2",
          _xy_table(lambda seed: synthetic.spirals(noise=0.02, seed=seed))),
    Entry("blobs", "synthetic: 3 Gaussian clusters", "generated", "100 x 2",
          _xy_table(lambda seed: synthetic.blobs(seed=seed))),
    Entry("surface", "synthetic regression: a smooth 2-D surface with two bumps", "generated",
          "200 x 2", _xy_table(lambda seed: synthetic.surface(noise=0.05, seed=seed), target="y")),
]}


def _files_on_disk(spec: image_sets.ImageSet) -> list[Path]:
    """The files a loader would read without the network (not validated), or []."""
    try:
        found = image_sets.local_files(spec)
    except ValueError:  # an incomplete set of IDX files: the loader would refuse it
        found = []
    cached = [path for _, path, _ in image_sets.cache_targets(spec, None)]
    return found or (cached if all(path.is_file() for path in cached) else [])


def available() -> list[dict]:
    """What each dataset is and whether it loads offline now.

    Returns:
        One dict per dataset, in catalogue order: `name`, `description`,
        `source` ("download", "embedded" or "generated"), `shape`,
        `cached` (True when it loads without the network), `location` (the
        folder or file read; None for generated sets), `size` (bytes on disk
        there; None for generated sets) and `download_size` (bytes; None
        unless downloaded).
    """
    rows = []
    for entry in CATALOGUE.values():
        location, size, cached = None, None, entry.source != "download"
        if entry.image_set is not None:
            files = _files_on_disk(entry.image_set)
            cached = bool(files)
            if files:
                location = str(files[0].parent)
                size = sum(path.stat().st_size for path in files)
        elif entry.source == "embedded":
            path = embedded.data_path(entry.name)
            location, size = str(path), path.stat().st_size
        rows.append({"name": entry.name, "description": entry.description, "source": entry.source,
                     "shape": entry.shape, "cached": cached, "location": location, "size": size,
                     "download_size": entry.download_size})
    return rows


def table(name: str, seed: int = 0) -> tuple[list[str], list[np.ndarray]]:
    """`(column names, columns)` of a tabular dataset, the target column last.

    Raises:
        ValueError: an unknown name, or an image set (not a table).
    """
    entry = CATALOGUE.get(name)
    if entry is None:
        raise ValueError(f"Unknown dataset {name!r}; available: {', '.join(CATALOGUE)}.")
    if entry.table is None:
        tables = [n for n, e in CATALOGUE.items() if e.table is not None]
        raise ValueError(f"{name} is a set of images, not a table; the tables are: {', '.join(tables)}.")
    return entry.table(seed)
