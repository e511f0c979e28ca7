import json
import math
import os

import numpy as np
import pytest

from axone import backend, initializers
from axone.initializers import (Constant, GlorotNormal, GlorotUniform, HeNormal, HeUniform,
                                Identity, LecunNormal, LecunUniform, Ones, Orthogonal,
                                RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling,
                                Zeros, compute_fans)

CLASSES = sorted({cls for cls in initializers._REGISTRY.values()}, key=lambda cls: cls.__name__)
RANDOM = [cls for cls in CLASSES if issubclass(cls, initializers.RandomInitializer)]
LARGE = (500, 400)  # 200,000 samples: standard errors near 0.2 % of the stddev
TRUNCATED_STD = 0.87962566103423978  # stddev of a unit normal cut at +-2


def _assert_std(values, expected, rel=0.01):
    assert values.std() == pytest.approx(expected, rel=rel)


# ------------------------------------------------------------- shapes, dtypes
@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_shape_and_default_float32(cls):
    values = cls()((30, 20))
    assert isinstance(values, np.ndarray) and values.shape == (30, 20)
    assert values.dtype == np.float32


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_dtype_argument_and_floatx(cls):
    assert cls()((4, 3), dtype="float64").dtype == np.float64
    backend.set_floatx("float64")
    assert cls()((4, 3)).dtype == np.float64


@pytest.mark.parametrize("cls", RANDOM, ids=lambda cls: cls.__name__)
def test_convolution_kernel_shape(cls):
    assert cls(seed=0)((3, 3, 2, 8)).shape == (3, 3, 2, 8)


@pytest.mark.parametrize("cls", [cls for cls in RANDOM if cls is not Orthogonal],
                         ids=lambda cls: cls.__name__)
def test_scalar_shape_gives_0d_array(cls):
    values = cls(seed=0)(())
    assert isinstance(values, np.ndarray) and values.shape == () and values.dtype == np.float32


# ------------------------------------------------------------------- fans
@pytest.mark.parametrize("shape, fans", [
    ((), (1, 1)),
    ((7,), (7, 7)),
    ((5, 3), (5, 3)),
    ((3, 3, 16, 32), (3 * 3 * 16, 3 * 3 * 32)),  # receptive field times channels
    ((4, 6, 10), (4 * 6, 4 * 10)),
])
def test_compute_fans(shape, fans):
    assert compute_fans(shape) == fans


def test_compute_fans_with_explicit_axes():
    assert compute_fans((3, 4, 5), input_axes=[0, 1], output_axes=[2]) == (12, 5)
    assert compute_fans((3, 4, 5), input_axes=[0], output_axes=None) == (12, 15)  # both needed


# ------------------------------------------------------------- statistics
def test_random_normal_statistics():
    values = RandomNormal(mean=1.0, stddev=2.0, seed=3)(LARGE, dtype="float64")
    assert values.mean() == pytest.approx(1.0, abs=0.025)  # 5 standard errors
    _assert_std(values, 2.0)


def test_random_normal_defaults_as_keras():
    config = RandomNormal().get_config()
    assert (config["mean"], config["stddev"], config["seed"]) == (0.0, 0.05, None)
    _assert_std(RandomNormal(seed=0)(LARGE), 0.05)


def test_random_uniform_statistics_and_bounds():
    values = RandomUniform(minval=-1.0, maxval=3.0, seed=3)(LARGE, dtype="float64")
    assert values.min() >= -1.0 and values.max() < 3.0
    assert values.min() < -0.99 and values.max() > 2.99  # fills the whole interval
    assert values.mean() == pytest.approx(1.0, abs=0.015)
    _assert_std(values, 4.0 / math.sqrt(12.0))
    default = RandomUniform(seed=0)(LARGE)
    assert default.min() >= -0.05 and default.max() <= 0.05 and default.max() > 0.0499


