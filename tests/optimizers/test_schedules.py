import math

import pytest

from axone import optimizers
from axone.optimizers import schedules


def values_at(schedule, steps):
    return [schedule(step) for step in steps]


def test_exponential_decay():
    s = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert values_at(s, [0, 5, 10, 20]) == pytest.approx([0.1, 0.1 / math.sqrt(2), 0.05, 0.025])
    s = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    assert values_at(s, [0, 9, 10, 19, 20]) == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025])


def test_piecewise_constant_decay_boundaries_belong_to_the_left_interval():
    s = schedules.PiecewiseConstantDecay(boundaries=[10, 20], values=[1.0, 0.5, 0.1])
    assert values_at(s, [0, 10, 11, 20, 21, 1000]) == [1.0, 1.0, 0.5, 0.5, 0.1, 0.1]


def test_inverse_time_decay():
    s = schedules.InverseTimeDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert values_at(s, [0, 10, 15, 30]) == pytest.approx([0.1, 0.1 / 1.5, 0.1 / 1.75, 0.1 / 2.5])
    s = schedules.InverseTimeDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    assert values_at(s, [15, 20]) == pytest.approx([0.1 / 1.5, 0.1 / 2])


def test_polynomial_decay():
    s = schedules.PolynomialDecay(0.1, decay_steps=10)  # linear down to 0.0001, then flat
    assert values_at(s, [0, 5, 10, 50]) == pytest.approx([0.1, 0.05005, 0.0001, 0.0001])
    s = schedules.PolynomialDecay(1.0, decay_steps=10, end_learning_rate=0.0, power=2.0)
    assert s(5) == pytest.approx(0.25)


def test_polynomial_decay_cycle_stretches_the_period():
    s = schedules.PolynomialDecay(1.0, decay_steps=10, end_learning_rate=0.0, cycle=True)
    # step 15: period 20, p = 0.75; step 10: period 10, p = 1; step 0: period 10
    assert values_at(s, [0, 5, 10, 15]) == pytest.approx([1.0, 0.5, 0.0, 0.25])


def test_cosine_decay():
    s = schedules.CosineDecay(0.1, decay_steps=10)
    assert values_at(s, [0, 5, 10, 20]) == pytest.approx([0.1, 0.05, 0.0, 0.0], abs=1e-12)
    s = schedules.CosineDecay(0.1, decay_steps=10, alpha=0.2)
    assert values_at(s, [5, 10]) == pytest.approx([0.1 * (0.8 * 0.5 + 0.2), 0.02])


def test_cosine_decay_with_warmup():
    s = schedules.CosineDecay(0.0, decay_steps=10, warmup_target=0.2, warmup_steps=4)
    # linear 0 -> 0.2 over 4 steps, then cosine from 0.2 over 10 steps
    assert values_at(s, [0, 1, 4, 9, 14, 100]) == pytest.approx([0.0, 0.05, 0.2, 0.1, 0.0, 0.0], abs=1e-12)


def test_cosine_decay_restarts():
    s = schedules.CosineDecayRestarts(1.0, first_decay_steps=10, t_mul=2.0, m_mul=0.5)
    # periods [0, 10), [10, 30), [30, 70); each restart halves the peak
    assert values_at(s, [0, 5, 10, 20, 30, 50]) == pytest.approx([1.0, 0.5, 0.5, 0.25, 0.25, 0.125])
    s = schedules.CosineDecayRestarts(1.0, first_decay_steps=4, t_mul=1.0, alpha=0.5)
    assert values_at(s, [0, 2, 4, 6]) == pytest.approx([1.0, 0.75, 1.0, 0.75])


ALL = [
    schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True, name="e"),
    schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1]),
    schedules.InverseTimeDecay(0.1, 10, 0.5),
    schedules.PolynomialDecay(0.1, 10, 0.01, power=2.0, cycle=True),
    schedules.CosineDecay(0.1, 10, alpha=0.1, warmup_target=0.2, warmup_steps=5),
    schedules.CosineDecayRestarts(0.1, 10, t_mul=3.0, m_mul=0.9, alpha=0.1),
]


@pytest.mark.parametrize("schedule", ALL, ids=lambda s: type(s).__name__)
def test_serialize_round_trip(schedule):
    config = schedules.serialize(schedule)
    restored = schedules.deserialize(config)
    assert type(restored) is type(schedule) and restored.get_config() == schedule.get_config()
    assert values_at(restored, range(0, 60, 7)) == values_at(schedule, range(0, 60, 7))
    opt = optimizers.deserialize(optimizers.serialize(optimizers.SGD(schedule)))
    assert opt.learning_rate == schedule(0)


def test_deserialize_reads_keras_dicts_and_rejects_unknown_names():
    keras_dict = {"module": "keras.optimizers.schedules", "class_name": "ExponentialDecay",
                  "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5},
                  "registered_name": None}
    assert schedules.deserialize(keras_dict)(10) == pytest.approx(0.05)
    with pytest.raises(ValueError, match="Unknown learning rate schedule"):
        schedules.deserialize({"class_name": "Nope", "config": {}})


@pytest.mark.parametrize("make, arg", [
    (lambda: schedules.ExponentialDecay(0.1, 0, 0.5), "decay_steps=0"),
    (lambda: schedules.InverseTimeDecay(0.1, -1, 0.5), "decay_steps=-1"),
    (lambda: schedules.PolynomialDecay(0.1, 0), "decay_steps=0"),
    (lambda: schedules.CosineDecay(0.1, 0), "decay_steps=0"),
    (lambda: schedules.CosineDecay(0.1, 10, warmup_steps=-1), "warmup_steps=-1"),
    (lambda: schedules.CosineDecayRestarts(0.1, 0), "first_decay_steps=0"),
    (lambda: schedules.PiecewiseConstantDecay([10], [1.0]), "boundaries=\\[10\\]"),
    (lambda: schedules.PiecewiseConstantDecay([20, 10], [1.0, 0.5, 0.1]), "boundaries=\\[20, 10\\]"),
])
def test_bad_arguments(make, arg):
    with pytest.raises(ValueError, match=arg):
        make()


def test_a_custom_schedule_must_define_call_and_config():
    class Half(schedules.LearningRateSchedule):
        def __call__(self, step):
            return 0.5

    assert optimizers.SGD(Half()).learning_rate == 0.5
    with pytest.raises(NotImplementedError, match="get_config"):
        Half().get_config()
