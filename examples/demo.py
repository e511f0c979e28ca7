"""A small end-to-end run: the course's MNIST-shaped classifier on generated data."""

import numpy as np

import axone as keras

keras.utils.set_random_seed(42)
rng = np.random.default_rng(0)
X = rng.random((3000, 28, 28), dtype=np.float32)
y = (X[:, :14].mean(axis=(1, 2)) > X[:, 14:].mean(axis=(1, 2))).astype(int)

model = keras.models.Sequential([
    keras.layers.Flatten(input_shape=[28, 28]),
    keras.layers.Dense(300, activation="relu"),
    keras.layers.Dense(100, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.summary()
model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
history = model.fit(X, y, epochs=5, validation_split=0.1)
print(history.history.keys())
