import pytest

from axone import backend


@pytest.fixture(autouse=True)
def _restore_backend_settings():
    """Tests may change floatx or epsilon; put them back afterwards."""
    floatx, epsilon = backend.floatx(), backend.epsilon()
    yield
    backend.set_floatx(floatx)
    backend.set_epsilon(epsilon)
