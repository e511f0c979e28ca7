"""`CSVLogger`: one row per epoch, separator, append, Keras's columns."""

import csv

import pytest

from axone.callbacks import CSVLogger

from .conftest import small_regressor


def read(path, separator=","):
    with open(path, newline="") as f:
        return list(csv.reader(f, delimiter=separator))


def test_writes_one_row_per_epoch(tmp_path, regression_data):
    x, y = regression_data
    path = tmp_path / "log.csv"
    history = small_regressor(metrics=["mae"]).fit(
        x, y, epochs=2, validation_split=0.25, verbose=0, callbacks=[CSVLogger(path)])
    rows = read(path)
    assert rows[0] == ["epoch", "loss", "mae", "val_loss", "val_mae"]
    assert [r[0] for r in rows[1:]] == ["0", "1"]
    assert float(rows[2][1]) == pytest.approx(history.history["loss"][1])
    assert float(rows[2][4]) == pytest.approx(history.history["val_mae"][1])


def test_separator_and_na_for_missing_validation(tmp_path, regression_data):
    x, y = regression_data
    path = tmp_path / "log.tsv"
    small_regressor().fit(x, y, epochs=1, verbose=0, callbacks=[CSVLogger(path, separator="\t")])
    rows = read(path, "\t")
    assert rows[0] == ["epoch", "loss", "val_loss"] and rows[1][2] == "NA"


def test_append_keeps_the_previous_rows_and_one_header(tmp_path, regression_data):
    x, y = regression_data
    path = tmp_path / "log.csv"
    model = small_regressor()
    model.fit(x, y, epochs=2, verbose=0, callbacks=[CSVLogger(path)])
    model.fit(x, y, epochs=3, initial_epoch=2, verbose=0, callbacks=[CSVLogger(path, append=True)])
    assert [r[0] for r in read(path)] == ["epoch", "0", "1", "2"]
    model.fit(x, y, epochs=1, verbose=0, callbacks=[CSVLogger(path)])  # no append: overwritten
    assert [r[0] for r in read(path)] == ["epoch", "0"]
