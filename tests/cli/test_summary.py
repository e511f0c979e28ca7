"""`axone summary`: the saved network's table of layers, and what it was trained to predict."""

from cli_helpers import assert_usage_error, axone


def test_summary_of_a_trained_run(tumors_run):
    out, _ = tumors_run
    result = axone("summary", out)
    assert result.status == 0, result.err
    assert 'Model: "sequential"' in result.out
    assert "Trainable params: 587" in result.out  # (2*30 + 30) + (30*15 + 15) + (15*2 + 2)
    assert "task: classification; target: 'label'; columns: size, p53_concentration" in result.out
    assert "classes: benign, malignant" in result.out
    assert "written by: axone " in result.out and "(Keras 3." in result.out


def test_summary_of_something_else(tmp_path):
    (tmp_path / "model.keras").write_text('{"class_name": "Nothing"}')
    assert_usage_error(axone("summary", tmp_path / "model.keras"), "is not an axone model file",
                       "not a valid .keras (zip) file")
    assert_usage_error(axone("summary", tmp_path / "elsewhere"), "no such model")
