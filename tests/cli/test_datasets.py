"""`axone datasets list` and `axone datasets export`."""

from cli_helpers import assert_usage_error, axone, pd


def test_list_names_every_dataset_and_where_it_is(tmp_path):
    result = axone("datasets", "list")
    assert result.status == 0, result.err
    names = [line.split()[0] for line in result.out.splitlines() if not line.startswith(" ")]
    assert names[:3] == ["mnist", "fashion_mnist", "california_housing"]
    assert {"iris", "digits", "houses", "tumors", "moons"} <= set(names)
    lines = result.out.splitlines()
    housing = lines[[line.split()[0] for line in lines].index("california_housing") + 1]
    assert "KB in " in housing and "california_housing" in housing  # its size and file


def test_export_writes_the_exercise_file_that_train_reads(tmp_path):
    path = tmp_path / "houses.csv"
    result = axone("datasets", "export", "houses", path)
    assert result.status == 0, result.err
    frame = pd.read_csv(path)
    assert list(frame.columns) == ["size", "nb_room", "price"] and len(frame) == 1000
    assert f"wrote {path}: 1000 rows" in result.out
    again = tmp_path / "again.csv"
    assert axone("datasets", "export", "houses", again).status == 0
    assert again.read_bytes() == path.read_bytes()  # the same seed, the same file
    other = tmp_path / "other.csv"
    assert axone("datasets", "export", "houses", other, "--seed", "1").status == 0
    assert other.read_bytes() != path.read_bytes()


def test_export_mistakes(tmp_path):
    assert_usage_error(axone("datasets", "export", "housing", tmp_path / "h.csv"),
                       "unknown dataset 'housing'", "'houses'", "'california_housing'")
    assert_usage_error(axone("datasets", "export", "mnist", tmp_path / "m.csv"),
                       "mnist is a set of images, not a table")
    assert_usage_error(axone("datasets", "export", "iris", tmp_path / "no" / "i.csv"),
                       "the folder", "does not exist")
    assert not list(tmp_path.iterdir())
