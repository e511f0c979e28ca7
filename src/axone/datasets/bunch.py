"""`Bunch`: the dictionary with attribute access that scikit-learn's loaders return."""

from __future__ import annotations


class Bunch(dict):
    """A dict whose keys are also attributes: `b.data is b["data"]`.

    The same contract as `sklearn.utils.Bunch`, so code written for
    scikit-learn's `load_*` / `fetch_*` results runs unchanged.
    """

    def __init__(self, **kwargs):
        super().__init__(kwargs)

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key, value):
        self[key] = value

    def __delattr__(self, key):
        try:
            del self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __dir__(self):
        return list(self.keys())


def as_frames(data, target, feature_names, target_name):
    """`(DataFrame of features, Series target, DataFrame of both)`: scikit-learn's `as_frame` form."""
    try:
        import pandas as pd
    except ImportError:
        raise ImportError('as_frame=True needs pandas: pip install "axone[pandas]"') from None
    frame = pd.DataFrame(data, columns=list(feature_names))
    frame[target_name] = target
    return frame[list(feature_names)], frame[target_name], frame


