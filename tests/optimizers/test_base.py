"""The update loop shared by every optimizer: order, clipping, weight decay,
learning rate and schedules, frozen ranges, state, registry and config."""

import math

import numpy as np
import pytest

from axone import optimizers
from axone.optimizers import SGD, Adam, Optimizer, schedules

ALL = [optimizers.SGD, optimizers.RMSprop, optimizers.Adam, optimizers.AdamW, optimizers.Adagrad,
       optimizers.Adadelta, optimizers.Adamax, optimizers.Nadam, optimizers.Lion]
WITH_OPTIONS = [(cls, {}) for cls in ALL] + [
    (optimizers.SGD, {"momentum": 0.9}), (optimizers.SGD, {"momentum": 0.9, "nesterov": True}),
    (optimizers.Adam, {"amsgrad": True}), (optimizers.RMSprop, {"momentum": 0.9, "centered": True}),
]


class FakeVariable:
    def __init__(self, name, size):
        self.name, self.size = name, size


# ------------------------------------------------------------------ order
def test_order_is_clip_then_decay_then_update(run):
    # w * (1 - wd * lr) - lr * clip(g): the decay uses the weights before the step
    opt = SGD(0.1, weight_decay=0.5, clipvalue=0.25)
    values = run(opt, weights=[1.0, -2.0], grads=[[1.0, -0.1]])
    np.testing.assert_allclose(values, [1.0 * 0.95 - 0.025, -2.0 * 0.95 + 0.01], rtol=1e-6)


@pytest.mark.parametrize("cls, options", WITH_OPTIONS)
def test_weight_decay_on_every_optimizer(run, cls, options):
    # a zero gradient leaves only the decay (and Lion/SGD moves nothing else)
    values = run(cls(0.1, weight_decay=0.5, **options), weights=[1.0, -2.0], grads=[[0.0, 0.0]])
    np.testing.assert_allclose(values, [0.95, -1.9], rtol=1e-6)


# --------------------------------------------------------------- clipping
def test_clipnorm_is_per_weight(run):
    # weight 1 = [3, 4] (norm 5) is scaled to norm 1; weight 2 = [0.3] is left alone
    values = run(SGD(1.0, clipnorm=1.0), weights=[0.0, 0.0, 0.0], grads=[[3.0, 4.0, 0.3]], offsets=[0, 2, 3])
    np.testing.assert_allclose(values, [-0.6, -0.8, -0.3], rtol=1e-6)


def test_clipnorm_without_offsets_treats_each_range_as_one_weight(run):
    values = run(SGD(1.0, clipnorm=1.0), weights=[0.0] * 3, grads=[[3.0, 4.0, 0.3]])
    np.testing.assert_allclose(values, -np.array([3.0, 4.0, 0.3]) / math.hypot(3, 4, 0.3), rtol=1e-6)


def test_global_clipnorm_scales_all_weights_together(run):
    grads = [[3.0, 4.0, 12.0]]  # global norm 13
    values = run(SGD(1.0, global_clipnorm=1.0), weights=[0.0] * 3, grads=grads, offsets=[0, 2, 3])
    np.testing.assert_allclose(values, -np.array(grads[0]) / 13, rtol=1e-6)
    values = run(SGD(1.0, global_clipnorm=20.0), weights=[0.0] * 3, grads=grads)
    np.testing.assert_allclose(values, -np.array(grads[0]), rtol=1e-6)


def test_global_clipnorm_counts_only_trainable_ranges(run):
    # the frozen gradient 100 neither enters the norm nor is used
    values = run(SGD(1.0, global_clipnorm=1.0), weights=[0.0] * 3, grads=[[3.0, 100.0, 4.0]],
                 ranges=[(0, 1), (2, 3)])
    np.testing.assert_allclose(values, [-0.6, 0.0, -0.8], rtol=1e-6)


def test_global_clipnorm_of_a_non_finite_norm_gives_nan_as_keras(run):
    values = run(SGD(1.0, global_clipnorm=1.0), weights=[0.0] * 2, grads=[[np.inf, 1.0]])
    assert np.isnan(values).all()


