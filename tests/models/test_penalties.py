"""Regularization and constraints in training, as Keras 3 does them: the loss is the mean batch
loss plus the weight penalties plus the activity penalties over the batch size (checked by hand),
their gradients reach the step (finite differences in float64), constraints hold after each step."""

import numpy as np
import pytest

import axone as keras
from axone import backend, constraints, regularizers
from axone.testing import numerical_gradient

layers = keras.layers
RNG = np.random.default_rng(0)
X = RNG.standard_normal((6, 3))
Y = RNG.standard_normal((6, 1))


def penalized_model(dtype="float32", trainable=True):
    backend.set_floatx(dtype)
    keras.utils.set_random_seed(1)
    hidden = layers.Dense(4, activation="tanh", kernel_regularizer=regularizers.l2(0.1),
                          bias_regularizer=regularizers.l1(0.2), activity_regularizer=regularizers.l2(0.05),
                          bias_initializer="ones", trainable=trainable)
    out = layers.Dense(1, kernel_regularizer=regularizers.OrthogonalRegularizer(0.3, mode="columns"))
    model = keras.Sequential([keras.Input((3,)), hidden, out])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0), loss="mse")
    return model, hidden, out


def by_hand(model, hidden, out, x, y, count_hidden=True):
    k1, b1 = hidden.kernel.numpy().astype("float64"), hidden.bias.numpy().astype("float64")
    k2, b2 = out.kernel.numpy().astype("float64"), out.bias.numpy().astype("float64")
    h = np.tanh(x @ k1 + b1)
    mse = np.mean((h @ k2 + b2 - y) ** 2)
    weights = 0.1 * np.sum(k1 ** 2) + 0.2 * np.sum(np.abs(b1)) if count_hidden else 0.0
    activity = 0.05 * np.sum(h ** 2) / len(x)  # Keras 3 divides by the batch size
    orthogonal = 0.0  # one column: no pair of columns
    return mse + weights + activity + orthogonal


def test_reported_loss_is_the_batch_loss_plus_the_penalties():
    model, hidden, out = penalized_model()
    expected = by_hand(model, hidden, out, X, Y)
    assert model.evaluate(X, Y, verbose=0) == pytest.approx(expected, rel=1e-5)
    assert model.train_on_batch(X, Y) == pytest.approx(expected, rel=1e-5)  # before its update


def test_validation_loss_includes_the_penalties():
    model, hidden, out = penalized_model()
    history = model.fit(X, Y, epochs=1, batch_size=6, validation_data=(X, Y), verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(by_hand(model, hidden, out, X, Y), rel=1e-5)


def test_a_frozen_layer_s_weight_penalties_are_not_counted():
    # Keras counts the penalties of trainable weights only; activity penalties stay.
    model, hidden, out = penalized_model(trainable=False)
    assert model.evaluate(X, Y, verbose=0) == pytest.approx(
        by_hand(model, hidden, out, X, Y, count_hidden=False), rel=1e-5)


def test_penalty_gradients_reach_the_step():
    model, hidden, out = penalized_model("float64")
    variables = [hidden.kernel, hidden.bias, out.kernel, out.bias]
    before = [v.numpy() for v in variables]
    numeric = [numerical_gradient(lambda: by_hand(model, hidden, out, X, Y), v.value) for v in variables]
    model.train_on_batch(X, Y)  # SGD with learning_rate=1: w_new = w - gradient
    for variable, old, gradient in zip(variables, before, numeric):
        np.testing.assert_allclose(old - variable.numpy(), gradient, rtol=1e-6, atol=1e-9)


def test_orthogonal_kernel_penalty_gradient():
    backend.set_floatx("float64")
    dense = layers.Dense(3, kernel_regularizer=regularizers.OrthogonalRegularizer(0.5))
    model = keras.Sequential([keras.Input((3,)), dense])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0), loss="mse")
    target = RNG.standard_normal((6, 3))

    def total():
        return np.mean((X @ dense.kernel.value + dense.bias.value - target) ** 2) + \
            dense.kernel_regularizer(dense.kernel.value)

    assert model.evaluate(X, target, verbose=0) == pytest.approx(total(), rel=1e-6)  # logs are float32, as in Keras
    old, gradient = dense.kernel.numpy(), numerical_gradient(total, dense.kernel.value)
    model.train_on_batch(X, target)
    np.testing.assert_allclose(old - dense.kernel.numpy(), gradient, rtol=1e-6, atol=1e-9)


def test_a_shared_layer_is_penalized_once():
    shared = layers.Dense(2, kernel_regularizer=regularizers.l2(1.0), use_bias=False)
    a, b = keras.Input((3,)), keras.Input((3,))
    model = keras.Model([a, b], layers.Add()([shared(a), shared(b)]))
    model.compile(optimizer="sgd", loss="mse")
    target = np.zeros((6, 2))
    loss = model.evaluate([X, X], target, verbose=0)
    k = shared.kernel.numpy().astype("float64")
    assert loss == pytest.approx(np.mean((2 * X @ k) ** 2) + np.sum(k ** 2), rel=1e-5)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])  # plain SGD folds its step into Dense
