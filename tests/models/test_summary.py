"""`model.summary()` prints Keras 3's table, character for character.

The expected texts are what Keras 3 prints for the same models in a new
session, with the output not going to a terminal (80 columns).
"""

import numpy as np
import pytest

import axone as keras
from axone import layers
from axone.models.summary import readable_memory_size
from axone.utils.naming import reset_names, to_snake_case

from axone.layers import BatchNormalization, Concatenate


@pytest.fixture(autouse=True)
def _new_session_80_columns(monkeypatch):
    """Automatic names restart as in a new session; the terminal is 80 columns wide."""
    monkeypatch.setenv("COLUMNS", "80")
    reset_names()


def summary_of(model, **kwargs) -> str:
    printed = []
    model.summary(print_fn=printed.append, **kwargs)
    assert len(printed) == 1  # Keras 3 hands print_fn the whole text at once
    return printed[0]


def course_mnist_model():
    return keras.models.Sequential([
        layers.Flatten(input_shape=[28, 28]),
        layers.Dense(300, activation="relu"),
        layers.Dense(100, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])


def course_wide_and_deep_model():
    input_ = layers.Input(shape=(8,))
    hidden1 = layers.Dense(30, activation="relu")(input_)
    hidden2 = layers.Dense(30, activation="relu")(hidden1)
    concat = Concatenate()([input_, hidden2])
    output = layers.Dense(1)(concat)
    return keras.Model(inputs=[input_], outputs=[output])


MNIST_SUMMARY = """\
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ flatten (Flatten)               │ (None, 784)            │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 300)            │       235,500 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 100)            │        30,100 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_2 (Dense)                 │ (None, 10)             │         1,010 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 266,610 (1.02 MB)
 Trainable params: 266,610 (1.02 MB)
 Non-trainable params: 0 (0.00 B)
"""


def test_course_mnist_summary_is_keras_table():
    assert summary_of(course_mnist_model()) == MNIST_SUMMARY


def test_summary_goes_to_stdout_without_print_fn(capsys):
    course_mnist_model().summary()
    assert capsys.readouterr().out == MNIST_SUMMARY


def test_wide_and_deep_summary_has_connected_to_column():
    assert summary_of(course_wide_and_deep_model()) == """\
Model: "functional"
┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃
┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
│ input_layer         │ (None, 8)         │          0 │ -                 │
│ (InputLayer)        │                   │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense (Dense)       │ (None, 30)        │        270 │ input_layer[0][0] │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense_1 (Dense)     │ (None, 30)        │        930 │ dense[0][0]       │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ concatenate         │ (None, 38)        │          0 │ input_layer[0][0… │
│ (Concatenate)       │                   │            │ dense_1[0][0]     │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense_2 (Dense)     │ (None, 1)         │         39 │ concatenate[0][0] │
└─────────────────────┴───────────────────┴────────────┴───────────────────┘
 Total params: 1,239 (4.84 KB)
 Trainable params: 1,239 (4.84 KB)
 Non-trainable params: 0 (0.00 B)
"""


def test_two_inputs_two_outputs_lists_deep_input_first():
    input_a = layers.Input(shape=[5], name="wide_input")
    input_b = layers.Input(shape=[6], name="deep_input")
    hidden1 = layers.Dense(30, activation="relu")(input_b)
    hidden2 = layers.Dense(30, activation="relu")(hidden1)
    concat = Concatenate()([input_a, hidden2])
    output = layers.Dense(1, name="main_output")(concat)
    aux_output = layers.Dense(1, name="aux_output")(hidden2)
    model = keras.Model(inputs=[input_a, input_b], outputs=[output, aux_output])
    # Keras orders layers by their distance to the outputs: the deep branch first.
    assert [layer.name for layer in model.layers] == [
        "deep_input", "dense", "wide_input", "dense_1", "concatenate", "main_output", "aux_output"]
    assert summary_of(model) == """\
Model: "functional"
┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃
┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
│ deep_input          │ (None, 6)         │          0 │ -                 │
│ (InputLayer)        │                   │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense (Dense)       │ (None, 30)        │        210 │ deep_input[0][0]  │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ wide_input          │ (None, 5)         │          0 │ -                 │
│ (InputLayer)        │                   │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense_1 (Dense)     │ (None, 30)        │        930 │ dense[0][0]       │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ concatenate         │ (None, 35)        │          0 │ wide_input[0][0], │
│ (Concatenate)       │                   │            │ dense_1[0][0]     │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ main_output (Dense) │ (None, 1)         │         36 │ concatenate[0][0] │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ aux_output (Dense)  │ (None, 1)         │         31 │ dense_1[0][0]     │
└─────────────────────┴───────────────────┴────────────┴───────────────────┘
 Total params: 1,207 (4.71 KB)
 Trainable params: 1,207 (4.71 KB)
 Non-trainable params: 0 (0.00 B)
"""


def test_chain_of_functional_layers_uses_the_three_column_table():
    inputs = layers.Input(shape=(4,), name="x")
    model = keras.Model(inputs, layers.Dense(2)(layers.Dense(3)(inputs)))
    text = summary_of(model)
    assert "Connected to" not in text
    assert "│ x (InputLayer)                  │ (None, 4)              │             0 │" in text


def test_unbuilt_sequential_shows_question_marks():
    model = keras.Sequential([layers.Dense(30, activation="relu"), layers.Dense(1)])
    assert summary_of(model) == """\
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ ?                      │   0 (unbuilt) │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ ?                      │   0 (unbuilt) │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 0 (0.00 B)
 Trainable params: 0 (0.00 B)
 Non-trainable params: 0 (0.00 B)
"""


def test_summary_after_building_from_data_shows_shapes():
    model = keras.Sequential([layers.Dense(30, activation="relu"), layers.Dense(1)])
    model.predict(np.zeros((2, 8)), verbose=0)
    assert "│ dense (Dense)                   │ (None, 30)             │           270 │" in summary_of(model)


def test_show_trainable_marks_frozen_layers():
    model = course_mnist_model()
    model.layers[1].trainable = False
    assert summary_of(model, show_trainable=True) == """\
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━┓
┃ Layer (type)                ┃ Output Shape          ┃    Param # ┃ Trai… ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━┩
│ flatten (Flatten)           │ (None, 784)           │          0 │   -   │
├─────────────────────────────┼───────────────────────┼────────────┼───────┤
│ dense (Dense)               │ (None, 300)           │    235,500 │   N   │
├─────────────────────────────┼───────────────────────┼────────────┼───────┤
│ dense_1 (Dense)             │ (None, 100)           │     30,100 │   Y   │
├─────────────────────────────┼───────────────────────┼────────────┼───────┤
│ dense_2 (Dense)             │ (None, 10)            │      1,010 │   Y   │
└─────────────────────────────┴───────────────────────┴────────────┴───────┘
 Total params: 266,610 (1.02 MB)
 Trainable params: 31,110 (121.52 KB)
 Non-trainable params: 235,500 (919.92 KB)
"""


def test_non_trainable_weights_are_counted_apart():
    model = keras.Sequential([layers.Input((20,)), layers.Dense(64), BatchNormalization(), layers.Dense(10)])
    assert summary_of(model) == """\
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ (None, 64)             │         1,344 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ batch_normalization             │ (None, 64)             │           256 │
│ (BatchNormalization)            │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 10)             │           650 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 2,250 (8.79 KB)
 Trainable params: 2,122 (8.29 KB)
 Non-trainable params: 128 (512.00 B)
"""


def test_optimizer_params_line_appears_once_the_optimizer_has_state():
    model = keras.Sequential([layers.Input((8,)), layers.Dense(30, activation="relu"), layers.Dense(1)])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(momentum=0.9))
    assert "Optimizer params" not in summary_of(model)
    model.fit(np.zeros((10, 8), "float32"), np.zeros((10, 1), "float32"), verbose=0)
    # The iteration count, the learning rate and one momentum per weight.
    assert summary_of(model).endswith("""\
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 604 (2.36 KB)
 Trainable params: 301 (1.18 KB)
 Non-trainable params: 0 (0.00 B)
 Optimizer params: 303 (1.18 KB)
""")