def test_clipvalue(run):
    values = run(SGD(1.0, clipvalue=0.5), weights=[0.0] * 3, grads=[[2.0, -0.1, -3.0]])
    np.testing.assert_allclose(values, [-0.5, 0.1, 0.5], rtol=1e-6)


@pytest.mark.parametrize("arg", ["clipnorm", "clipvalue", "global_clipnorm"])
def test_zero_clip_means_no_clipping_as_keras(run, arg):
    np.testing.assert_allclose(run(SGD(1.0, **{arg: 0.0}), weights=[0.0], grads=[[3.0]]), [-3.0])


def test_only_one_clipping_argument():
    with pytest.raises(ValueError, match="Only one of"):
        SGD(clipnorm=1.0, clipvalue=1.0)


@pytest.mark.parametrize("arg", ["clipnorm", "clipvalue", "global_clipnorm", "weight_decay"])
def test_negative_clip_or_decay(arg):
    with pytest.raises(ValueError, match=f"{arg}=-1"):
        SGD(**{arg: -1.0})


# ----------------------------------------------------------- learning rate
def test_schedule_is_evaluated_at_iterations_before_the_increment(run):
    # rate 1.0 at step 0, then 0.1
    opt = SGD(schedules.PiecewiseConstantDecay([0], [1.0, 0.1]))
    assert opt.learning_rate == 1.0
    values = run(opt, weights=[0.0], grads=[[1.0], [1.0]])
    np.testing.assert_allclose(values, [-1.1], rtol=1e-6)
    assert opt.iterations == 2 and opt.learning_rate == pytest.approx(0.1)


def test_weight_decay_uses_the_scheduled_rate(run):
    opt = SGD(schedules.PiecewiseConstantDecay([0], [1.0, 0.1]), weight_decay=0.5)
    np.testing.assert_allclose(run(opt, weights=[1.0], grads=[[0.0], [0.0]]), [0.5 * 0.95], rtol=1e-6)


def test_callable_learning_rate_takes_no_argument_as_keras(run):
    np.testing.assert_allclose(run(SGD(lambda: 0.5), weights=[0.0], grads=[[1.0]]), [-0.5])


def test_learning_rate_setter_and_variable_methods(run):
    opt = SGD(0.1)
    opt.learning_rate = 0.5
    assert opt.learning_rate == 0.5 and isinstance(opt.learning_rate, float)
    opt.learning_rate.assign(0.25)  # as a callback written for Keras does
    assert float(opt.learning_rate) == 0.25 and opt.learning_rate.numpy().dtype == np.float32
    opt.lr = 0.2  # Keras 2 spelling
    np.testing.assert_allclose(run(opt, weights=[0.0], grads=[[1.0]]), [-0.2], rtol=1e-6)
    opt.learning_rate = schedules.ExponentialDecay(1.0, 1, 0.5)
    assert opt.learning_rate == 0.5  # evaluated at iterations = 1


