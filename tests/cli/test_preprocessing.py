"""`TablePreprocessor`: the task found, encodings learned once and replayed from JSON."""

import numpy as np
import pytest

from axone.cli.preprocessing import PreprocessingError, TablePreprocessor, detect_task

pd = pytest.importorskip("pandas")


@pytest.mark.parametrize("values, task", [
    (["a", "b", "a"], "classification"),
    ([True, False, True], "classification"),
    ([0, 1, 2, 1] * 5, "classification"),
    ([1.0, 2.0, 1.0], "classification"),  # integral floats with few values
    (list(range(100)), "regression"),
    ([0.5, 1.5, 2.25], "regression"),
])
def test_detect_task(values, task):
    assert detect_task(pd.Series(values))[0] == task


def test_encodings_round_trip_through_json(tmp_path):
    train = pd.DataFrame({"size": [1.0, 2.0, 3.0, 6.0], "city": ["b", "a", "b", "c"],
                          "y": [10.0, 20.0, 30.0, 60.0]})
    prep = TablePreprocessor("y", "regression").fit(train)
    assert prep.input_names == ["size", "city=a", "city=b", "city=c"]
    x = prep.transform(train)
    np.testing.assert_allclose(x[:, 0], (train["size"] - 3.0) / np.std(train["size"]), rtol=1e-6)
    np.testing.assert_array_equal(x[:, 1:], [[0, 1, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
    np.testing.assert_allclose(prep.encode_target(train["y"]).ravel(),
                               (train["y"] - 30) / np.std(train["y"]), rtol=1e-6)
    prep.save(tmp_path / "preprocessing.json")
    again = TablePreprocessor.load(tmp_path / "preprocessing.json")
    new = pd.DataFrame({"city": ["c", "z"], "size": [3.0, 0.0]})  # any column order
    np.testing.assert_array_equal(again.transform(new), prep.transform(new))
    assert again.transform(new)[1, 1:].tolist() == [0, 0, 0]  # an unseen city: all zeros


def test_classes_keep_their_labels():
    prep = TablePreprocessor("label", "classification").fit(
        pd.DataFrame({"x": [1, 2, 3], "label": ["no", "yes", "no"]}))
    assert prep.classes == ["no", "yes"]
    assert prep.encode_target(pd.Series(["yes", "no"])).tolist() == [1, 0]
    assert prep.decode_classes([1, 1, 0]) == ["yes", "yes", "no"]


def test_bad_input_is_named(tmp_path):
    prep = TablePreprocessor("y", "regression").fit(pd.DataFrame({"x": [1.0, 2.0], "y": [1.0, 3.0]}))
    with pytest.raises(PreprocessingError, match="column 'x' holds text"):
        prep.transform(pd.DataFrame({"x": ["a", "b"]}))
    with pytest.raises(PreprocessingError, match="lacks the column"):
        prep.transform(pd.DataFrame({"z": [1.0]}))
    (tmp_path / "p.json").write_text('{"format_version": 1, "task": "regression"}')
    with pytest.raises(PreprocessingError, match="not a preprocessing file"):
        TablePreprocessor.load(tmp_path / "p.json")
    with pytest.raises(ValueError, match="Received: task='cluster'"):
        TablePreprocessor("y", "cluster")
