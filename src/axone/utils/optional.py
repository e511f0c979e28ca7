"""Importing an optional dependency, or saying which extra installs it."""

from __future__ import annotations

import importlib
from types import ModuleType


def import_optional(module: str, extra: str, feature: str) -> ModuleType:
    """Import `module`, or raise an ImportError naming the `axone[extra]` to install.

    Args:
        module: the module to import, e.g. `"sklearn"`.
        extra: the extra of axone's pyproject that installs it, e.g. `"sklearn"`.
        feature: what needs it, for the message, e.g. `"axone.Perceptron"`.
    """
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(
            f'{feature} needs {module.split(".")[0]}, which is not installed. '
            f'Install it with: pip install "axone[{extra}]"'
        ) from error
