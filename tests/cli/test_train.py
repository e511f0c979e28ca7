"""`axone train`: the task found, the model measured against a baseline, the files written."""

import json

import numpy as np
import pytest
from axone.models import load_model
from cli_helpers import assert_usage_error, axone, pd

REPORT_KEYS = {"task", "target", "features", "test_metrics", "baseline_metrics", "epochs_run",
               "history"}


def test_unscaled_regression_with_a_text_column_beats_the_mean_by_far(houses_run):
    out, result = houses_run
    assert "task: regression" in result.out
    report = json.loads((out / "report.json").read_text())
    assert REPORT_KEYS <= set(report)
    assert report["task"] == "regression" and report["target"] == "price"
    assert report["features"] == ["size", "nb_room", "city"]
    # The city is one-hot encoded: three inputs of its own.
    assert report["inputs"] == ["size", "nb_room", "city=Lyon", "city=Nantes", "city=Paris"]
    test, baseline = report["test_metrics"], report["baseline_metrics"]
    assert test["mse"] < 0.05 * baseline["mse"]  # the mean guess is 20 times worse at least
    assert test["r2"] > 0.95 and abs(baseline["r2"]) < 0.1
    assert 1 <= report["epochs_run"] <= 80
    assert len(report["history"]["val_loss"]) == report["epochs_run"]
    assert (out / "learning_curves.png").read_bytes()[:4] == b"\x89PNG"
    prep = json.loads((out / "preprocessing.json").read_text())
    assert prep["categorical"] == {"city": ["Lyon", "Nantes", "Paris"]}
    assert set(prep["numeric"]) == {"size", "nb_room"}
    assert not list(out.glob("*.tmp*"))  # every file renamed into place


def test_text_labels_reach_logistic_regression_accuracy(tumors_run, tumors_csv):
    sklearn = pytest.importorskip("sklearn")  # noqa: F841
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from axone.cli.train import split_rows
    out, result = tumors_run
    assert "task: classification (the target is text (2 labels))" in result.out
    report = json.loads((out / "report.json").read_text())
    frame = pd.read_csv(tumors_csv)
    train, val, test = split_rows(len(frame), 0.2, 0.2, 42, frame["label"])  # the defaults
    x, labels = frame[["size", "p53_concentration"]].to_numpy(), frame["label"].to_numpy()
    fit_rows = np.concatenate([train, val])
    logistic = make_pipeline(StandardScaler(), LogisticRegression()).fit(x[fit_rows], labels[fit_rows])
    assert report["test_metrics"]["accuracy"] >= logistic.score(x[test], labels[test])
    majority = (labels[test] == "benign").mean()
    assert report["baseline_metrics"]["accuracy"] == pytest.approx(majority)
    prep = json.loads((out / "preprocessing.json").read_text())
    assert prep["classes"] == ["benign", "malignant"]


def test_early_stopping_and_the_options(tmp_path, houses_csv):
    out = tmp_path / "run"
    result = axone("train", houses_csv, "--target", "price", "--task", "regression",
                   "--hidden", "8", "--activation", "tanh", "--optimizer", "sgd", "--lr", "0.05",
                   "--epochs", "300", "--patience", "2", "--batch-size", "64", "--seed", "3",
                   "--validation-split", "0.25", "--test-split", "0.1", "--drop", "nb_room",
                   "--out", out)
    assert result.status == 0, result.err
    report = json.loads((out / "report.json").read_text())
    assert report["epochs_run"] < 300  # the validation loss stopped improving
    assert report["features"] == ["size", "city"]
    assert report["rows"] == {"train": 338, "validation": 112, "test": 50}
    assert "Epoch 1/300" in result.out and "Total params" in result.out
    model = load_model(out / "model.keras")
    assert [layer.units for layer in model.layers] == [8, 1]
    assert model.layers[0].activation.name == "tanh"


def test_the_same_seed_gives_the_same_model(tmp_path, tumors_csv):
    runs = []
    for name in ("a", "b"):
        result = axone("train", tumors_csv, "--target", "label", "--epochs", "5", "-q",
                       "--seed", "7", "--out", tmp_path / name)
        assert result.status == 0, result.err
        runs.append(load_model(tmp_path / name / "model.keras").get_weights())
    for first, second in zip(*runs):
        np.testing.assert_array_equal(first, second)


def test_few_integer_values_are_classes_and_no_scale_is_recorded(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200) * 100})
    frame["grade"] = (frame["a"] > 0).astype(int) + (frame["b"] > 50).astype(int)
    path = tmp_path / "grades.csv"
    frame.to_csv(path, index=False)
    result = axone("train", path, "--target", "grade", "--epochs", "3", "-q", "--no-scale",
                   "--out", tmp_path / "run")
    assert result.status == 0, result.err
    assert "classification (the target has 3 integer values)" in result.out
    prep = json.loads((tmp_path / "run" / "preprocessing.json").read_text())
    assert prep["classes"] == [0, 1, 2] and prep["scale"] is False
    assert prep["numeric"]["b"] == {"mean": 0.0, "std": 1.0}


def test_dropna_drops_the_rows_it_names(tmp_path):
    frame = pd.DataFrame({"x": np.arange(60.0), "y": np.arange(60.0) * 2})
    frame.loc[[4, 9], "x"] = np.nan
    path = tmp_path / "gaps.csv"
    frame.to_csv(path, index=False)
    result = axone("train", path, "--target", "y", "--epochs", "2", "-q", "--out", tmp_path / "r")
    assert_usage_error(result, "missing values", "column 'x' at rows 5, 10", "--dropna")
    assert not (tmp_path / "r").exists()  # nothing written by a failed call
    result = axone("train", path, "--target", "y", "--epochs", "2", "-q", "--dropna",
                   "--out", tmp_path / "r")
    assert result.status == 0, result.err
    assert "dropped 2 row(s)" in result.out


