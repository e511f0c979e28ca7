"""Finding and validating the MNIST-style image sets (MNIST, Fashion-MNIST).

Sources, in order:
1. `$AXONE_DATASETS/<folder>/`: the four IDX files (gzip or not) or Keras's `.npz`;
2. the cache `$AXONE_HOME/datasets/` (default `~/.axone/datasets/`);
3. a download from Keras's origin, verified by SHA-256, into the cache.

Files found on disk are validated by their structure (IDX headers and
sizes, the `.npz`'s arrays), not by checksum: a user's copy may legitimately
differ byte for byte from the canonical one (see the datasets README).
Downloads are verified by checksum.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from axone.datasets import download as _download
from axone.datasets.idx import read_idx
from axone.datasets.paths import DATASETS_VARIABLE, cache_dir, local_dir

# The canonical IDX names, in the order of the returned arrays.
IDX_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")


class DatasetNotFoundError(FileNotFoundError):
    """No local copy of a dataset, and downloading it failed."""


@dataclass(frozen=True)
class ImageSet:
    """What a loader needs to know about one MNIST-style set.

    Attributes:
        title: the name shown in messages ("MNIST").
        folder: the subfolder of `$AXONE_DATASETS` holding a copy.
        downloads: `{file name: sha256}` fetched from the origin into
            `cache_subdir` (one `.npz`, or the four `.idx*-ubyte.gz`).
        cache_subdir: where downloads go, relative to the cache.
    """

    title: str
    folder: str
    downloads: dict = field(default_factory=dict)
    cache_subdir: str = ""

    @property
    def npz_name(self) -> str:
        """The `.npz` looked for under `$AXONE_DATASETS/<folder>/`: the downloaded one, or `<folder>.npz`."""
        return next(iter(self.downloads)) if len(self.downloads) == 1 else f"{self.folder}.npz"

    def cache_folder(self) -> Path:
        return cache_dir() / self.cache_subdir


def idx_files_in(folder: Path) -> list[Path] | None:
    """The four IDX files in `folder` (each plain or `.gz`), None if there is none.

    Raises:
        ValueError: some of the four are there but not all.
    """
    found, missing = [], []
    for name in IDX_FILES:
        candidates = [folder / name, folder / f"{name}.gz"]
        present = [path for path in candidates if path.is_file()]
        (found.append(present[0]) if present else missing.append(name))
    if not found:
        return None
    if missing:
        raise ValueError(f"{folder} holds only part of the IDX files: missing "
                         + ", ".join(f"{name}[.gz]" for name in missing) + ".")
    return found


def _check_split(images, labels, image_source, label_source):
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"{image_source} does not hold 28x28 uint8 images: "
                         f"dtype {images.dtype}, shape {images.shape}.")
    if labels.dtype != np.uint8 or labels.ndim != 1:
        raise ValueError(f"{label_source} does not hold uint8 labels: dtype {labels.dtype}, "
                         f"shape {labels.shape}.")
    if len(images) != len(labels):
        raise ValueError(f"{image_source} holds {len(images)} images but {label_source} "
                         f"holds {len(labels)} labels.")
    if labels.size and labels.max() > 9:
        raise ValueError(f"{label_source} holds labels up to {labels.max()}; expected 0-9.")


def read_idx_files(paths) -> tuple:
    """`((x_train, y_train), (x_test, y_test))` from the four IDX files (any order), validated."""
    paths = sorted(paths, key=lambda p: [Path(p).name.startswith(n) for n in IDX_FILES].index(True))
    arrays = [read_idx(path, ndim=3 if "images" in Path(path).name else 1) for path in paths]
    for i in (0, 2):
        _check_split(arrays[i], arrays[i + 1], paths[i], paths[i + 1])
    return (arrays[0], arrays[1]), (arrays[2], arrays[3])


def read_npz(path) -> tuple:
    """`((x_train, y_train), (x_test, y_test))` from a Keras-style `.npz`, validated."""
    import zipfile
    import zlib

    unreadable = (zipfile.BadZipFile, EOFError, OSError, zlib.error)
    # Opened here, not by np.load, so a file that is not a zip is still closed.
    with open(path, "rb") as handle:
        try:
            archive = np.load(handle, allow_pickle=False)
        except (*unreadable, ValueError) as error:
            archive, reason = None, error
        else:
            reason = "it is a single array, not an archive"
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise ValueError(f"{path} is not a readable .npz file ({reason}); it is probably "
                             "truncated or corrupt: replace it.")
        with archive:
            missing = [key for key in NPZ_KEYS if key not in archive.files]
            if missing:
                raise ValueError(f"{path} lacks the arrays {missing}; a Keras dataset .npz holds "
                                 f"{list(NPZ_KEYS)}.")
            try:
                x_train, y_train, x_test, y_test = (archive[key] for key in NPZ_KEYS)
            except unreadable as error:
                raise ValueError(f"{path} is corrupt ({error}): replace it.") from None
    _check_split(x_train, y_train, f"{path} (x_train)", f"{path} (y_train)")
    _check_split(x_test, y_test, f"{path} (x_test)", f"{path} (y_test)")
    return (x_train, y_train), (x_test, y_test)


def local_files(spec: ImageSet, npz_name: str | None = None) -> list[Path]:
    """The files of `spec` under `$AXONE_DATASETS/<folder>/` (not validated), or [] if none.

    That is the `.npz` (`npz_name`'s file name, default `spec.npz_name`)
    when present, else the four IDX files.

    Raises:
        ValueError: some of the four IDX files are there but not all.
    """
    folder = local_dir(spec.folder)
    if folder is None or not folder.is_dir():
        return []
    npz = folder / Path(npz_name or spec.npz_name).name
    if npz.is_file():
        return [npz]
    return idx_files_in(folder) or []


def cache_targets(spec: ImageSet, npz_name: str | None) -> list[tuple[str, Path, str]]:
    """`(remote name, cached path, sha256)` of each file the cache holds for `spec`.

    A single-file set is cached under `npz_name` (relative to the cache, or
    absolute), as Keras's `path` argument says; a multi-file set keeps the
    remote names in its own subfolder.
    """
    if len(spec.downloads) == 1:
        (remote, sha256), = spec.downloads.items()
        return [(remote, cache_dir() / spec.cache_subdir / (npz_name or remote), sha256)]
    return [(remote, spec.cache_folder() / remote, sha256) for remote, sha256 in spec.downloads.items()]


def _read(paths: list[Path]) -> tuple:
    return read_npz(paths[0]) if len(paths) == 1 else read_idx_files(paths)


def load(spec: ImageSet, npz_name: str | None = None) -> tuple:
    """Find, validate and return the set described by `spec` (see the module docstring).

    Args:
        spec: the set.
        npz_name: for a set downloaded as one `.npz`: its name in the cache
            (relative to it, or absolute) and, without its folder, the name
            looked for under `$AXONE_DATASETS/<folder>/`.

    Raises:
        ValueError: a local or cached file is corrupt or truncated (it is named).
        ChecksumError: a download is not the expected file.
        DatasetNotFoundError: no local copy and the download failed.
    """
    found = local_files(spec, npz_name)
    if found:
        return _read(found)
    targets = cache_targets(spec, npz_name)
    try:
        for remote, path, sha256 in targets:
            if not path.is_file():
                _download.download(_download.origin() + remote, path, sha256)
    except _download.DownloadError as error:
        raise DatasetNotFoundError(_not_found_message(spec, targets, error)) from error
    return _read([path for _, path, _ in targets])


def _not_found_message(spec: ImageSet, targets, error: Exception) -> str:
    local = local_dir(spec.folder)
    where = (f"${DATASETS_VARIABLE}/{spec.folder} ({local}) holds no copy" if local is not None
             else f"${DATASETS_VARIABLE} is not set")
    missing = ", ".join(str(path) for _, path, _ in targets if not path.is_file())
    local_names = (f"{targets[0][1].name} or the four IDX files" if len(targets) == 1
                   else "the four IDX files")
    return (f"{spec.title} is not available offline and could not be downloaded ({error}). "
            f"{where}, and the cache lacks {missing}. "
            f"Put {local_names} ({', '.join(f'{n}.gz' for n in IDX_FILES)}) in a folder "
            f"DIR/{spec.folder}/ and set {DATASETS_VARIABLE}=DIR, or copy the downloaded files "
            f"to {', '.join(str(path) for _, path, _ in targets)}.")
