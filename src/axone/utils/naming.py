"""Keras-style automatic names: `dense`, `dense_1`, `dense_2`, ...

Each prefix has its own counter, shared by the whole process (as in Keras):
the first `Dense` is `dense`, the next `dense_1`; the first `Input` is
`input_layer`. Names given explicitly do not advance any counter.
"""

from __future__ import annotations

import re
from collections import defaultdict

_name_counts: defaultdict[str, int] = defaultdict(int)


def to_snake_case(name: str) -> str:
    """`BatchNormalization` -> `batch_normalization`; `Conv2D` -> `conv2d` (Keras's rule)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(base: str) -> str:
    """Return `base` the first time, then `base_1`, `base_2`, ... ."""
    count = _name_counts[base]
    _name_counts[base] += 1
    return base if count == 0 else f"{base}_{count}"


def reset_names() -> None:
    """Restart every automatic name from zero (used by `clear_session`)."""
    _name_counts.clear()
