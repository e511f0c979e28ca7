"""fit / evaluate / predict on memory-mapped arrays, generators and PyDatasets.

Each kind must train on the same batches, in the same order, as the
equivalent in-memory arrays, read the data batch by batch, and follow
Keras 3's meaning of steps_per_epoch, validation_steps and steps.
"""

import os
import signal
import tracemalloc
import warnings

import numpy as np
import pytest

import axone
from axone import layers
from axone.models import data as data_utils

N, FEATURES, BATCH = 50, 3, 8


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, FEATURES)).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5]) + 0.3).astype("float32")
    return x, y


def regressor(seed=0, metrics=("mae",)):
    axone.utils.set_random_seed(seed)
    model = axone.Sequential([layers.Input(shape=(FEATURES,)), layers.Dense(4, activation="relu"),
                              layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=list(metrics))
    return model


def classifier(seed=0, features=FEATURES, n_classes=3):
    axone.utils.set_random_seed(seed)
    model = axone.Sequential([layers.Input(shape=(features,)), layers.Dense(5, activation="relu"),
                              layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def batches(x, y=None, batch_size=BATCH, sample_weight=None):
    """A generator of the batches `fit(x, y, shuffle=False)` takes, in its order."""
    for start in range(0, len(x), batch_size):
        part = slice(start, start + batch_size)
        if y is None:
            yield x[part]
        elif sample_weight is None:
            yield x[part], y[part]
        else:
            yield x[part], y[part], sample_weight[part]


class Batches(axone.utils.PyDataset):
    """A PyDataset over arrays that records the indices read and its epoch hooks."""

    def __init__(self, x, y=None, batch_size=BATCH, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.read, self.begins, self.ends = [], 0, 0

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, index):
        self.read.append(index)
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[part] if self.y is None else (self.x[part], self.y[part])

    def on_epoch_begin(self):
        self.begins += 1

    def on_epoch_end(self):
        self.ends += 1


def memmap_of(array, tmp_path, name="data.dat", dtype=None):
    """`array` written to a file and opened read-only as a `numpy.memmap`."""
    path = tmp_path / name
    array = np.asarray(array, dtype=dtype or array.dtype)
    writer = np.memmap(path, dtype=array.dtype, mode="w+", shape=array.shape)
    writer[:] = array
    writer.flush()
    del writer
    return np.memmap(path, dtype=array.dtype, mode="r", shape=array.shape)


def assert_same_weights(a, b):
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)


def quiet_fit(model, *args, **kwargs):
    """fit with warnings recorded; returns (history, warning messages)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(*args, verbose=0, **kwargs)
    return history, [str(w.message) for w in caught]


# ------------------------------------------------- same results as arrays
def test_generator_trains_evaluates_and_predicts_like_arrays(data):
    x, y = data
    reference, streamed = regressor(), regressor()
    expected = reference.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    history, _ = quiet_fit(streamed, batches(x, y))
    assert history.history == expected.history
    assert_same_weights(streamed, reference)
    assert streamed.evaluate(batches(x, y), verbose=0) == reference.evaluate(x, y, batch_size=BATCH, verbose=0)
    np.testing.assert_array_equal(streamed.predict(batches(x), verbose=0), reference.predict(x, verbose=0))


def test_generator_with_sample_weights_trains_like_arrays(data):
    x, y = data
    weights = np.linspace(0.0, 2.0, N).astype("float32")
    reference, streamed = regressor(), regressor()
    reference.fit(x, y, sample_weight=weights, batch_size=BATCH, shuffle=False, verbose=0)
    quiet_fit(streamed, batches(x, y, sample_weight=weights))
    assert_same_weights(streamed, reference)


def test_generator_of_dict_batches_feeds_a_two_input_model(data):
    x, y = data

    def build():
        axone.utils.set_random_seed(3)
        a, b = axone.Input(shape=(2,), name="a"), axone.Input(shape=(1,), name="b")
        merged = layers.Concatenate()([a, b])
        model = axone.Model(inputs={"a": a, "b": b}, outputs=layers.Dense(1)(merged))
        model.compile(optimizer="sgd", loss="mse")
        return model

    reference, streamed = build(), build()
    inputs = {"a": x[:, :2], "b": x[:, 2:]}
    reference.fit(inputs, y, batch_size=BATCH, shuffle=False, verbose=0)
    gen = (({"a": x[i:i + BATCH, :2], "b": x[i:i + BATCH, 2:]}, y[i:i + BATCH]) for i in range(0, N, BATCH))
    quiet_fit(streamed, gen)
    assert_same_weights(streamed, reference)


def test_pydataset_trains_evaluates_and_predicts_like_arrays(data):
    x, y = data
    reference, streamed = regressor(), regressor()
    expected = reference.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0)
    history = streamed.fit(Batches(x, y), epochs=2, shuffle=False, verbose=0)
    assert history.history == expected.history
    assert history.params["steps"] == 7
    assert_same_weights(streamed, reference)
    assert streamed.evaluate(Batches(x, y), verbose=0) == reference.evaluate(x, y, batch_size=BATCH, verbose=0)
    np.testing.assert_array_equal(streamed.predict(Batches(x), verbose=0), reference.predict(x, verbose=0))


def test_sequence_is_the_pydataset_alias(data):
    x, y = data

    class Old(axone.utils.Sequence):
        def __len__(self):
            return 2

        def __getitem__(self, index):
            return x[index * 25:(index + 1) * 25], y[index * 25:(index + 1) * 25]

    assert axone.utils.Sequence is axone.utils.PyDataset
    reference, streamed = regressor(), regressor()
    reference.fit(x, y, batch_size=25, shuffle=False, verbose=0)
    streamed.fit(Old(), shuffle=False, verbose=0)
    assert_same_weights(streamed, reference)


def test_float64_memmap_trains_like_arrays_with_the_same_shuffle(data, tmp_path):
    x, y = data
    x_file = memmap_of(x, tmp_path, dtype="float64")
    reference, streamed = regressor(), regressor()
    # The same seed draws the same permutations: the batches are the same.
    axone.utils.set_random_seed(5)
    expected = reference.fit(x, y, batch_size=BATCH, epochs=3, verbose=0)
    axone.utils.set_random_seed(5)
    history = streamed.fit(x_file, y, batch_size=BATCH, epochs=3, verbose=0)
    assert history.history == expected.history
    assert_same_weights(streamed, reference)
    assert streamed.evaluate(x_file, y, verbose=0) == reference.evaluate(x, y, verbose=0)
    prediction = streamed.predict(x_file, batch_size=7, verbose=0)
    assert prediction.dtype == np.float32
    np.testing.assert_array_equal(prediction, reference.predict(x, verbose=0))


def test_uint8_memmap_with_integer_label_memmap(tmp_path):
    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 256, (60, 6), dtype=np.uint8)
    labels = rng.integers(0, 3, 60).astype(np.uint8)
    x_file, y_file = memmap_of(pixels, tmp_path, "x.dat"), memmap_of(labels, tmp_path, "y.dat")
    reference, streamed = classifier(features=6), classifier(features=6)
    expected = reference.fit(pixels.astype("float32"), labels.astype("int64"), batch_size=16,
                             epochs=2, shuffle=False, verbose=0)
    history = streamed.fit(x_file, y_file, batch_size=16, epochs=2, shuffle=False, verbose=0,
                           validation_data=(x_file, y_file))
    assert history.history["loss"] == expected.history["loss"]
    assert history.history["accuracy"] == expected.history["accuracy"]
    assert_same_weights(streamed, reference)
    assert streamed.evaluate(x_file, y_file, verbose=0) == reference.evaluate(pixels, labels, verbose=0)


def test_memmap_validation_split_holds_out_the_last_samples(data, tmp_path):
    x, y = data
    x_file, y_file = memmap_of(x, tmp_path, "x.dat"), memmap_of(y, tmp_path, "y.dat")
    reference, streamed = regressor(), regressor()
    expected = reference.fit(x, y, validation_split=0.2, shuffle=False, verbose=0)
    history = streamed.fit(x_file, y_file, validation_split=0.2, shuffle=False, verbose=0)
    assert history.history == expected.history
    assert_same_weights(streamed, reference)


def test_array_too_large_to_copy_is_read_batch_by_batch(data, monkeypatch):
    x, y = data
    wide = x.astype("float64")  # converting it whole would copy it
    monkeypatch.setattr(data_utils, "LARGE_COPY_BYTES", wide.size * 4 - 1)
    reference, streamed = regressor(), regressor()
    reference.fit(x, y, batch_size=BATCH, shuffle=False, verbose=0)
    streamed.fit(wide, y, batch_size=BATCH, shuffle=False, verbose=0)
    assert_same_weights(streamed, reference)
    wide[20, 1] = np.nan  # read batch by batch: the error names the batch
    with pytest.raises(ValueError, match=r"Batch 3 of 7: .*index \(20, 1\) of the data"):
        regressor().fit(wide, y, batch_size=BATCH, shuffle=False, verbose=0)


def test_class_weight_with_pydataset_and_memmap_equals_sample_weight(tmp_path):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((40, FEATURES)).astype("float32")
    labels = rng.integers(0, 3, 40)
    class_weight = {0: 1.0, 1: 3.0, 2: 0.5}
    weights = np.array([class_weight[k] for k in labels], dtype="float32")
    reference = classifier()
    reference.fit(x, labels, sample_weight=weights, batch_size=BATCH, shuffle=False, verbose=0)
    for data_args in ((Batches(x, labels),), (memmap_of(x, tmp_path), labels)):
        model = classifier()
        model.fit(*data_args, class_weight=class_weight, batch_size=BATCH, shuffle=False, verbose=0)
        for a, b in zip(model.get_weights(), reference.get_weights()):
            np.testing.assert_allclose(a, b, rtol=1e-6)


def test_class_weight_leaves_the_validation_split_unweighted(data):
    x, _ = data
    labels = (x[:, 0] > 0).astype(int)
    model = classifier()
    history = model.fit(x, labels, class_weight={0: 1.0, 1: 5.0}, validation_split=0.2, epochs=1,
                        shuffle=False, verbose=0)
    held_out = model.evaluate(x[40:], labels[40:], verbose=0, return_dict=True)
    assert history.history["val_loss"][0] == pytest.approx(held_out["loss"], rel=1e-6)


# ------------------------------------------------------ NaN checks per batch
def test_memmap_nan_is_reported_with_its_batch_and_position(data, tmp_path):
    x, y = data
    bad = x.copy()
    bad[37, 2] = np.nan
    x_file = memmap_of(bad, tmp_path)
    with pytest.raises(ValueError, match=r"Batch 5 of 7: input .* NaN or infinite.*\(37, 2\) of the data"):
        regressor().fit(x_file, y, batch_size=BATCH, shuffle=False, verbose=0)
    # Shuffled, the batch differs but the position in the data is the same.
    with pytest.raises(ValueError, match=r"NaN or infinite.*\(37, 2\) of the data"):
        regressor().fit(x_file, y, batch_size=BATCH, verbose=0)


def test_memmap_is_not_checked_whole_before_training(data, tmp_path):
    x, y = data
    bad = x.copy()
    bad[-1, 0] = np.inf  # in the last batch, which two steps never reach
    history = regressor().fit(memmap_of(bad, tmp_path), y, batch_size=BATCH, steps_per_epoch=2,
                              shuffle=False, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_generator_nan_and_label_errors_name_the_batch(data):
    x, y = data
    with pytest.raises(ValueError, match=r"Batch 2 from the generator given as x: input .* NaN.*index \(0, 0\) of the batch"):
        regressor().fit(((np.full_like(x, np.nan) if i == 1 else x, y) for i in range(3)),
                        shuffle=False, verbose=0)
    labels = np.zeros(N, dtype=int)
    gen = ((x, labels + (3 if i == 2 else 0)) for i in range(4))
    with pytest.raises(ValueError, match=r"Batch 3 from the generator given as x: .*label value of 3"):
        classifier().fit(gen, shuffle=False, verbose=0)


# ---------------------------------------------------------- steps semantics
def test_steps_per_epoch_continues_through_arrays_from_epoch_to_epoch(data):
    x, y = data
    reference, stepped = regressor(), regressor()
    reference.fit(x[:32], y[:32], batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    history = stepped.fit(x, y, batch_size=BATCH, steps_per_epoch=2, epochs=2, shuffle=False, verbose=0)
    assert history.params["steps"] == 2
    assert_same_weights(stepped, reference)  # epoch 2 took batches 3 and 4, not 1 and 2 again


def test_steps_per_epoch_beyond_the_data_ends_each_epoch_at_its_end(data):
    x, y = data
    reference, stepped = regressor(), regressor()
    reference.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0)
    history, messages = quiet_fit(stepped, x, y, batch_size=BATCH, steps_per_epoch=10, epochs=2, shuffle=False)
    assert_same_weights(stepped, reference)
    assert history.epoch == [0, 1]
    assert sum("ran out after 7 of the 10 batches" in m for m in messages) == 2


def test_steps_without_batch_size_cover_the_data_in_that_many_steps(data):
    x, y = data
    reference, stepped = regressor(), regressor()
    reference.fit(x, y, batch_size=17, shuffle=False, verbose=0)  # ceil(50 / 3)
    stepped.fit(x, y, steps_per_epoch=3, shuffle=False, verbose=0)
    assert_same_weights(stepped, reference)
    assert stepped.evaluate(x, y, steps=2, verbose=0) == stepped.evaluate(x, y, batch_size=25, verbose=0)


def test_evaluate_and_predict_steps_take_the_first_batches(data):
    x, y = data
    model = regressor()
    assert model.evaluate(x, y, batch_size=BATCH, steps=3, verbose=0) == model.evaluate(x[:24], y[:24], verbose=0)
    assert model.predict(x, batch_size=BATCH, steps=3, verbose=0).shape == (24, 1)
    assert model.evaluate(batches(x, y), steps=3, verbose=0) == model.evaluate(x[:24], y[:24], verbose=0)
    np.testing.assert_array_equal(model.predict(batches(x), steps=2, verbose=0), model.predict(x[:16], verbose=0))
    assert model.predict(Batches(x), steps=2, verbose=0).shape == (16, 1)


def test_endless_generator_is_read_only_as_far_as_the_steps_go(data):
    x, y = data
    served = []

    def endless():
        while True:
            served.append(len(served))
            yield x[:BATCH], y[:BATCH]

    history, _ = quiet_fit(regressor(), endless(), steps_per_epoch=3, epochs=4)
    assert history.epoch == [0, 1, 2, 3]
    assert history.params["steps"] == 3
    assert len(served) == 12


def test_generator_with_steps_per_epoch_continues_and_matches_arrays(data):
    x, y = data
    reference, streamed = regressor(), regressor()
    reference.fit(x, y, batch_size=BATCH, steps_per_epoch=3, epochs=2, shuffle=False, verbose=0)
    quiet_fit(streamed, batches(x, y), steps_per_epoch=3, epochs=2)
    assert_same_weights(streamed, reference)


def test_generator_without_steps_trains_one_pass_then_stops_with_a_warning(data):
    x, y = data
    reference, streamed = regressor(), regressor()
    reference.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    history, messages = quiet_fit(streamed, batches(x, y), epochs=3)
    assert history.epoch == [0]
    assert history.params["steps"] is None
    assert_same_weights(streamed, reference)
    assert any("ran out of data after 7 batches" in m and "1 of 3 epochs" in m for m in messages)


def test_generator_running_out_mid_epoch_ends_that_epoch_and_training(data):
    x, y = data
    history, messages = quiet_fit(regressor(), batches(x, y), steps_per_epoch=3, epochs=5)
    assert history.epoch == [0, 1, 2]  # 3 + 3 + 1 batches of the 7
    assert sum("ran out" in m for m in messages) == 1
    assert any("ran out after 1 of the 3 batches" in m and "training stops" in m for m in messages)


def test_generator_ending_exactly_with_an_epoch_adds_no_empty_epoch(data):
    x, y = data
    epochs_begun = []

    class Watch(axone.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            epochs_begun.append(epoch)

    gen = batches(x[:48], y[:48])  # 6 batches: two epochs of 3
    history, messages = quiet_fit(regressor(), gen, steps_per_epoch=3, epochs=4, callbacks=[Watch()])
    assert history.epoch == [0, 1]
    assert all(np.isfinite(v) for v in history.history["loss"])
    assert any("training stops" in m for m in messages)
    assert epochs_begun[:2] == [0, 1]


def test_validation_generator_with_validation_steps_continues(data):
    x, y = data
    model = regressor()
    val_batches = []

    def validation():
        for i in range(0, N, BATCH):
            val_batches.append(i // BATCH)
            yield x[i:i + BATCH], y[i:i + BATCH]

    history, _ = quiet_fit(model, x, y, epochs=3, validation_data=validation(), validation_steps=2)
    assert val_batches == [0, 1, 2, 3, 4, 5]
    assert len(history.history["val_loss"]) == 3


def test_validation_generator_that_ran_out_skips_later_validations(data):
    x, y = data
    history, messages = quiet_fit(regressor(), x, y, epochs=2, validation_data=batches(x, y))
    assert len(history.history["loss"]) == 2
    assert len(history.history["val_loss"]) == 1
    assert any("validation_data ran out of data: no validation after epoch 2" in m for m in messages)


def test_pydataset_steps_continue_across_epochs_and_restart_after_a_pass(data):
    x, y = data
    dataset = Batches(x, y)
    history, messages = quiet_fit(regressor(), dataset, steps_per_epoch=3, epochs=4, shuffle=False)
    assert dataset.read[1:] == [0, 1, 2, 3, 4, 5, 6, 0, 1, 2]  # read[0]: the first batch, to build
    assert history.epoch == [0, 1, 2, 3]
    assert sum("ran out after 1 of the 3 batches" in m for m in messages) == 1


def test_pydataset_shuffle_visits_every_batch_in_a_new_seeded_order(data):
    x, y = data

    def orders(seed):
        dataset = Batches(x, y)
        axone.utils.set_random_seed(seed)
        regressor().fit(dataset, epochs=3, verbose=0)
        read = dataset.read[1:]
        return [read[i:i + 7] for i in range(0, 21, 7)]

    first = orders(4)
    assert all(sorted(epoch) == list(range(7)) for epoch in first)
    assert len({tuple(epoch) for epoch in first}) > 1
    assert orders(4) == first


def test_pydataset_epoch_hooks_are_called_once_per_epoch_and_per_validation(data):
    x, y = data
    train, validation = Batches(x, y), Batches(x, y)
    regressor().fit(train, epochs=3, validation_data=validation, verbose=0)
    assert (train.begins, train.ends) == (3, 3)
    assert (validation.begins, validation.ends) == (3, 3)
    assert validation.read[1:] == list(range(7)) * 3  # validation is never shuffled


def test_unknown_number_of_steps_shows_in_the_progress_bar(data, capsys):
    x, y = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        regressor().fit(batches(x, y), verbose=1)
    out = capsys.readouterr().out
    assert "1/Unknown" in out
    assert "7/7" in out  # the finished epoch shows the count it found


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("call, error, message", [
    (lambda m, x, y: m.fit(batches(x, y), y), ValueError,
     r"x is a generator, so y must not be passed.*Received: y of type ndarray"),
    (lambda m, x, y: m.fit(batches(x, y), sample_weight=y), ValueError,
     r"x is a generator, so sample_weight must not be passed"),
    (lambda m, x, y: m.fit(Batches(x, y), y), ValueError, r"x is a PyDataset, so y must not be passed"),
    (lambda m, x, y: m.fit(batches(x, y), class_weight={0: 1.0}), ValueError,
     r"class_weight is not supported with a generator.*Received: class_weight=\{0: 1.0\}"),
    (lambda m, x, y: m.fit(batches(x, y), validation_split=0.2), ValueError,
     r"validation_split needs arrays.*x is a generator.*validation_split=0.2"),
    (lambda m, x, y: m.fit(Batches(x, y), validation_split=0.2), ValueError,
     r"validation_split needs arrays.*x is a PyDataset"),
    (lambda m, x, y: m.fit(x, y, class_weight={0: 1.0}, sample_weight=y), ValueError,
     r"class_weight and sample_weight cannot be given together.*sample_weight of shape \(50,\)"),
    (lambda m, x, y: m.fit(x, y, class_weight=[1.0, 2.0]), ValueError, r"class_weight must be a dict"),
    (lambda m, x, y: m.fit(iter([]), verbose=0), ValueError, r"yielded no batch"),
    (lambda m, x, y: m.fit(batches(x)), ValueError,
     r"first batch from the generator given as x is an array of shape \(8, 3\), without targets"),
    (lambda m, x, y: m.fit(([a, b] for a, b in batches(x, y))), ValueError,
     r"is a list of 2 item\(s\).*without targets.*tuple \(x, y\)"),
    (lambda m, x, y: m.fit(((a, b, b, b) for a, b in batches(x, y))), ValueError,
     r"is a tuple of 4 item\(s\).*expected a tuple \(x,\), \(x, y\) or \(x, y, sample_weight\)"),
    (lambda m, x, y: m.fit(((a, b[:-1]) for a, b in batches(x, y))), ValueError,
     r"Batch 1 from the generator.*x has 8 samples but y has 7"),
    (lambda m, x, y: m.fit(batches), TypeError, r"x is a function \(batches\).*call it"),
    (lambda m, x, y: m.fit({1, 2}), TypeError, r"x is an iterable of type set.*iter\(x\)"),
    (lambda m, x, y: m.fit(x, y, validation_data=(batches(x, y), y)), ValueError,
     r"validation_data is a generator, so y must not be passed"),
    (lambda m, x, y: m.fit(x, y, steps_per_epoch=0), ValueError,
     r"steps_per_epoch must be a positive integer.*steps_per_epoch=0"),
    (lambda m, x, y: m.evaluate(x, y, steps=-1), ValueError, r"steps=-1"),
    (lambda m, x, y: m.fit(x, y, validation_data=(x, y, y, y)), ValueError,
     r"validation_data must be a tuple.*a generator or a PyDataset.*tuple of length 4"),
    (lambda m, x, y: m.evaluate(batches(x)), ValueError, r"without targets"),
])
def test_clear_errors_name_what_was_received(data, call, error, message):
    """Errors found before the first step leave the model untouched."""
    x, y = data
    model = regressor()
    before = model.get_weights()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(error, match=message):
            call(model, x, y)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_inconsistent_batch_shape_is_named_when_it_comes(data):
    x, y = data
    gen = ((a if i != 2 else a[:, :2], b) for i, (a, b) in enumerate(batches(x, y)))
    with pytest.raises(ValueError, match=r"Batch 3 from the generator.*expected shape \(None, 3\).*\(8, 2\)"):
        regressor().fit(gen, shuffle=False, verbose=0)


def test_pydataset_errors(data):
    x, y = data

    class Empty(Batches):
        def __len__(self):
            return 0

    class WithWeights(Batches):
        def __getitem__(self, index):
            return x[:BATCH], y[:BATCH], np.ones(BATCH)

    with pytest.raises(ValueError, match=r"has no batches.*len\(Empty\)=0"):
        regressor().fit(Empty(x, y), verbose=0)
    with pytest.raises(ValueError, match=r"class_weight and sample_weight cannot be given together"):
        classifier().fit(WithWeights(x, y), class_weight={0: 2.0}, verbose=0)
    with pytest.raises(ValueError, match=r"Batches\[0\], given as x, is .*without targets"):
        regressor().fit(Batches(x), verbose=0)


# ------------------------------------------------------------------ Ctrl-C
def test_ctrl_c_during_a_generator_stops_after_the_step(data):
    x, y = data
    model = regressor()
    seen = []

    def interrupted():
        for i, batch in enumerate(batches(x, y)):
            if i == 4:
                os.kill(os.getpid(), signal.SIGINT)  # arrives while the generator runs
            yield batch

    class Watch(axone.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(batch)
            self.last_weights = model.get_weights()

    watch = Watch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(KeyboardInterrupt):
            model.fit(interrupted(), verbose=0, callbacks=[watch])
    assert seen == [0, 1, 2, 3, 4]  # the batch read while Ctrl-C came was still trained on
    assert model.history.epoch == []
    for a, b in zip(watch.last_weights, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    model.fit(x, y, epochs=1, verbose=0)  # and the model still trains


# ------------------------------------------------------------ flat memory
ROW = 28 * 28  # bytes per uint8 image
MEMORY_BATCH = 512


def small_image_model():
    axone.utils.set_random_seed(0)
    model = axone.Sequential([layers.Input(shape=(ROW,)), layers.Dense(16, activation="relu"),
                              layers.Dense(10, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    return model


def fit_peak(model, *args, **kwargs) -> int:
    """The peak bytes allocated (tracemalloc) during one fit."""
    model.fit(*args, epochs=1, steps_per_epoch=2, verbose=0, **kwargs)  # warm-up: optimizer state, buffers
    tracemalloc.start()
    try:
        model.fit(*args, epochs=1, verbose=0, **kwargs)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def image_files(tmp_path_factory):
    """Memory-mapped uint8 images of ~50 MB and ~100 MB, with uint8 labels."""
    folder = tmp_path_factory.mktemp("images")
    files = {}
    for rows in (64_000, 128_000):
        x = np.memmap(folder / f"x{rows}.dat", dtype=np.uint8, mode="w+", shape=(rows, ROW))
        for start in range(0, rows, 16_000):
            x[start:start + 16_000] = np.arange(ROW, dtype=np.uint8) + np.uint8(start // 16_000)
        x.flush()
        y = np.memmap(folder / f"y{rows}.dat", dtype=np.uint8, mode="w+", shape=(rows,))
        y[:] = np.arange(rows) % 10
        y.flush()
        files[rows] = (np.memmap(folder / f"x{rows}.dat", dtype=np.uint8, mode="r", shape=(rows, ROW)),
                       np.memmap(folder / f"y{rows}.dat", dtype=np.uint8, mode="r", shape=(rows,)))
    return files


@pytest.mark.parametrize("shuffle", [False, True])
def test_fit_over_a_memmap_keeps_memory_flat(image_files, shuffle):
    batch_bytes = MEMORY_BATCH * ROW * 4  # one float32 batch
    peaks = {rows: fit_peak(small_image_model(), x, y, batch_size=MEMORY_BATCH, shuffle=shuffle)
             for rows, (x, y) in image_files.items()}
    small, large = 64_000, 128_000
    # Shuffling keeps one permutation of the sample indices (4 bytes a sample); nothing else grows.
    index_bytes = 4 if shuffle else 0
    assert peaks[small] < 4 * batch_bytes + index_bytes * small
    assert peaks[small] < image_files[small][0].nbytes / 10
    assert peaks[large] - peaks[small] < index_bytes * (large - small) + batch_bytes / 4


def test_generator_and_pydataset_keep_memory_flat():
    batch_bytes = MEMORY_BATCH * ROW * 4

    def images(count):
        rng = np.random.default_rng(0)
        for _ in range(count):
            yield (rng.random((MEMORY_BATCH, ROW), dtype=np.float32),
                   rng.integers(0, 10, MEMORY_BATCH))

    class Images(axone.utils.PyDataset):
        def __init__(self, count):
            super().__init__()
            self.count = count

        def __len__(self):
            return self.count

        def __getitem__(self, index):
            rng = np.random.default_rng(index)
            return rng.random((MEMORY_BATCH, ROW), dtype=np.float32), rng.integers(0, 10, MEMORY_BATCH)

    def generator_peak(count):
        model = small_image_model()
        model.fit(images(2), verbose=0)
        tracemalloc.start()
        try:
            model.fit(images(count), verbose=0)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    for peak in (generator_peak, lambda count: fit_peak(small_image_model(), Images(count), shuffle=False)):
        small, large = peak(30), peak(60)  # ~50 MB and ~100 MB of batches
        assert small < 6 * batch_bytes
        assert large - small < batch_bytes / 4
