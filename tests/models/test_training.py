"""fit / evaluate / predict: what a user relies on."""

import numpy as np
import pytest

import axone
from axone import layers


def regression_data(n=64, features=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, features)).astype("float32")
    y = x @ rng.standard_normal(features) + 0.5
    return x, y.astype("float32")


def small_model(units=4, seed=None):
    if seed is not None:
        axone.utils.set_random_seed(seed)
    model = axone.Sequential([layers.Input(shape=(3,)), layers.Dense(units, activation="relu"), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_hand_computed_sgd_step_on_linear_model():
    x = np.array([[1.0, 2.0], [3.0, -1.0]], dtype="float32")
    y = np.array([1.0, 0.0], dtype="float32")
    model = axone.Sequential([layers.Input(shape=(2,)), layers.Dense(1)])
    model.set_weights([np.array([[0.5], [-0.25]], dtype="float32"), np.array([0.1], dtype="float32")])
    model.compile(optimizer=axone.optimizers.SGD(learning_rate=0.1), loss="mse")
    model.fit(x, y, batch_size=2, epochs=1, shuffle=False, verbose=0)
    # predictions: [0.5 - 0.5 + 0.1, 1.5 + 0.25 + 0.1] = [0.1, 1.85]; errors e = [-0.9, 1.85]
    # d(mean e^2)/dw = 2/2 * x^T e = [-0.9 + 5.55, -1.8 - 1.85] = [4.65, -3.65]; d/db = -0.9 + 1.85 = 0.95
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(kernel[:, 0], [0.5 - 0.465, -0.25 + 0.365], rtol=1e-6)
    np.testing.assert_allclose(bias, [0.1 - 0.095], rtol=1e-6)


def test_fit_returns_history_with_keras_keys_and_params():
    x, y = regression_data()
    model = small_model()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0)
    assert history is model.history
    assert list(history.history) == ["loss", "mae", "val_loss", "val_mae"]
    assert history.epoch == [0, 1, 2]
    assert history.params == {"verbose": 0, "epochs": 3, "steps": 3}  # 48 training samples / 16
    assert all(len(v) == 3 for v in history.history.values())


def test_validation_split_holds_out_the_last_samples():
    x, y = regression_data(40)
    model = small_model(seed=1)
    history = model.fit(x, y, epochs=1, validation_split=0.25, shuffle=False, verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(model.evaluate(x[30:], y[30:], verbose=0), rel=1e-6)


def test_loss_logged_is_the_mean_over_the_epoch_of_batch_losses():
    x, y = regression_data(64)
    model = small_model(seed=2)
    start = model.get_weights()
    history = model.fit(x, y, batch_size=64, epochs=1, verbose=0)
    model.set_weights(start)
    assert history.history["loss"][0] == pytest.approx(model.evaluate(x, y, verbose=0), rel=1e-6)


def test_seed_makes_training_bit_identical():
    x, y = regression_data()

    def run():
        axone.utils.set_random_seed(7)
        model = axone.Sequential([layers.Input(shape=(3,)), layers.Dense(8, activation="relu"),
                                  layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        history = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
        return model.get_weights(), history.history["loss"]

    (w1, l1), (w2, l2) = run(), run()
    assert l1 == l2
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)


def test_numpy_seed_alone_makes_training_repeatable():
    x, y = regression_data()

    def run():
        np.random.seed(3)
        model = small_model()
        model.fit(x, y, epochs=2, batch_size=8, verbose=0)
        return model.get_weights()

    for a, b in zip(run(), run()):
        np.testing.assert_array_equal(a, b)


def test_different_seeds_give_different_weights():
    a = small_model(seed=1).get_weights()[0]
    b = small_model(seed=2).get_weights()[0]
    assert not np.array_equal(a, b)


def test_zero_sample_weight_ignores_a_sample():
    x, y = regression_data(32)
    y_bad = y.copy()
    y_bad[0] = 1e3
    weights = np.ones(32, dtype="float32")
    weights[0] = 0.0
    m1, m2 = small_model(seed=4), small_model(seed=4)
    m1.fit(x[1:], y[1:], batch_size=32, epochs=1, shuffle=False, verbose=0)
    m2.fit(x, y_bad, sample_weight=weights, batch_size=32, epochs=1, shuffle=False, verbose=0)
    # Same gradient up to the 1/n factor of the mean: 31 vs 32 samples in the batch.
    d1 = [a - b for a, b in zip(m1.get_weights(), small_model(seed=4).get_weights())]
    d2 = [a - b for a, b in zip(m2.get_weights(), small_model(seed=4).get_weights())]
    for a, b in zip(d1, d2):
        np.testing.assert_allclose(b, a * 31 / 32, rtol=1e-4, atol=1e-7)


def test_evaluate_returns_scalar_list_or_dict():
    x, y = regression_data()
    model = small_model()
    assert isinstance(model.evaluate(x, y, verbose=0), float)
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    loss, mae = model.evaluate(x, y, verbose=0)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert logs == {"loss": loss, "mae": mae}
    pred = model.predict(x, verbose=0)[:, 0]
    assert mae == pytest.approx(np.mean(np.abs(pred - y)), rel=1e-5)
    assert loss == pytest.approx(np.mean((pred - y) ** 2), rel=1e-5)


def test_predict_is_independent_of_batch_size():
    x, _ = regression_data(70)
    model = small_model()
    full = model.predict(x, batch_size=70, verbose=0)
    np.testing.assert_allclose(model.predict(x, batch_size=8, verbose=0), full, rtol=1e-6)
    np.testing.assert_allclose(model.predict_on_batch(x), full, rtol=1e-6)
    assert full.dtype == np.float32 and full.shape == (70, 1)


def test_frozen_layer_is_not_updated():
    x, y = regression_data()
    model = small_model(seed=5)
    model.layers[0].trainable = False
    frozen = model.layers[0].get_weights()
    model.fit(x, y, epochs=2, verbose=0)
    for a, b in zip(frozen, model.layers[0].get_weights()):
        np.testing.assert_array_equal(a, b)
    assert model.layers[1].trainable_weights


def test_train_and_test_on_batch():
    x, y = regression_data(16)
    model = small_model(seed=6)
    before = model.test_on_batch(x, y)
    model.train_on_batch(x, y)
    assert model.test_on_batch(x, y) < before


def test_class_weight_scales_sample_losses():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 3)).astype("float32")
    y = (x[:, 0] > 0).astype(int)
    def build():
        axone.utils.set_random_seed(9)
        model = axone.Sequential([layers.Input(shape=(3,)), layers.Dense(2, activation="softmax")])
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        return model
    m1, m2 = build(), build()
    m1.fit(x, y, class_weight={0: 1.0, 1: 3.0}, epochs=1, batch_size=40, verbose=0)
    m2.fit(x, y, sample_weight=np.where(y == 1, 3.0, 1.0), epochs=1, batch_size=40, verbose=0)
    for a, b in zip(m1.get_weights(), m2.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_initial_epoch_continues_numbering():
    x, y = regression_data()
    history = small_model().fit(x, y, epochs=3, initial_epoch=1, verbose=0)
    assert history.epoch == [1, 2]


def test_one_dimensional_feature_vector_is_one_feature():
    x = np.linspace(-1, 1, 20).astype("float32")
    model = axone.Sequential([layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, 2 * x, epochs=1, verbose=0)
    assert model.layers[0].kernel.shape == (1, 1)


def test_fused_softmax_crossentropy_gives_the_plain_gradient():
    """Training with the fused softmax/crossentropy gradient equals the unfused chain rule."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 4)).astype("float64")
    y = rng.integers(0, 3, 16)
    axone.backend.set_floatx("float64")

    def build(fused):
        axone.utils.set_random_seed(11)
        model = axone.Sequential([layers.Input(shape=(4,)), layers.Dense(3, activation="softmax")])
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        if not fused:
            model._compiled_loss.release_fusion(model._output_layers())
            model._compiled_loss.fused = [False]
        return model

    fused, plain = build(True), build(False)
    assert fused.layers[0].loss_gives_preactivation_grad
    fused.fit(x, y, batch_size=16, epochs=1, verbose=0)
    plain.fit(x, y, batch_size=16, epochs=1, verbose=0)
    for a, b in zip(fused.get_weights(), plain.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-10)


def test_weighted_metrics_use_sample_weight_and_metrics_do_not():
    x, y = regression_data(32)
    model = small_model(seed=8)
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"], weighted_metrics=["mae"])
    weights = np.zeros(32, dtype="float32")
    weights[:8] = 1.0
    logs = model.evaluate(x, y, sample_weight=weights, verbose=0, return_dict=True)
    error = np.abs(model.predict(x, verbose=0)[:, 0] - y)
    assert logs["mae"] == pytest.approx(error.mean(), rel=1e-5)
    assert logs["weighted_mae"] == pytest.approx(error[:8].mean(), rel=1e-5)


def test_prescaled_sgd_step_equals_the_ordinary_update():
    """Plain SGD folds -lr into the loss gradient; the weights must come out the same."""

    class OrdinarySGD(axone.optimizers.SGD):
        def prescale_factor(self):
            return None

    x, y = regression_data(64)
    models = []
    for optimizer in (axone.optimizers.SGD(0.05), OrdinarySGD(0.05)):
        model = small_model(seed=12)
        model.compile(optimizer=optimizer, loss="mse")
        model.fit(x, y, epochs=2, batch_size=16, verbose=0)
        models.append(model)
    assert models[0].optimizer.iterations == models[1].optimizer.iterations == 8
    for a, b in zip(models[0].get_weights(), models[1].get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("momentum", [0.0, 0.9])
@pytest.mark.parametrize("gemm", ["blas", "numpy"])
def test_layers_own_sgd_step_equals_the_optimizer_update(gemm, momentum, monkeypatch):
    """Dense layers add the pre-scaled step to their weights after backward; the optimizer
    updates the rest. Shared, frozen, bias-free and non-Dense layers included, the weights
    must match those of the ordinary path (the optimizer updating every weight)."""
    from axone import blas

    if gemm == "numpy":
        monkeypatch.setattr(blas, "_GEMMS", {})

    class OrdinarySGD(axone.optimizers.SGD):
        def prescale_factor(self):
            return None

    def build():
        axone.utils.set_random_seed(3)
        inputs = layers.Input(shape=(3,))
        shared = layers.Dense(4, activation="tanh", name="shared")
        frozen = layers.Dense(4, name="frozen", trainable=False)
        left = shared(layers.Dense(4, use_bias=False, name="no_bias")(inputs))
        right = shared(frozen(inputs))
        merged = layers.BatchNormalization()(layers.Concatenate()([left, right]))
        return axone.Model(inputs, layers.Dense(1, name="head")(merged))

    x, y = regression_data(48)
    trained = []
    for optimizer in (axone.optimizers.SGD(0.05, momentum=momentum),
                      OrdinarySGD(0.05, momentum=momentum)):
        model = build()
        model.compile(optimizer=optimizer, loss="mse")
        frozen_before = model.get_layer("frozen").get_weights()
        no_bias_before = model.get_layer("no_bias").get_weights()[0]
        model.fit(x, y, epochs=2, batch_size=16, verbose=0)
        trained.append(model)
    fused, ordinary = trained
    assert fused._update_plan().stepping_ids == {id(fused.get_layer(n)) for n in ("no_bias", "head")}
    for a, b in zip(fused.get_weights(), ordinary.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    for a, b in zip(frozen_before, fused.get_layer("frozen").get_weights()):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(no_bias_before, fused.get_layer("no_bias").get_weights()[0])
    assert fused.optimizer.iterations == ordinary.optimizer.iterations == 6
    if momentum:  # the velocities too, the layers' parts and the optimizer's
        np.testing.assert_allclose(fused.optimizer.slots["momentum"],
                                   ordinary.optimizer.slots["momentum"], rtol=1e-5, atol=1e-6)


def test_a_backward_error_leaves_every_weight_unchanged():
    """Layers step only after the whole backward pass: a layer that cannot backpropagate
    (a step activation) fails the step before any weight moves."""
    from axone.activations import NotDifferentiableError

    model = axone.Sequential([layers.Input(shape=(3,)), layers.Dense(4, activation="relu"),
                              layers.Activation("sign"), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_weights()
    x, y = regression_data(8)
    with pytest.raises(NotDifferentiableError, match="sign"):
        model.fit(x, y, verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


# ------------------------------------------------- metric and output names
def _two_output_model():
    axone.backend.clear_session()
    inputs = layers.Input(shape=(3,))
    hidden = layers.Dense(4, activation="relu")(inputs)
    return axone.Model(inputs, [layers.Dense(1)(hidden), layers.Dense(1)(hidden)])


def test_metrics_names_are_keras_3s_top_level_names():
    x, y = regression_data()
    model = _two_output_model()
    assert model.output_names == ["dense_1", "dense_2"]
    assert model.metrics_names == []  # not compiled
    model.compile(optimizer="adam", loss="mse", metrics=["RootMeanSquaredError", "RootMeanSquaredError"])
    assert model.metrics_names == ["loss", "compile_metrics"]
    model.fit(x, (y, y), epochs=1, verbose=0)
    assert model.metrics_names == ["loss", "compile_metrics", "dense_1_loss", "dense_2_loss"]
    single = small_model()
    assert single.metrics_names == ["loss"]  # compiled without metrics
    single.fit(x, y, epochs=1, verbose=0)
    assert single.metrics_names == ["loss"]


def test_history_keys_for_metrics_given_by_class_name():
    x, y = regression_data()
    model = small_model()
    model.compile(optimizer="sgd", loss="mse", metrics=["RootMeanSquaredError"])
    history = model.fit(x, y, epochs=1, validation_split=0.25, verbose=0)
    assert sorted(history.history) == ["RootMeanSquaredError", "loss", "val_RootMeanSquaredError", "val_loss"]
    model.compile(optimizer="sgd", loss="mse",
                  metrics=[axone.metrics.RootMeanSquaredError, axone.metrics.MeanAbsoluteError(), "acc"])
    history = model.fit(x, y, epochs=1, verbose=0)
    assert sorted(history.history) == ["acc", "loss", "mean_absolute_error", "root_mean_squared_error"]
    two = _two_output_model()
    two.compile(optimizer="adam", loss="mse", metrics=["RootMeanSquaredError", "RootMeanSquaredError"])
    history = two.fit(x, (y, y), epochs=1, validation_data=(x, (y, y)), verbose=0)
    assert "val_dense_2_RootMeanSquaredError" in history.history
    assert sorted(k for k in history.history if not k.startswith("val_")) == [
        "dense_1_RootMeanSquaredError", "dense_1_loss", "dense_2_RootMeanSquaredError", "dense_2_loss", "loss"]


def test_metric_names_match_keras():
    import os

    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    x, y = regression_data()

    def run(lib):
        lib.utils.set_random_seed(0)
        lib.backend.clear_session()
        inputs = lib.layers.Input(shape=(3,))
        hidden = lib.layers.Dense(4, activation="relu")(inputs)
        model = lib.Model(inputs, [lib.layers.Dense(1)(hidden), lib.layers.Dense(1)(hidden)])
        names = [list(model.metrics_names)]
        model.compile(optimizer="adam", loss="mse", metrics=[["RootMeanSquaredError", "mae"],
                                                              [lib.metrics.RootMeanSquaredError()]])
        names.append(list(model.metrics_names))
        history = model.fit(x, (y, y), epochs=1, validation_split=0.25, verbose=0)
        names.append(list(model.metrics_names))
        return names, sorted(history.history), list(model.output_names)

    assert run(axone) == run(keras)
