"""The functional API: graphs with several inputs and outputs, configs."""

import json

import numpy as np
import pytest

import axone
from axone import layers


def wide_and_deep():
    wide = axone.Input(shape=(5,), name="wide")
    deep = axone.Input(shape=(6,), name="deep")
    hidden = layers.Dense(30, activation="relu")(deep)
    hidden = layers.Dense(30, activation="relu")(hidden)
    concat = layers.Concatenate()([wide, hidden])
    main = layers.Dense(1, name="main")(concat)
    aux = layers.Dense(3, activation="softmax", name="aux")(hidden)
    return axone.Model(inputs=[wide, deep], outputs=[main, aux])


def two_input_data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    xw = rng.standard_normal((n, 5)).astype("float32")
    xd = rng.standard_normal((n, 6)).astype("float32")
    y_main = (xw[:, 0] + xd[:, 1]).astype("float32")
    y_aux = (xd[:, 0] > 0).astype(int) + (xd[:, 2] > 1).astype(int)
    return xw, xd, y_main, y_aux


def test_two_inputs_two_outputs_train_with_lists_and_dicts():
    axone.utils.set_random_seed(0)
    model = wide_and_deep()
    model.compile(optimizer="sgd", loss=["mse", "sparse_categorical_crossentropy"],
                  loss_weights=[0.9, 0.1], metrics=[["mae"], ["accuracy"]])
    xw, xd, ym, ya = two_input_data()
    history = model.fit([xw, xd], [ym, ya], epochs=3, verbose=0)
    assert sorted(history.history) == ["aux_accuracy", "aux_loss", "loss", "main_loss", "main_mae"]
    logs = model.evaluate([xw, xd], [ym, ya], verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(0.9 * logs["main_loss"] + 0.1 * logs["aux_loss"], rel=1e-5)
    main, aux = model.predict([xw, xd], verbose=0)
    assert main.shape == (64, 1) and aux.shape == (64, 3)

    model.compile(optimizer="sgd", loss={"main": "mse", "aux": "sparse_categorical_crossentropy"})
    by_name = model.evaluate({"wide": xw, "deep": xd}, {"main": ym, "aux": ya}, verbose=0, return_dict=True)
    by_list = model.evaluate([xw, xd], [ym, ya], verbose=0, return_dict=True)
    assert by_name == by_list


def test_missing_input_in_dict_is_named():
    model = wide_and_deep()
    model.compile(optimizer="sgd", loss=["mse", "sparse_categorical_crossentropy"])
    xw, xd, ym, ya = two_input_data()
    with pytest.raises(ValueError, match=r"lacks key\(s\) \['deep'\]"):
        model.predict({"wide": xw}, verbose=0)


def test_output_depending_on_undeclared_input_is_refused():
    a = axone.Input(shape=(2,))
    b = axone.Input(shape=(2,), name="forgotten")
    out = layers.Add()([a, b])
    with pytest.raises(ValueError, match="forgotten"):
        axone.Model(inputs=a, outputs=out)


def test_get_layer_and_count_params():
    model = wide_and_deep()
    assert model.get_layer("main").units == 1
    assert model.get_layer(index=0).name in ("wide", "deep")
    with pytest.raises(ValueError, match="No such layer: 'mian'"):
        model.get_layer("mian")
    assert model.count_params() == (6 * 30 + 30) + (30 * 30 + 30) + (35 + 1) + (30 * 3 + 3)


def test_config_and_json_round_trip_keep_the_architecture():
    model = wide_and_deep()
    clone = axone.models.model_from_json(model.to_json())
    assert [type(l).__name__ for l in clone.layers] == [type(l).__name__ for l in model.layers]
    assert [l.name for l in clone.layers] == [l.name for l in model.layers]
    clone.set_weights(model.get_weights())
    xw, xd, _, _ = two_input_data(8)
    for a, b in zip(model.predict([xw, xd], verbose=0), clone.predict([xw, xd], verbose=0)):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    json.loads(model.to_json())  # valid JSON


def test_sequential_config_round_trip():
    model = axone.Sequential([layers.Input(shape=(4,)), layers.Dense(3, activation="tanh"), layers.Dense(1)])
    clone = axone.Sequential.from_config(model.get_config())
    assert clone.count_params() == model.count_params()
    assert clone.layers[0].activation.name == "tanh"


def test_shared_layer_weights_follow_both_models():
    shared = layers.Dense(2, name="shared_dense")
    a = axone.Input(shape=(3,))
    m1 = axone.Model(a, shared(a))
    b = axone.Input(shape=(3,))
    m2 = axone.Model(b, layers.Dense(1)(shared(b)))
    m2.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).standard_normal((16, 3)).astype("float32")
    m2.fit(x, x[:, :1], epochs=2, verbose=0)
    np.testing.assert_allclose(m1.predict(x, verbose=0), x @ shared.kernel.value + shared.bias.value, rtol=1e-6)


def test_keras2_input_forms_are_accepted():
    m1 = axone.Sequential([layers.Input(shape=8), layers.Dense(2)])
    m2 = axone.Sequential([layers.Dense(2, input_shape=[8])])
    m3 = axone.Sequential([layers.InputLayer(input_shape=[8]), layers.Dense(2)])
    m4 = axone.Sequential([layers.Dense(2, input_dim=8)])
    for model in (m1, m2, m3, m4):
        assert model.built and model.count_params() == 18
        assert model.inputs[0].shape == (None, 8)


def test_sequential_add_pop_and_layers():
    model = axone.Sequential()
    model.add(axone.Input(shape=(3,)))
    model.add(layers.Dense(4))
    model.add(layers.Dense(1))
    assert [l.units for l in model.layers] == [4, 1]
    popped = model.pop()
    assert popped.units == 1 and model.outputs[0].shape == (None, 4)
    with pytest.raises(ValueError, match="unique names"):
        model.add(layers.Dense(2, name=model.layers[0].name))
    with pytest.raises(TypeError, match="Only layers"):
        model.add("dense")


def test_config_round_trip_with_a_layer_shared_across_the_graph():
    x = axone.Input(shape=(4,))
    shared, middle = layers.Dense(4), layers.Dense(4)
    model = axone.Model(x, shared(middle(shared(x))))
    clone = axone.Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    data = np.random.default_rng(0).standard_normal((5, 4)).astype("float32")
    np.testing.assert_allclose(clone.predict(data, verbose=0), model.predict(data, verbose=0), rtol=1e-6)


def test_freezing_a_model_freezes_its_layers():
    model = axone.Sequential([layers.Input(shape=(3,)), layers.Dense(2), layers.BatchNormalization()])
    model.trainable = False
    assert all(not layer.trainable for layer in model.layers)
    assert model.trainable_weights == []
    model.trainable = True
    assert len(model.trainable_weights) == 4
