"""`Callback` hooks and `CallbackList`: Keras 3's call order, aliases, logs and stop_training."""

import numpy as np
import pytest

import axone as keras
from axone.callbacks import Callback, CallbackList, History, ProgbarLogger


def data(n=10):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, 3)).astype("float32")
    return x, x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")


def regressor():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return model


class Recorder(Callback):
    """Records every hook call as (name, index or None, sorted log keys)."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def _record(self, name, index=None, logs=None):
        self.calls.append((name, index, tuple(sorted(logs)) if logs else ()))


for _hook in ["on_train_begin", "on_train_end", "on_test_begin", "on_test_end",
              "on_predict_begin", "on_predict_end"]:
    setattr(Recorder, _hook, lambda self, logs=None, _n=_hook: self._record(_n, None, logs))
for _hook in ["on_epoch_begin", "on_epoch_end", "on_train_batch_begin", "on_train_batch_end",
              "on_test_batch_begin", "on_test_batch_end", "on_predict_batch_begin",
              "on_predict_batch_end"]:
    setattr(Recorder, _hook, lambda self, i, logs=None, _n=_hook: self._record(_n, i, logs))


def test_fit_calls_the_hooks_in_keras_order():
    x, y = data(10)
    recorder = Recorder()
    regressor().fit(x, y, batch_size=5, epochs=2, validation_data=(x[:5], y[:5]),
                    callbacks=[recorder], verbose=0)
    train_keys = ("loss", "mae")
    epoch = [("on_train_batch_begin", 0, ()), ("on_train_batch_end", 0, train_keys),
             ("on_train_batch_begin", 1, ()), ("on_train_batch_end", 1, train_keys),
             ("on_test_begin", None, ()), ("on_test_batch_begin", 0, ()),
             ("on_test_batch_end", 0, train_keys), ("on_test_end", None, train_keys)]
    expected = [("on_train_begin", None, ())]
    for e in range(2):
        expected += [("on_epoch_begin", e, ())] + epoch
        expected += [("on_epoch_end", e, ("loss", "mae", "val_loss", "val_mae"))]
    expected += [("on_train_end", None, ("loss", "mae", "val_loss", "val_mae"))]
    assert recorder.calls == expected


def test_evaluate_and_predict_call_their_hooks():
    x, y = data(10)
    model = regressor()
    recorder = Recorder()
    model.evaluate(x, y, batch_size=5, callbacks=[recorder], verbose=0)
    model.predict(x, batch_size=10, callbacks=[recorder], verbose=0)
    assert [c[:2] for c in recorder.calls] == [
        ("on_test_begin", None), ("on_test_batch_begin", 0), ("on_test_batch_end", 0),
        ("on_test_batch_begin", 1), ("on_test_batch_end", 1), ("on_test_end", None),
        ("on_predict_begin", None), ("on_predict_batch_begin", 0), ("on_predict_batch_end", 0),
        ("on_predict_end", None)]


def test_model_and_params_are_set():
    x, y = data(10)
    model = regressor()
    seen = {}

    class Check(Callback):
        def on_train_begin(self, logs=None):
            seen["model"], seen["params"] = self.model, dict(self.params)

    model.fit(x, y, batch_size=4, epochs=3, callbacks=[Check()], verbose=0)
    assert seen == {"model": model, "params": {"verbose": 0, "epochs": 3, "steps": 3}}


def test_keras2_batch_aliases_are_called():
    x, y = data(10)
    seen = []

    class Old(Callback):
        def on_batch_begin(self, batch, logs=None):
            seen.append(("begin", batch))

        def on_batch_end(self, batch, logs=None):
            seen.append(("end", batch, round(logs["loss"], 6)))

    history = regressor().fit(x, y, batch_size=5, epochs=1, callbacks=[Old()], verbose=0)
    assert [s[:2] for s in seen] == [("begin", 0), ("end", 0), ("begin", 1), ("end", 1)]
    assert seen[-1][2] == pytest.approx(history.history["loss"][0], rel=1e-6)


def test_batch_logs_hold_the_running_mean_of_the_epoch():
    x, y = data(12)
    model = regressor()
    batch_logs = []
    model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0,
              callbacks=[keras.callbacks.LambdaCallback(
                  on_train_batch_begin=lambda b, logs: batch_logs.append(model.get_weights()),
                  on_train_batch_end=lambda b, logs: batch_logs.append(dict(logs)))])
    # Each step's loss, from the weights the step started with (no regularization).
    step_losses = []
    for i in range(3):
        kernel, bias = batch_logs[2 * i]
        xb, yb = x[4 * i:4 * i + 4], y[4 * i:4 * i + 4]
        step_losses.append(float(np.mean((xb @ kernel + bias - yb) ** 2)))
    for i in range(3):
        assert batch_logs[2 * i + 1]["loss"] == pytest.approx(np.mean(step_losses[:i + 1]), rel=1e-5)


@pytest.mark.parametrize("hook", ["on_train_begin", "on_epoch_begin", "on_train_batch_begin",
                                  "on_train_batch_end", "on_test_end", "on_epoch_end"])
def test_stop_training_works_from_any_hook(hook):
    x, y = data(20)
    steps = []

    class Stop(Callback):
        def on_train_batch_end(self, batch, logs=None):
            steps.append(batch)
            if hook == "on_train_batch_end":
                self.model.stop_training = True

    def stop(*args, **kwargs):
        model.stop_training = True

    model = regressor()
    history = model.fit(x, y, batch_size=5, epochs=5, validation_data=(x, y), verbose=0,
                        callbacks=[Stop(), keras.callbacks.LambdaCallback(**{hook: stop})])
    if hook in ("on_test_end", "on_epoch_end"):
        assert steps == [0, 1, 2, 3] and len(history.epoch) == 1  # after the first epoch
    else:
        assert steps == [0] and len(history.epoch) == 1  # after the first batch


def test_a_callback_list_can_be_passed_to_fit():
    x, y = data(10)
    recorder = Recorder()
    model = regressor()
    model.fit(x, y, epochs=1, verbose=0, callbacks=CallbackList([recorder]))
    assert recorder.calls[0][0] == "on_train_begin" and recorder.model is model


def test_callback_list_adds_history_and_progbar_and_sets_params():
    recorder = Recorder()
    model = regressor()
    callbacks = CallbackList([recorder], add_history=True, add_progbar=True, model=model,
                             verbose=0, epochs=2, steps=3)
    assert [type(c) for c in callbacks.callbacks] == [Recorder, History, ProgbarLogger]
    assert recorder.model is model and recorder.params == {"verbose": 0, "epochs": 2, "steps": 3}
    callbacks.on_epoch_begin(0)
    callbacks.on_train_batch_end(0, {"loss": 1.0})
    assert recorder.calls == [("on_epoch_begin", 0, ()), ("on_train_batch_end", 0, ("loss",))]


def test_callbacks_must_be_callback_instances():
    with pytest.raises(TypeError, match="Callback instances. Received: 3"):
        CallbackList([3])


def test_predict_batch_end_gets_the_batch_outputs():
    x, _ = data(10)
    model = regressor()
    seen = []
    predictions = model.predict(x, batch_size=4, verbose=0, callbacks=[keras.callbacks.LambdaCallback(
        on_predict_batch_end=lambda batch, logs: seen.append(np.array(logs["outputs"])))])
    assert [len(s) for s in seen] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate(seen), predictions)