def test_constraints_hold_after_each_step(optimizer):
    kernel = constraints.MaxNorm(0.5)
    seen = []
    dense = layers.Dense(4, kernel_constraint=kernel, bias_constraint=constraints.NonNeg())
    model = keras.Sequential([keras.Input((3,)), dense, layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    dense.kernel.assign(dense.kernel.numpy() * 10)  # far outside the constraint
    model.fit(X * 10, Y * 10 + 5, batch_size=2, epochs=2, verbose=0, callbacks=[
        keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(
            (np.linalg.norm(dense.kernel.numpy(), axis=0).max(), dense.bias.numpy().min())))])
    assert len(seen) == 6
    assert all(norm <= 0.5 + 1e-6 and low >= 0 for norm, low in seen)


def test_regularizers_and_constraints_round_trip_through_the_config():
    dense = layers.Dense(2, kernel_regularizer="l2", activity_regularizer=regularizers.l1(0.3),
                         kernel_constraint="max_norm", bias_constraint=constraints.NonNeg())
    again = layers.Dense.from_config(dense.get_config())
    assert again.activity_regularizer.get_config() == {"l1": 0.3}
    assert type(again.kernel_constraint) is constraints.MaxNorm
    assert type(again.bias_constraint) is constraints.NonNeg


def test_a_custom_regularizer_without_gradient_is_refused_clearly():
    class Penalty(regularizers.Regularizer):
        def __call__(self, x):
            return float(np.sum(x))

    model = keras.Sequential([keras.Input((3,)), layers.Dense(1, kernel_regularizer=Penalty())])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(NotImplementedError, match="Penalty must implement gradient"):
        model.fit(X, Y, verbose=0)


def test_dropout_is_off_in_validation():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), layers.Dense(8), layers.Dropout(0.9), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")  # rate 0: weights stay
    history = model.fit(X, Y, epochs=2, batch_size=6, validation_data=(X, Y), verbose=0)
    inference = model.evaluate(X, Y, verbose=0)
    assert history.history["val_loss"] == pytest.approx([inference, inference], rel=1e-6)
    assert history.history["loss"][0] != pytest.approx(inference, rel=1e-3)  # dropout on in training


def test_a_saved_model_keeps_its_regularizers_and_constraints(tmp_path):
    model = keras.Sequential([keras.Input((3,)), layers.Dense(
        2, kernel_regularizer=regularizers.OrthogonalRegularizer(0.2), activity_regularizer="l2",
        kernel_constraint=constraints.MaxNorm(1.5))])
    model.compile(optimizer="sgd", loss="mse")
    model.save(tmp_path / "m.keras")
    dense = keras.models.load_model(tmp_path / "m.keras").layers[0]
    assert dense.kernel_regularizer.get_config() == {"factor": 0.2, "mode": "rows"}
    assert dense.kernel_constraint.get_config() == {"max_value": 1.5, "axis": 0}
    assert dense.kernel.constraint is dense.kernel_constraint
    target = np.hstack([Y, Y])
    assert model.evaluate(X, target, verbose=0) == pytest.approx(
        keras.models.load_model(tmp_path / "m.keras").evaluate(X, target, verbose=0), rel=1e-6)


def test_penalties_inside_a_nested_model_count():
    inner = keras.Sequential([keras.Input((3,)), layers.Dense(2, kernel_regularizer=regularizers.l2(0.5),
                                                            use_bias=False)])
    inputs = keras.Input((3,))
    model = keras.Model(inputs, layers.Dense(1, use_bias=False, kernel_initializer="ones")(inner(inputs)))
    model.compile(optimizer="sgd", loss="mse")
    k = inner.layers[-1].kernel.numpy().astype("float64")
    expected = np.mean((X @ k @ np.ones((2, 1)) - Y) ** 2) + 0.5 * np.sum(k ** 2)
    assert model.evaluate(X, Y, verbose=0) == pytest.approx(expected, rel=1e-5)


# ---- the same mechanism on Embedding, BatchNormalization and LayerNormalization
IDS = RNG.integers(0, 4, size=(6, 2))
IDS_TARGET = RNG.standard_normal((6, 2, 1))


def _normalize(x, axis_mean):
    mean = x.mean(axis=axis_mean, keepdims=True)
    return (x - mean) / np.sqrt(((x - mean) ** 2).mean(axis=axis_mean, keepdims=True) + 1e-3)