def test_line_length_and_positions_size_the_columns():
    model = course_mnist_model()
    assert summary_of(model, line_length=50).splitlines()[1:6] == [
        "┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━┳━━━━━━━━━┓",
        "┃ Layer (type)        ┃ Output Shape   ┃ Param # ┃",
        "┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━╇━━━━━━━━━┩",
        "│ flatten (Flatten)   │ (None, 784)    │       0 │",
        "├─────────────────────┼────────────────┼─────────┤",
    ]
    # Positions ending before 1.0 still fill the width, shared out as Keras does.
    assert summary_of(model, positions=[0.3, 0.6, 0.7]).splitlines()[2] == (
        "┃ Layer (type)                 ┃ Output Shape                 ┃    Param # ┃")


def test_narrow_columns_wrap_words_and_cut_long_ones():
    model = keras.Sequential([layers.Input((8,)), layers.Dense(3, name="a_really_long_layer_name_that_wraps_around")])
    lines = summary_of(model, line_length=50).splitlines()
    assert lines[4:6] == [
        "│ a_really_long_laye… │ (None, 3)      │      27 │",
        "│ (Dense)             │                │         │",
    ]


def test_default_width_follows_the_terminal(monkeypatch):
    model = course_mnist_model()
    monkeypatch.setenv("COLUMNS", "200")
    assert {len(line) for line in summary_of(model).splitlines()[1:12]} == {88}
    monkeypatch.setenv("COLUMNS", "60")
    assert {len(line) for line in summary_of(model).splitlines()[1:12]} == {56}
    # A table wider than the console is cut at the console's edge.
    monkeypatch.setenv("COLUMNS", "80")
    assert {len(line) for line in summary_of(model, line_length=120).splitlines()[1:12]} == {80}


def test_layer_range_selects_rows_by_name():
    rows = [line for line in summary_of(course_mnist_model(), layer_range=["dense", "dense_1"]).splitlines()
            if line.startswith("│")]
    assert [row.split()[1] for row in rows] == ["dense", "dense_1"]


def test_too_narrow_summary_raises():
    with pytest.raises(ValueError, match="Insufficient console width"):
        course_mnist_model().summary(line_length=8)


@pytest.mark.parametrize("size, text", [
    (0, "0.00 B"), (1023, "1023.00 B"), (1024, "1.00 KB"), (1066440, "1.02 MB"), (3 * 1024**3, "3.00 GB"),
])
def test_readable_memory_size(size, text):
    assert readable_memory_size(size) == text


def test_automatic_names_follow_keras():
    first, second = layers.Dense(1), layers.Dense(1)
    assert (first.name, second.name) == ("dense", "dense_1")
    assert layers.Input((3,)).node.layer.name == "input_layer"
    assert to_snake_case("BatchNormalization") == "batch_normalization"
    assert to_snake_case("Conv2D") == "conv2d"
    # Building a Sequential model takes a "functional" name, as in Keras, so
    # the functional model created next is functional_1.
    sequential = keras.Sequential([layers.Input((3,)), layers.Dense(1)])
    inputs = layers.Input((3,))
    functional = keras.Model(inputs, layers.Dense(1)(inputs))
    assert (sequential.name, functional.name) == ("sequential", "functional_1")
    assert inputs.node.layer.name == "input_layer_2"
