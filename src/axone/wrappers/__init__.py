"""axone models as scikit-learn estimators, scikeras-compatible (needs `axone[sklearn]`).

    from axone.wrappers import KerasClassifier, KerasRegressor
    keras_reg = KerasRegressor(build_model, epochs=20)   # a function returning a model
    GridSearchCV(keras_reg, {"model__n_hidden": [1, 2]}, cv=3, n_jobs=-1).fit(X, y)
"""

from axone.utils.optional import import_optional

import_optional("sklearn", "sklearn", "axone.wrappers")
import_optional("h5py", "sklearn", "axone.wrappers")

from axone.wrappers.base import BaseWrapper  # noqa: E402
from axone.wrappers.classifier import KerasClassifier  # noqa: E402
from axone.wrappers.regressor import KerasRegressor  # noqa: E402

__all__ = ["BaseWrapper", "KerasClassifier", "KerasRegressor"]