def test_truncated_normal_statistics_and_bounds():
    values = TruncatedNormal(mean=0.5, stddev=0.1, seed=3)(LARGE, dtype="float64")
    assert values.min() >= 0.3 and values.max() <= 0.7  # two standard deviations
    assert values.min() < 0.301 and values.max() > 0.699
    assert values.mean() == pytest.approx(0.5, abs=0.001)
    _assert_std(values, 0.1 * TRUNCATED_STD)
    assert np.abs(TruncatedNormal(seed=0)(LARGE)).max() <= 0.1  # default stddev 0.05


def test_truncation_constant_is_the_truncated_unit_normal_stddev():
    # Var of N(0, 1) restricted to [-2, 2]: 1 - 2 * 2 * pdf(2) / (cdf(2) - cdf(-2)).
    pdf = math.exp(-2.0) / math.sqrt(2.0 * math.pi)
    mass = math.erf(2.0 / math.sqrt(2.0))
    assert initializers._TRUNCATED_NORMAL_STDDEV == pytest.approx(math.sqrt(1.0 - 4.0 * pdf / mass),
                                                                 rel=1e-15)


@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
@pytest.mark.parametrize("distribution", ["truncated_normal", "untruncated_normal", "uniform"])
def test_variance_scaling_variance(mode, distribution):
    shape = (400, 125, 4)  # fan_in = 400 * 125, fan_out = 400 * 4
    fan_in, fan_out = 50_000, 1600
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    values = VarianceScaling(3.0, mode, distribution, seed=5)(shape, dtype="float64")
    stddev = math.sqrt(3.0 / n)
    assert values.mean() == pytest.approx(0.0, abs=5 * stddev / math.sqrt(values.size))
    _assert_std(values, stddev)
    if distribution == "uniform":
        limit = math.sqrt(3.0) * stddev
        assert np.abs(values).max() <= limit and np.abs(values).max() > 0.999 * limit
    elif distribution == "truncated_normal":
        bound = 2.0 * stddev / TRUNCATED_STD
        assert np.abs(values).max() <= bound and np.abs(values).max() > 0.99 * bound


def test_variance_scaling_on_1d_and_empty_shapes():
    size = LARGE[0] * LARGE[1]  # a 1-D shape (n,) has fan_in = fan_out = n
    values = VarianceScaling(4.0, "fan_in", "untruncated_normal", seed=0)((size,))
    _assert_std(values, math.sqrt(4.0 / size))
    # An empty shape has fan 0, counted as 1 (as in Keras): no division by zero.
    assert VarianceScaling(4.0, "fan_in", "uniform", seed=0)((0, 5)).shape == (0, 5)


def test_variance_scaling_defaults_and_normal_alias():
    default = VarianceScaling()
    assert (default.scale, default.mode, default.distribution) == (1.0, "fan_in", "truncated_normal")
    assert VarianceScaling(distribution="normal").distribution == "truncated_normal"
    assert VarianceScaling(distribution="Uniform").distribution == "uniform"


@pytest.mark.parametrize("cls, stddev, uniform", [
    (GlorotUniform, math.sqrt(2.0 / (200 + 300)), True),
    (GlorotNormal, math.sqrt(2.0 / (200 + 300)), False),
    (HeUniform, math.sqrt(2.0 / 200), True),
    (HeNormal, math.sqrt(2.0 / 200), False),
    (LecunUniform, math.sqrt(1.0 / 200), True),
    (LecunNormal, math.sqrt(1.0 / 200), False),
])
def test_named_variance_scaling_formulas(cls, stddev, uniform):
    values = cls(seed=11)((200, 300), dtype="float64")
    _assert_std(values, stddev)
    if uniform:  # e.g. Glorot's limit sqrt(6 / (fan_in + fan_out))
        assert np.abs(values).max() <= math.sqrt(3.0) * stddev
    else:  # truncated at two pre-truncation standard deviations
        assert np.abs(values).max() <= 2.0 * stddev / TRUNCATED_STD