def _embedding_case():
    emb = layers.Embedding(4, 3, embeddings_regularizer=regularizers.l2(0.1),
                           activity_regularizer=regularizers.l1(0.05))
    out = layers.Dense(1)
    model = keras.Sequential([keras.Input((2,), dtype="int32"), emb, out])

    def by_hand():
        h = emb.embeddings.value[IDS]
        mse = np.mean((h @ out.kernel.value + out.bias.value - IDS_TARGET) ** 2)
        return mse + 0.1 * np.sum(emb.embeddings.value ** 2) + 0.05 * np.sum(np.abs(h)) / len(IDS)

    return model, [emb.embeddings, out.kernel, out.bias], IDS, IDS_TARGET, by_hand


def _normalization_case(cls):
    norm = cls(gamma_regularizer=regularizers.l2(0.3), beta_regularizer=regularizers.l1(0.2),
               beta_initializer="ones", gamma_initializer=keras.initializers.Constant(1.5))
    out = layers.Dense(1)
    model = keras.Sequential([keras.Input((3,)), norm, out])
    axis = 0 if cls is layers.BatchNormalization else -1  # training mode: batch statistics

    def by_hand():
        h = _normalize(X, axis) * norm.gamma.value + norm.beta.value
        mse = np.mean((h @ out.kernel.value + out.bias.value - Y) ** 2)
        return mse + 0.3 * np.sum(norm.gamma.value ** 2) + 0.2 * np.sum(np.abs(norm.beta.value))

    return model, [norm.gamma, norm.beta, out.kernel, out.bias], X, Y, by_hand


CASES = {"Embedding": _embedding_case, "BatchNormalization": lambda: _normalization_case(layers.BatchNormalization),
         "LayerNormalization": lambda: _normalization_case(layers.LayerNormalization)}


@pytest.mark.parametrize("name", list(CASES))
def test_other_layers_penalties_reach_the_loss_and_the_step(name):
    backend.set_floatx("float64")
    keras.utils.set_random_seed(2)
    model, variables, x, y, by_hand = CASES[name]()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0), loss="mse")
    expected = by_hand()
    before = [v.numpy() for v in variables]
    numeric = [numerical_gradient(by_hand, v.value) for v in variables]
    assert model.train_on_batch(x, y) == pytest.approx(expected, rel=1e-6)  # before its update
    for variable, old, gradient in zip(variables, before, numeric):
        np.testing.assert_allclose(old - variable.numpy(), gradient, rtol=1e-6, atol=1e-9)


def test_layer_normalization_penalties_count_in_evaluate():
    backend.set_floatx("float64")
    model, _, x, y, by_hand = _normalization_case(layers.LayerNormalization)
    model.compile(optimizer="sgd", loss="mse")
    assert model.evaluate(x, y, verbose=0) == pytest.approx(by_hand(), rel=1e-6)


@pytest.mark.parametrize("make", [
    lambda: layers.Embedding(4, 3, embeddings_constraint=constraints.NonNeg()),
    lambda: layers.BatchNormalization(gamma_constraint=constraints.NonNeg(), beta_constraint=constraints.NonNeg()),
    lambda: layers.LayerNormalization(gamma_constraint=constraints.NonNeg(), beta_constraint=constraints.NonNeg()),
], ids=["Embedding", "BatchNormalization", "LayerNormalization"])
def test_other_layers_constraints_hold_after_each_step(make):
    layer = make()
    embedding = isinstance(layer, layers.Embedding)
    model = keras.Sequential([keras.Input((2,) if embedding else (3,), dtype="int32" if embedding else None),
                              layer, layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="mse")
    for variable in layer.trainable_weights:
        variable.assign(-np.abs(variable.numpy()) - 1.0)  # far outside the constraint
    constrained = layer.trainable_weights
    seen = []
    x, y = (IDS, IDS_TARGET) if embedding else (X, Y)
    model.fit(x, y, batch_size=2, epochs=1, verbose=0, callbacks=[keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda b, logs: seen.append(min(v.numpy().min() for v in constrained)))])
    assert len(seen) == 3 and min(seen) >= 0


@pytest.mark.parametrize("layer", [
    layers.Embedding(4, 3, embeddings_regularizer="l2", activity_regularizer=regularizers.l1(0.3),
                     embeddings_constraint="non_neg"),
    layers.BatchNormalization(gamma_regularizer=regularizers.l2(0.2), beta_constraint=constraints.MaxNorm(2.0)),
    layers.LayerNormalization(beta_regularizer="l1", gamma_constraint="unit_norm"),
], ids=["Embedding", "BatchNormalization", "LayerNormalization"])
def test_other_layers_penalties_round_trip_through_the_config(layer):
    config = layer.get_config()
    again = type(layer).from_config(config)
    assert again.get_config() == config
    assert any(value is not None for key, value in config.items() if key.endswith(("regularizer", "constraint")))