def test_a_schedule_cannot_be_replaced_by_a_float():
    opt = SGD(schedules.ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.01


@pytest.mark.parametrize("value", ["fast", None, -0.1, float("inf"), True])
def test_bad_learning_rate(value):
    with pytest.raises(ValueError, match="learning_rate"):
        SGD(learning_rate=value)


# ---------------------------------------------------- frozen ranges, state
@pytest.mark.parametrize("cls, options", WITH_OPTIONS)
def test_parameters_and_state_outside_ranges_do_not_change(cls, options):
    rng = np.random.default_rng(0)
    values = rng.normal(size=7).astype("float32")
    start = values.copy()
    alone = values[[0, 1, 5, 6]].copy()
    opt, opt_alone = cls(0.1, **options), cls(0.1, **options)
    for _ in range(3):
        grads = rng.normal(size=7).astype("float32")
        opt.apply(values, grads.copy(), [(0, 2), (5, 7)], [0, 2, 5, 7])
        opt_alone.apply(alone, grads[[0, 1, 5, 6]].copy(), [(0, 2), (2, 4)], [0, 2, 4])
    np.testing.assert_array_equal(values[2:5], start[2:5])
    for name, slot in opt.slots.items():
        assert (slot[2:5] == (opt.initial_accumulator_value if name == "accumulator" else 0)).all()
        np.testing.assert_allclose(slot[[0, 1, 5, 6]], opt_alone.slots[name], rtol=1e-6)
    # the trainable part moves exactly as if it were the whole buffer
    np.testing.assert_allclose(values[[0, 1, 5, 6]], alone, rtol=1e-6)
    assert opt.iterations == 3


def test_float64_buffers_stay_float64():
    opt = Adam(0.1)
    values = np.array([1.0, 2.0])
    opt.apply(values, np.array([0.5, -0.5]))
    assert values.dtype == np.float64 and opt.slots["momentum"].dtype == np.float64


def test_a_built_optimizer_refuses_another_size():
    opt = Adam()
    opt.apply(np.zeros(3, "float32"), np.ones(3, "float32"))
    with pytest.raises(ValueError, match="create a new optimizer"):
        opt.apply(np.zeros(4, "float32"), np.ones(4, "float32"))


def test_variables_hold_iterations_then_slots():
    opt = Adam()
    opt.apply(np.zeros(2, "float32"), np.ones(2, "float32"))
    assert [int(opt.variables[0])] + [v.shape for v in opt.variables[1:]] == [1, (2,), (2,)]


# ------------------------------------------------ exclude_from_weight_decay
def test_exclude_from_weight_decay_by_name_and_by_variable():
    kernel, bias, gamma = FakeVariable("kernel", 2), FakeVariable("bias", 1), FakeVariable("gamma", 1)
    for how in ({"var_names": ["bias", "gam"]}, {"var_list": [bias, gamma]}):
        opt = SGD(1.0, weight_decay=0.5)
        opt.exclude_from_weight_decay(**how)
        opt.build(4, "float32", variables=[kernel, bias, gamma])
        values = np.ones(4, "float32")
        opt.apply(values, np.zeros(4, "float32"), [(0, 4)], [0, 2, 3, 4])
        np.testing.assert_allclose(values, [0.5, 0.5, 1.0, 1.0])


def test_exclude_from_weight_decay_with_frozen_ranges():
    variables = [FakeVariable("kernel", 2), FakeVariable("bias", 1), FakeVariable("kernel", 2)]
    opt = SGD(1.0, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["bias"])
    opt.build(5, "float32", variables=variables)
    values = np.ones(5, "float32")
    opt.apply(values, np.zeros(5, "float32"), [(1, 3)])
    np.testing.assert_allclose(values, [1.0, 0.5, 1.0, 1.0, 1.0])


def test_exclude_from_weight_decay_needs_the_variables_and_an_unbuilt_optimizer():
    opt = SGD(weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["bias"])
    with pytest.raises(ValueError, match="variables"):
        opt.apply(np.ones(2, "float32"), np.zeros(2, "float32"))
    built = SGD(weight_decay=0.5)
    built.build(2, "float32")
    with pytest.raises(ValueError, match="before"):
        built.exclude_from_weight_decay(var_names=["bias"])


# ----------------------------------------------------- registry and config
@pytest.mark.parametrize("cls", ALL)
def test_keras_names_resolve(cls):
    name = cls.__name__.lower()
    assert type(optimizers.get(name)) is cls
    assert type(optimizers.get(cls.__name__)) is cls
    assert optimizers.get(cls.__name__).name.startswith(name.replace("rmsprop", "rm_sprop").replace("adamw", "adam_w"))


@pytest.mark.parametrize("cls, options", WITH_OPTIONS)
def test_serialize_round_trip(cls, options):
    opt = cls(0.05, clipnorm=2.0, **options)
    restored = optimizers.deserialize(optimizers.serialize(opt))
    assert type(restored) is cls and restored.get_config() == opt.get_config()
    assert optimizers.get(optimizers.serialize(opt)).get_config() == opt.get_config()


def test_config_has_keras_keys_and_round_trips_a_schedule():
    opt = Adam(schedules.CosineDecay(0.1, 100), weight_decay=0.01)
    config = opt.get_config()
    assert list(config)[:11] == ["name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm",
                                 "clipvalue", "use_ema", "ema_momentum", "ema_overwrite_frequency",
                                 "loss_scale_factor", "gradient_accumulation_steps"]
    assert config["learning_rate"]["class_name"] == "CosineDecay"
    restored = Adam.from_config(config)
    assert isinstance(restored._learning_rate, schedules.CosineDecay)
    assert restored.get_config() == config


def test_get_passes_instances_and_none_through_and_rejects_the_rest():
    opt = Adam()
    assert optimizers.get(opt) is opt and optimizers.get(None) is None
    assert isinstance(optimizers.get(Adam), Adam)
    with pytest.raises(ValueError, match="Unknown optimizer: 'adamm'. Did you mean 'adam'"):
        optimizers.get("adamm")
    with pytest.raises(ValueError, match="Could not interpret"):
        optimizers.get(3)


def test_deserialize_reads_keras_dicts_and_custom_objects():
    keras_dict = {"module": "keras.optimizers", "class_name": "Adam", "registered_name": None,
                  "config": {"name": "adam", "learning_rate": 0.01, "beta_1": 0.8}}
    opt = optimizers.deserialize(keras_dict)
    assert isinstance(opt, Adam) and opt.beta_1 == 0.8

    class MySGD(SGD):
        pass

    assert type(optimizers.deserialize({"class_name": "MySGD", "config": {}}, {"MySGD": MySGD})) is MySGD


def test_unknown_and_unsupported_arguments():
    with pytest.raises(ValueError, match="not recognized"):
        Adam(betas=0.9)
    with pytest.raises(ValueError, match="use_ema"):
        Adam(use_ema=True)
    Adam(use_ema=False, ema_momentum=0.99, loss_scale_factor=None)  # Keras defaults are accepted


def test_keras_2_arguments():
    with pytest.warns(UserWarning, match="`decay`"):
        SGD(decay=1e-6)
    with pytest.warns(UserWarning, match="`lr`"):
        opt = SGD(lr=0.3)
    assert opt.learning_rate == 0.3


def test_base_class_has_no_update_rule():
    with pytest.raises(NotImplementedError):
        Optimizer().apply(np.zeros(1, "float32"), np.zeros(1, "float32"))


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Nadam",
                                  "Adamax", "Adadelta", "Lion"])