def test_glorot_uniform_limit():
    values = GlorotUniform(seed=0)((60, 40), dtype="float64")
    limit = math.sqrt(6.0 / (60 + 40))
    assert np.abs(values).max() <= limit and np.abs(values).max() > 0.99 * limit


def test_constant_zeros_ones():
    np.testing.assert_array_equal(Constant(2.5)((2, 3)), np.full((2, 3), 2.5))
    np.testing.assert_array_equal(Constant()((2,)), [0.0, 0.0])
    np.testing.assert_array_equal(Zeros()((2, 2)), np.zeros((2, 2)))
    np.testing.assert_array_equal(Ones()((3,)), np.ones(3))
    assert Constant(np.float32(1.5)).get_config() == {"value": 1.5}  # JSON-ready


def test_identity():
    np.testing.assert_array_equal(Identity()((3, 3)), np.eye(3))
    np.testing.assert_array_equal(Identity(gain=2.0)((2, 4)), 2.0 * np.eye(2, 4))


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (5, 5), (2, 3, 4), (3, 3, 2, 8)])
def test_orthogonal(shape):
    values = Orthogonal(gain=1.5, seed=2)(shape, dtype="float64")
    assert values.shape == shape
    matrix = values.reshape(-1, shape[-1])
    gram = matrix.T @ matrix if matrix.shape[0] >= matrix.shape[1] else matrix @ matrix.T
    np.testing.assert_allclose(gram, 1.5 ** 2 * np.eye(len(gram)), atol=1e-12)


# ------------------------------------------------------------- randomness
@pytest.mark.parametrize("cls", RANDOM, ids=lambda cls: cls.__name__)
def test_seeded_initializer_repeats_its_values(cls):
    init = cls(seed=42)
    first = init((20, 10))
    np.testing.assert_array_equal(first, init((20, 10)))  # same values on every call
    np.testing.assert_array_equal(first, cls(seed=42)((20, 10)))
    assert not np.array_equal(first, cls(seed=43)((20, 10)))


@pytest.mark.parametrize("cls", RANDOM, ids=lambda cls: cls.__name__)
def test_unseeded_initializer_follows_numpy_global_seed(cls):
    init = cls()
    np.random.seed(7)
    first, second = init((20, 10)), init((20, 10))
    assert not np.array_equal(first, second)  # fresh values on each call
    np.random.seed(7)
    np.testing.assert_array_equal(first, init((20, 10)))
    np.testing.assert_array_equal(second, cls()((20, 10)))


# ------------------------------------------------------------- arguments
@pytest.mark.parametrize("make, match", [
    (lambda: VarianceScaling(scale=-1.0), r"scale=-1\.0"),
    (lambda: VarianceScaling(scale=0.0), r"scale=0\.0"),
    (lambda: VarianceScaling(mode="fan_max"), "mode='fan_max'"),
    (lambda: VarianceScaling(distribution="gamma"), "distribution='gamma'"),
    (lambda: RandomNormal(stddev=-0.1), r"stddev=-0\.1"),
    (lambda: TruncatedNormal(stddev=float("nan")), "stddev=nan"),
    (lambda: RandomUniform(minval=1.0, maxval=0.0), r"minval=1\.0, maxval=0\.0"),
    (lambda: GlorotUniform(seed="1"), "seed='1'"),
    (lambda: RandomNormal(seed=1.5), r"seed=1\.5"),
    (lambda: HeNormal(seed=True), "seed=True"),
    (lambda: Orthogonal()((5,)), r"shape=\(5,\)"),
    (lambda: Identity()((2, 2, 2)), r"shape=\(2, 2, 2\)"),
])
def test_bad_arguments_raise_value_error_with_received_value(make, match):
    with pytest.raises(ValueError, match=match):
        make()


