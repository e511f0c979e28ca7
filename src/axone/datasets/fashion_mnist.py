"""Fashion-MNIST (Zalando's clothing images): `load_data()` as in `keras.datasets.fashion_mnist`."""

from __future__ import annotations

from axone.datasets.image_sets import ImageSet, load

# Keras's files and their SHA-256 (keras/src/datasets/fashion_mnist.py).
SPEC = ImageSet(
    title="Fashion-MNIST",
    folder="fashion_mnist",
    downloads={
        "train-labels-idx1-ubyte.gz": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        "train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
        "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    },
    cache_subdir="fashion-mnist",
)

CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")


def load_data():
    """Load Fashion-MNIST: 60,000 training and 10,000 test images of 10 kinds of clothing.

    Looked for in `$AXONE_DATASETS/fashion_mnist/` (the four IDX files,
    gzip or not, or `fashion_mnist.npz` in Keras's `.npz` layout), then in
    `$AXONE_HOME/datasets/fashion-mnist/`, then downloaded from Keras's
    origin with a progress bar and checked by SHA-256.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images of shape
        `(60000, 28, 28)` and `(10000, 28, 28)`, uint8 labels 0-9 (their
        names in `CLASS_NAMES`).

    Raises:
        ValueError: a file found is truncated or corrupt (it is named).
        DatasetNotFoundError: no copy anywhere and no network.

    Fashion-MNIST is by Zalando SE, under the MIT license.
    """
    return load(SPEC)