@pytest.mark.parametrize("args, fragments", [
    (["--target", "prise"], ["unknown column 'prise'", "did you mean 'price'?"]),
    (["--target", "price", "--drop", "cty"], ["--drop", "did you mean 'city'?"]),
    (["--target", "price", "--hidden", "30,x"], ["--hidden expects sizes like 30,15"]),
    (["--target", "price", "--epochs", "0"], ["--epochs must be positive. Received: 0"]),
    (["--target", "price", "--test-split", "1.5"], ["--test-split must lie strictly between"]),
    (["--target", "price", "--optimizer", "adm"], ["--optimizer", "Did you mean 'adam'"]),
    (["--target", "price", "--activation", "rel"], ["--activation", "Did you mean 'relu'"]),
    (["--target", "city", "--task", "regression"], ["holds text", "--task classification"]),
])
def test_option_mistakes_are_one_line(houses_csv, tmp_path, args, fragments):
    assert_usage_error(axone("train", houses_csv, *args, "--out", tmp_path / "r"), *fragments)
    assert not (tmp_path / "r").exists()


def test_data_mistakes_are_one_line(tmp_path):
    assert_usage_error(axone("train", tmp_path / "nope.csv", "--target", "y"),
                       "no such file:", "nope.csv")
    constant = tmp_path / "constant.csv"
    pd.DataFrame({"x": range(30), "y": [3] * 30}).to_csv(constant, index=False)
    assert_usage_error(axone("train", constant, "--target", "y"),
                       "the target 'y' has a single value (3)", "nothing to learn")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert_usage_error(axone("train", empty, "--target", "y"), "cannot read", "empty.csv")
    tiny = tmp_path / "tiny.csv"
    pd.DataFrame({"x": [1, 2, 3], "y": [1.5, 2.5, 0.5]}).to_csv(tiny, index=False)
    assert_usage_error(axone("train", tiny, "--target", "y"), "3 rows are too few")


def test_ctrl_c_stops_cleanly_and_writes_nothing(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    big = tmp_path / "big.csv"
    frame = pd.concat([pd.read_csv(path) for path in [_houses(tmp_path)]] * 20, ignore_index=True)
    frame.to_csv(big, index=False)
    out = tmp_path / "run"
    process = subprocess.Popen(
        [sys.executable, "-m", "axone", "train", big, "--target", "price", "--epochs", "1000",
         "--patience", "1000", "--out", out], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env={**os.environ, "PYTHONUNBUFFERED": "1", "MPLBACKEND": "Agg"})
    for line in process.stdout:  # wait until training runs
        if "Epoch 2/1000" in line:
            break
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert err.strip().splitlines()[-1] == "axone train: interrupted: training stopped, nothing was written"
    assert "Traceback" not in err
    assert not out.exists()


def _houses(tmp_path):
    from cli_helpers import houses_frame
    path = tmp_path / "houses.csv"
    houses_frame().to_csv(path, index=False)
    return path


def test_tsv_semicolons_and_parquet(tmp_path):
    from cli_helpers import houses_frame
    frame = houses_frame(n=200)
    frame.to_csv(tmp_path / "h.tsv", sep="\t", index=False)
    frame.to_csv(tmp_path / "h.csv", sep=";", index=False)
    for name in ("h.tsv", "h.csv"):
        result = axone("train", tmp_path / name, "--target", "price", "--epochs", "2", "-q",
                       "--out", tmp_path / f"run-{name}")
        assert result.status == 0, result.err
        report = json.loads((tmp_path / f"run-{name}" / "report.json").read_text())
        assert report["features"] == ["size", "nb_room", "city"]
    try:
        frame.to_parquet(tmp_path / "h.parquet")
    except ImportError:  # no pyarrow: the command says what is missing, in one line
        (tmp_path / "h.parquet").write_bytes(b"PAR1")
        assert_usage_error(axone("train", tmp_path / "h.parquet", "--target", "price"),
                           "cannot read", "h.parquet", "pyarrow")
        return
    result = axone("train", tmp_path / "h.parquet", "--target", "price", "--epochs", "2", "-q",
                   "--out", tmp_path / "run-pq")
    assert result.status == 0, result.err


def test_classes_are_split_in_proportion_and_a_rare_one_stays_in_training():
    from axone.cli.train import split_rows
    labels = np.array(["a"] * 80 + ["b"] * 18 + ["c"] * 2)
    train, val, test = split_rows(100, 0.2, 0.25, 0, labels)
    assert sorted(np.concatenate([train, val, test]).tolist()) == list(range(100))
    for rows, share in ((test, 0.2), (val, 0.8 * 0.25)):
        assert abs((labels[rows] == "a").sum() - 80 * share) <= 1
        assert abs((labels[rows] == "b").sum() - 18 * share) <= 1
    assert "c" in set(labels[train])  # two rows: neither split takes the last one
    assert split_rows(100, 0.2, 0.25, 0, labels)[0].tolist() == train.tolist()  # seeded


def test_a_class_with_one_row_still_trains(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=60)})
    frame["label"] = np.where(frame["x"] > 0, "up", "down")
    frame.loc[0, "label"] = "odd"
    path = tmp_path / "rare.csv"
    frame.to_csv(path, index=False)
    result = axone("train", path, "--target", "label", "--epochs", "2", "-q", "--out", tmp_path / "r")
    assert result.status == 0, result.err
    assert json.loads((tmp_path / "r" / "preprocessing.json").read_text())["classes"] == ["down", "odd", "up"]
