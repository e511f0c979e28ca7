"""On the real MNIST, the course's classifier learns as it does in Keras.

One epoch of the lecture's model (SGD 0.01, batch 32, 55,000 images)
reaches about 0.91 test accuracy in Keras 3; axone must reach the same.
"""

import numpy as np
import pytest

import axone as keras
from course_data import real_mnist

MNIST = real_mnist()


@pytest.mark.skipif(MNIST is None, reason="real MNIST not found: set AXONE_DATASETS")
def test_one_epoch_on_mnist_reaches_keras_accuracy():
    (x_full, y_full), (x_test, y_test) = MNIST
    x_valid, x_train = x_full[:5000] / 255.0, x_full[5000:] / 255.0
    y_valid, y_train = y_full[:5000], y_full[5000:]
    keras.utils.set_random_seed(0)
    model = keras.models.Sequential([
        keras.layers.Flatten(input_shape=[28, 28]),
        keras.layers.Dense(300, activation="relu"),
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=1, validation_data=(x_valid, y_valid), verbose=0)
    assert history.history["val_accuracy"][0] > 0.89
    _, accuracy = model.evaluate(x_test / 255.0, y_test, verbose=0)
    assert accuracy > 0.89
    assert np.mean(model.predict(x_test[:100] / 255.0, verbose=0).argmax(1) == y_test[:100]) > 0.85
