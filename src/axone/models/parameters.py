"""`ParameterBuffer`: every trainable weight of a model in one contiguous array.

Layers keep `Variable`s whose `value` and `grad` become views into two flat
float arrays, `values` and `grads`. An optimizer step is then a handful of
vectorised expressions over the whole model instead of a loop over layers.
"""

from __future__ import annotations

from axone.backend import xp

from axone.variables import Variable


class ParameterBuffer:
    """Packs `variables` (trainable at creation) into one buffer, copying their values.

    Attributes:
        variables: the packed variables, in order.
        values, grads: flat arrays of `size` floats.
        offsets: start of each variable in the flat arrays (plus the end).
    """

    def __init__(self, variables: list[Variable], dtype):
        self.variables = list(variables)
        sizes = [v.size for v in self.variables]
        self.offsets = xp.concatenate([[0], xp.cumsum(sizes, dtype=xp.int64)]).astype(xp.int64)
        self.size = int(self.offsets[-1])
        self.values = xp.empty(self.size, dtype=dtype)
        self.grads = xp.zeros(self.size, dtype=dtype)
        for variable, start, stop in zip(self.variables, self.offsets[:-1], self.offsets[1:]):
            self.values[start:stop] = variable.value.ravel()
            if variable.grad is not None:
                self.grads[start:stop] = variable.grad.ravel()
            variable.value = self.values[start:stop].reshape(variable.shape)
            variable.grad = self.grads[start:stop].reshape(variable.shape)
            variable.owner = self

    def owns_all(self) -> bool:
        """False if another model re-packed one of these variables (a shared layer)."""
        return all(v.owner is self for v in self.variables)

    def slice_of(self, variable: Variable) -> slice:
        index = self.variables.index(variable)
        return slice(int(self.offsets[index]), int(self.offsets[index + 1]))

    def trainable_ranges(self, trainable: list[bool]) -> list[tuple[int, int]]:
        """Merge the slices of the variables flagged trainable into maximal ranges.

        With every variable trainable this is one range: the whole buffer.
        """
        ranges: list[tuple[int, int]] = []
        for flag, start, stop in zip(trainable, self.offsets[:-1], self.offsets[1:]):
            if not flag or start == stop:
                continue
            if ranges and ranges[-1][1] == start:
                ranges[-1] = (ranges[-1][0], int(stop))
            else:
                ranges.append((int(start), int(stop)))
        return ranges
