"""`axone predict`: the input columns plus the prediction, labels as in the training file."""

import numpy as np
import pytest
from cli_helpers import assert_usage_error, axone, houses_frame, pd, tumors_frame


def test_regression_predictions_on_new_rows(houses_run, tmp_path):
    out, _ = houses_run
    new = houses_frame(n=50, seed=9)
    new_csv = tmp_path / "new.csv"
    new.drop(columns="price").to_csv(new_csv, index=False)  # no target needed
    result = axone("predict", out, new_csv, "--out", tmp_path / "preds.csv")
    assert result.status == 0, result.err
    predicted = pd.read_csv(tmp_path / "preds.csv")
    assert list(predicted.columns) == ["size", "nb_room", "city", "predicted_price"]
    pd.testing.assert_frame_equal(predicted.drop(columns="predicted_price"),
                                  new.drop(columns="price"))
    # In the file's units (the target scaling is folded into the network).
    error = predicted["predicted_price"] - new["price"]
    assert np.sqrt(np.mean(error ** 2)) < 0.2 * new["price"].std()


def test_class_labels_and_probabilities_to_stdout(tumors_run, tmp_path):
    out, _ = tumors_run
    new_csv = tmp_path / "new.csv"
    tumors_frame(n=40, seed=5).to_csv(new_csv, index=False)
    result = axone("predict", out / "model.keras", new_csv, "--proba")
    assert result.status == 0, result.err
    from io import StringIO
    predicted = pd.read_csv(StringIO(result.out))
    assert list(predicted.columns)[-3:] == ["predicted_label", "proba_benign", "proba_malignant"]
    assert set(predicted["predicted_label"]) <= {"benign", "malignant"}
    np.testing.assert_allclose(predicted[["proba_benign", "proba_malignant"]].sum(axis=1), 1, atol=1e-5)
    by_proba = np.where(predicted["proba_malignant"] > 0.5, "malignant", "benign")
    assert (by_proba == predicted["predicted_label"]).all()
    assert (predicted["predicted_label"] == predicted["label"]).mean() > 0.75


def test_prediction_mistakes_are_one_line(houses_run, houses_csv, tmp_path):
    out, _ = houses_run
    lacking = tmp_path / "lacking.csv"
    houses_frame(n=10).drop(columns="city").to_csv(lacking, index=False)
    assert_usage_error(axone("predict", out, lacking), "lacks the column(s) 'city'")
    gaps = tmp_path / "gaps.csv"
    frame = houses_frame(n=10)
    frame.loc[3, "size"] = np.nan
    frame.to_csv(gaps, index=False)
    assert_usage_error(axone("predict", out, gaps), "column 'size' at row 4", "--dropna")
    result = axone("predict", out, gaps, "--dropna")
    assert result.status == 0 and len(pd.read_csv(__import__("io").StringIO(result.out))) == 9
    assert_usage_error(axone("predict", out, houses_csv, "--proba"), "--proba needs a classifier")
    assert_usage_error(axone("predict", tmp_path / "no-model", houses_csv), "no such model")
    assert_usage_error(axone("predict", out, tmp_path / "none.csv"), "no such file")


@pytest.mark.parametrize("damage", ["not a model", "truncated", "no model", "no preprocessing"])
def test_a_file_that_is_not_a_model(houses_run, houses_csv, tmp_path, damage):
    import shutil
    broken = tmp_path / "broken"
    shutil.copytree(houses_run[0], broken)
    model = broken / "model.keras"
    if damage == "not a model":
        model.write_text("price,size\n1,2\n")
        expected = "model.keras is not an axone model file"
    elif damage == "truncated":
        model.write_bytes(model.read_bytes()[: model.stat().st_size // 2])
        expected = "model.keras is not an axone model file"
    elif damage == "no model":
        model.unlink()
        expected = "holds no model.keras"
    else:
        (broken / "preprocessing.json").unlink()
        expected = "preprocessing.json is missing"
    assert_usage_error(axone("predict", broken, houses_csv), expected)


def test_the_saved_model_predicts_alone_in_the_files_units(houses_run, houses_csv):
    import axone
    from axone.cli.preprocessing import TablePreprocessor
    out, _ = houses_run
    model = axone.models.load_model(out / "model.keras")
    prep = TablePreprocessor.load(out / "preprocessing.json")
    frame = pd.read_csv(houses_csv).head(20)
    through_cli = pd.read_csv(__import__("io").StringIO(axone_run_predict(out, houses_csv)))
    np.testing.assert_allclose(model.predict(prep.transform(frame), verbose=0)[:, 0],
                               through_cli["predicted_price"].head(20), rtol=1e-5)


def axone_run_predict(out, data) -> str:
    result = axone("predict", out, data)
    assert result.status == 0, result.err
    return result.out
