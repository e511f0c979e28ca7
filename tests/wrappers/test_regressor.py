"""KerasRegressor: single and multi-output targets, R² score, scikit-learn's meta-estimators."""

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.compose import TransformedTargetRegressor  # noqa: E402
from sklearn.datasets import make_regression  # noqa: E402
from sklearn.ensemble import StackingRegressor  # noqa: E402
from sklearn.linear_model import Ridge  # noqa: E402
from sklearn.metrics import r2_score  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from axone.wrappers import KerasRegressor  # noqa: E402
from builders import regressor_model, small_regressor  # noqa: E402

X, Y2 = make_regression(n_samples=200, n_features=5, n_targets=2, noise=1.0, random_state=0)
X = StandardScaler().fit_transform(X)
Y2 = Y2 / Y2.std(0)
Y = Y2[:, 0]


def test_single_output():
    reg = small_regressor(epochs=30).fit(X, Y)
    assert reg.target_type_ == "continuous" and reg.n_outputs_ == 1
    predicted = reg.predict(X)
    assert predicted.shape == (200,) and predicted.dtype == np.float64
    assert reg.score(X, Y) == pytest.approx(r2_score(Y, predicted))
    assert reg.score(X, Y) > 0.9
    assert reg.model_._compile_args["loss"] == "mse"


def test_multi_output():
    reg = small_regressor(epochs=30).fit(X, Y2)
    assert reg.target_type_ == "continuous-multioutput" and reg.n_outputs_ == 2
    assert reg.predict(X).shape == (200, 2)
    assert reg.score(X, Y2) > 0.9


def test_output_units_must_match_the_targets():
    with pytest.raises(ValueError, match="2 column"):
        KerasRegressor(lambda meta: regressor_model({**meta, "n_outputs_": 1}), verbose=0).fit(X, Y2)


def test_transformed_target_and_stacking():
    shifted = Y * 100 + 1000
    plain = small_regressor(epochs=30).fit(X, shifted)
    scaled = TransformedTargetRegressor(regressor=small_regressor(epochs=30), transformer=StandardScaler())
    scaled.fit(X, shifted)
    assert scaled.score(X, shifted) > 0.9 > plain.score(X, shifted)

    stack = StackingRegressor([("net", small_regressor(epochs=30)), ("ridge", Ridge())], final_estimator=Ridge(),
                              cv=2)
    assert stack.fit(X, Y).score(X, Y) > 0.9
