"""Resolve string identifiers ("relu", "mse", "adam") through a registry."""

from __future__ import annotations

import difflib
from typing import Any, Mapping


def lookup(identifier: str, registry: Mapping[str, Any], kind: str) -> Any:
    """Return `registry[identifier]`, or raise a ValueError naming the closest names.

    Args:
        identifier: the name the user gave.
        registry: mapping of accepted names to objects.
        kind: what is being looked up, for the message ("activation", "loss").
    """
    if not isinstance(identifier, str):
        raise TypeError(f"A {kind} name must be a string. Received: {identifier!r}")
    key = identifier if identifier in registry else identifier.lower()
    if key in registry:
        return registry[key]
    close = difflib.get_close_matches(identifier.lower(), list(registry), n=3, cutoff=0.5)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise ValueError(
        f"Unknown {kind}: {identifier!r}.{hint} "
        f"Known {kind}s: {', '.join(sorted(registry))}."
    )
