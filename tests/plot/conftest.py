import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    """Each test's figures are closed, so pyplot holds no memory between tests."""
    import matplotlib.pyplot as plt
    yield
    plt.close("all")
