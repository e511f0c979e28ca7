"""`axone demo`: the three networks of the course, their models, curves and report."""

import json

from cli_helpers import axone


def test_quick_demo_writes_models_curves_and_report(tmp_path, monkeypatch):
    monkeypatch.delenv("AXONE_DATASETS", raising=False)  # MNIST absent: the embedded digits
    monkeypatch.setenv("AXONE_HOME", str(tmp_path / "home"))
    out = tmp_path / "demo"
    result = axone("demo", "--quick", "--out", out)
    assert result.status == 0, result.err
    assert "using the embedded 8x8 digits instead" in result.out
    for section in ("4.4: MNIST classifier", "4.5: California housing", "4.5.1: wide-and-deep"):
        assert section in result.out
    assert result.out.count("Total params") == 3 and "Epoch 5/5" in result.out
    names = ("mnist_classifier", "housing_regressor", "wide_and_deep")
    for name in names:
        assert (out / f"{name}.keras").stat().st_size > 0
        assert (out / f"{name}_learning_curves.png").read_bytes()[:4] == b"\x89PNG"
    report = json.loads((out / "report.json").read_text())
    assert list(report) == list(names)
    assert report["mnist_classifier"]["test_metrics"]["accuracy"] > 0.5  # 10 classes: chance is 0.1
    for name in names[1:]:
        entry = report[name]
        assert entry["test_metrics"]["mse"] < entry["baseline_metrics"]["mse_of_the_mean"]
    assert str(out.resolve()) in result.out and "report.md" in result.out


def test_demo_reads_mnist_when_it_is_there(tmp_path, monkeypatch):
    import os
    from pathlib import Path
    shared = Path(os.environ.get("AXONE_DATASETS", "../shared/datasets"))
    if not (shared / "mnist").is_dir():
        import pytest
        pytest.skip("no MNIST copy under AXONE_DATASETS")
    monkeypatch.setenv("AXONE_DATASETS", str(shared.resolve()))
    result = axone("demo", "--quick", "--out", tmp_path / "demo")
    assert result.status == 0, result.err
    assert f"MNIST from {(shared / 'mnist').resolve()}" in result.out
    assert "(None, 784)" in result.out  # Flatten of 28x28
