"""MNIST handwritten digits: `load_data()` as in `keras.datasets.mnist`."""

from __future__ import annotations

from axone.datasets.image_sets import ImageSet, load

# Keras's file and its SHA-256 (keras/src/datasets/mnist.py).
SPEC = ImageSet(
    title="MNIST",
    folder="mnist",
    downloads={"mnist.npz": "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"},
)


def load_data(path: str = "mnist.npz"):
    """Load the MNIST dataset: 60,000 training and 10,000 test images of digits 0-9.

    Looked for in `$AXONE_DATASETS/mnist/` (`path`'s file name, or the four
    IDX files `train-images-idx3-ubyte[.gz]`, ...), then in the cache
    `$AXONE_HOME/datasets/` (default `~/.axone/datasets/`), then downloaded
    from Keras's origin with a progress bar and checked by SHA-256.

    Args:
        path: where the `.npz` is cached, relative to `$AXONE_HOME/datasets`
            (or absolute). Defaults to `"mnist.npz"`.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images of shape
        `(60000, 28, 28)` and `(10000, 28, 28)` (pixels 0-255), uint8 labels
        of shape `(60000,)` and `(10000,)`.

    Raises:
        ValueError: a file found is truncated or corrupt (it is named).
        DatasetNotFoundError: no copy anywhere and no network.

    MNIST is by Yann LeCun, Corinna Cortes and Christopher J.C. Burges,
    derived from NIST's data; made available under the Creative Commons
    Attribution-Share Alike 3.0 license.
    """
    return load(SPEC, path)
