import pytest

from axone.utils.optional import import_optional


def test_missing_module_names_the_extra():
    with pytest.raises(ImportError, match=r'axone.thing needs no_such_module.*pip install "axone\[extra\]"'):
        import_optional("no_such_module.sub", "extra", "axone.thing")


def test_present_module_is_returned():
    assert import_optional("json", "x", "y").dumps([1]) == "[1]"