# -------------------------------------------------------- names and config
@pytest.mark.parametrize("name, cls", [
    ("glorot_uniform", GlorotUniform), ("GlorotUniform", GlorotUniform), ("zeros", Zeros),
    ("he_normal", HeNormal), ("variance_scaling", VarianceScaling), ("orthogonal", Orthogonal),
    ("normal", RandomNormal), ("uniform", RandomUniform), ("one", Ones), ("zero", Zeros),
    ("identity", Identity), ("OrthogonalInitializer", Orthogonal),
])
def test_get_by_name(name, cls):
    assert type(initializers.get(name)) is cls


def test_function_style_names():
    assert initializers.glorot_uniform is GlorotUniform
    assert isinstance(initializers.he_normal(seed=1), HeNormal)


def test_unknown_name_suggests_close_names():
    with pytest.raises(ValueError, match="Unknown initializer: 'glorot_unifrom'") as info:
        initializers.get("glorot_unifrom")
    assert "Did you mean 'glorot_uniform'" in str(info.value)


def test_get_other_identifiers():
    init = HeNormal(seed=1)
    assert initializers.get(init) is init
    assert type(initializers.get(LecunUniform)) is LecunUniform

    def halves(shape, dtype=None):
        return np.full(shape, 0.5, dtype=dtype)

    assert initializers.get(halves) is halves
    with pytest.raises(ValueError, match="None"):
        initializers.get(None)
    with pytest.raises(ValueError, match="Could not interpret initializer identifier: 5"):
        initializers.get(5)


def test_array_as_initializer():
    array = np.arange(6.0).reshape(2, 3)
    init = initializers.get(array)
    values = init((2, 3))
    np.testing.assert_array_equal(values, array)
    assert values.dtype == np.float32 and values is not array
    with pytest.raises(ValueError, match=r"Received: shape=\(3, 2\)"):
        init((3, 2))


@pytest.mark.parametrize("init", [
    Zeros(), Ones(), Constant(0.3), Identity(gain=2.0), RandomNormal(0.1, 0.2, seed=1),
    RandomUniform(-0.3, 0.4, seed=2), TruncatedNormal(0.0, 0.5, seed=3),
    VarianceScaling(2.0, "fan_avg", "uniform", seed=4), VarianceScaling(input_axes=[0], output_axes=[1]),
    GlorotUniform(seed=5), GlorotNormal(), HeNormal(seed=6), HeUniform(), LecunNormal(),
    LecunUniform(seed=7), Orthogonal(gain=0.5, seed=8),
], ids=repr)
def test_serialize_round_trip(init):
    config = json.loads(json.dumps(initializers.serialize(init)))
    restored = initializers.deserialize(config)
    assert type(restored) is type(init) and restored.get_config() == init.get_config()
    assert type(init.clone()) is type(init) and init.clone() is not init
    if getattr(init, "seed", 0) is not None:  # constants and seeded ones give the same values
        np.testing.assert_array_equal(restored((6, 5)), init((6, 5)))


def test_serialize_rejects_plain_functions():
    with pytest.raises(ValueError, match="only Initializer instances"):
        initializers.serialize(lambda shape, dtype=None: np.zeros(shape))


# ------------------------------------------------------------------ Keras
def test_configs_and_fans_match_keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    from keras.src.initializers.random_initializers import compute_fans as keras_fans

    for shape in [(), (5,), (3, 4), (3, 3, 2, 8), (2, 3, 4, 5, 6)]:
        assert compute_fans(shape) == keras_fans(shape)
    for name in ["GlorotUniform", "GlorotNormal", "HeNormal", "HeUniform", "LecunNormal",
                 "LecunUniform", "RandomNormal", "RandomUniform", "TruncatedNormal",
                 "VarianceScaling", "Constant", "Zeros", "Ones", "Orthogonal"]:
        theirs = getattr(keras.initializers, name)().get_config()
        ours = getattr(initializers, name)().get_config()
        assert set(ours) == set(theirs), name
        assert {k: v for k, v in ours.items() if k != "seed"} == \
               {k: v for k, v in theirs.items() if k != "seed"}, name