def test_a_step_allocates_nothing_of_the_parameters_size(name):
    import tracemalloc

    size = 100_000
    optimizer = getattr(optimizers, name)()
    values = np.ones(size, dtype="float32")
    grads = np.full(size, 0.5, dtype="float32")
    optimizer.apply(values, grads.copy())  # builds the slots and scratch arrays
    tracemalloc.start()
    optimizer.apply(values, grads)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < size  # bytes: far below one float32 array of the parameters' size


# ------------------------------------------------------- subnormal state
def test_without_flush_to_zero_the_state_loses_its_subnormal_values_every_few_steps(monkeypatch):
    from axone.utils import fpu

    monkeypatch.setattr(fpu, "_route", lambda: None)
    tiny = np.finfo(np.float32).tiny
    opt = Adam(0.1)
    values = np.zeros(6, dtype="float32")
    opt.apply(values, np.ones(6, dtype="float32"))
    start = {"momentum": [tiny / 4, -tiny / 8, 1e-30, np.nan, 0.5, tiny / 4],
             "velocity": [tiny / 2, 1.0, tiny / 3, 0.0, 0.25, tiny / 2]}
    for name, slot in opt.slots.items():
        slot[:] = start[name]
    zero = np.zeros(6, dtype="float32")
    for _ in range(opt.flush_every - 2):  # zero gradients: the moments only decay
        opt.apply(values, zero.copy(), [(0, 5)])
    assert (opt.slots["momentum"][[0, 1]] != 0).all()  # not yet: every flush_every steps
    opt.apply(values, zero.copy(), [(0, 5)])
    assert opt.iterations % opt.flush_every == 0
    m, v = opt.slots["momentum"], opt.slots["velocity"]
    assert (m[[0, 1]] == 0).all() and (v[[0, 2]] == 0).all()
    assert m[2] > 0 and np.isnan(m[3]) and m[4] > 0 and v[1] > 0 and v[4] > 0  # normal values stay
    assert m[5] == np.float32(tiny / 4) and v[5] == np.float32(tiny / 2)  # outside the ranges: untouched
