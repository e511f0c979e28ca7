"""Fused update kernels: an optimizer's whole element-wise step in one compiled pass.

Written in NumPy, Adam's step is a dozen passes over the parameters, each
reading and writing arrays as long as the model (266,610 floats for the
course's MNIST network): the update then costs more than the step's matrix
products. Compiled with numba (the optional `fast` extra,
`pip install "axone[fast]"`), the same arithmetic runs in one pass, each
parameter's new moments and value computed while they are in registers.

Each kernel below does, element by element, the float operations of its
optimizer's NumPy `update_step`, in the same order and in the parameters'
dtype (no fused multiply-add, no fast-math), so both paths give bit-identical
weights and state; the tests check that for every optimizer. The kernels run
on the calling thread, under the same floating-point flags (see
`axone.utils.fpu`), and release the GIL.

`kernel(name, value)` returns the compiled function for the parameters
`value`, or None when numba is not installed, `AXONE_FUSED=0` is in the
environment, `value` has fewer than `MIN_SIZE` entries, or numba failed to
import or to compile (with a warning): the optimizers then take their NumPy
path. numba is imported at the first step of an optimizer that has a kernel,
never by `import axone`; with LLVM it adds about 140 MB to the process and
0.5 s to 1 s to its first step (compiled code is cached on disk by numba:
only the first use on a machine compiles, for a few seconds). Below
`MIN_SIZE` parameters the NumPy passes are short and that start-up cost
would outweigh what the kernel saves (Geron's housing regressor, 5,651
parameters, saves nothing per step).
"""

from __future__ import annotations

import functools
import os
import warnings

import numpy as np


def _adam(g, m, v, w, beta_1, one_minus_beta_1, beta_2, one_minus_beta_2, epsilon, alpha):
    """Adam: `m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g**2; w -= alpha m / (sqrt(v) + eps)`."""
    for i in range(w.size):
        gi = g[i]
        mi = m[i] * beta_1 + gi * one_minus_beta_1
        vi = v[i] * beta_2 + (gi * gi) * one_minus_beta_2
        m[i] = mi
        v[i] = vi
        w[i] = w[i] - (mi / (np.sqrt(vi) + epsilon)) * alpha


def _rmsprop(g, v, w, rho, one_minus_rho, epsilon, lr):
    """RMSprop: `v = rho v + (1 - rho) g**2; w -= lr g / sqrt(v + eps)`."""
    for i in range(w.size):
        gi = g[i]
        vi = v[i] * rho + (gi * gi) * one_minus_rho
        v[i] = vi
        w[i] = w[i] - (gi * lr) / np.sqrt(vi + epsilon)


def _rmsprop_momentum(g, v, mom, w, rho, one_minus_rho, epsilon, lr, momentum):
    """RMSprop with momentum: as `_rmsprop`, then `mom = momentum mom + step; w -= mom`."""
    for i in range(w.size):
        gi = g[i]
        vi = v[i] * rho + (gi * gi) * one_minus_rho
        v[i] = vi
        mi = mom[i] * momentum + (gi * lr) / np.sqrt(vi + epsilon)
        mom[i] = mi
        w[i] = w[i] - mi


def _adagrad(g, acc, w, epsilon, lr):
    """Adagrad: `acc += g**2; w -= lr g / sqrt(acc + eps)`."""
    for i in range(w.size):
        gi = g[i]
        ai = acc[i] + gi * gi
        acc[i] = ai
        w[i] = w[i] - (gi * lr) / np.sqrt(ai + epsilon)


def _nadam(g, m, v, w, beta_1, one_minus_beta_1, beta_2, one_minus_beta_2, grad_scale, momentum_scale,
           epsilon):
    """Nadam: `w -= (grad_scale g + momentum_scale m) / (sqrt(v) + epsilon)` after Adam's moments."""
    for i in range(w.size):
        gi = g[i]
        vi = v[i] * beta_2 + (gi * gi) * one_minus_beta_2
        mi = m[i] * beta_1 + gi * one_minus_beta_1
        v[i] = vi
        m[i] = mi
        w[i] = w[i] - (gi * grad_scale + mi * momentum_scale) / (np.sqrt(vi) + epsilon)


#: the smallest parameter slice that takes a kernel: about 0.15 s saved per 1,719-step
#: epoch at this size, so numba's start-up pays back within a few epochs
MIN_SIZE = 65_536

#: name: (function, number of array arguments, number of scalar arguments)
_KERNELS = {
    "adam": (_adam, 4, 6),
    "rmsprop": (_rmsprop, 3, 4),
    "rmsprop_momentum": (_rmsprop_momentum, 4, 5),
    "adagrad": (_adagrad, 3, 2),
    "nadam": (_nadam, 4, 7),
}


def kernel(name: str, value: np.ndarray):
    """The kernel `name` (see `_KERNELS`) for updating `value`, or None (take the NumPy path).

    The kernel takes 1-D C-contiguous arrays of `value`'s dtype (float32 or
    float64) and scalars of that dtype; `arrays_fit` checks the arrays.
    """
    if value.size < MIN_SIZE or os.environ.get("AXONE_FUSED", "").strip() == "0":
        return None
    if value.dtype not in (np.float32, np.float64):
        return None
    return _compiled(name, value.dtype.name)


def arrays_fit(*arrays) -> bool:
    """True when the arrays suit a kernel: 1-D, C-contiguous, one float dtype."""
    dtype = arrays[0].dtype
    return dtype in (np.float32, np.float64) and all(
        a.ndim == 1 and a.flags.c_contiguous and a.dtype == dtype for a in arrays)


@functools.lru_cache(maxsize=None)
def _compiled(name: str, dtype: str):
    try:
        import numba
    except ModuleNotFoundError as error:
        if error.name != "numba":  # installed, but one of its own modules is missing
            _warn_unusable(error)
        return None
    except ImportError as error:  # installed, but e.g. built for another NumPy
        _warn_unusable(error)
        return None
    function, n_arrays, n_scalars = _KERNELS[name]
    scalar = getattr(numba, dtype)
    signature = numba.void(*([numba.types.Array(scalar, 1, "C")] * n_arrays + [scalar] * n_scalars))
    try:
        # Compiled (or loaded from numba's cache) for its one signature now, so
        # that a failure shows here and not in the middle of a step;
        # error_model="numpy": a division by 0 gives inf as in NumPy, and the
        # loop needs no check.
        return numba.njit([signature], cache=True, nogil=True, error_model="numpy")(function)
    except Exception as error:  # numba's errors have no common public base
        warnings.warn(f"axone's fused {name} kernel did not compile with numba {numba.__version__} "
                      f"({type(error).__name__}: {error}); the NumPy update is used instead.",
                      RuntimeWarning, stacklevel=2)
        return None


def _warn_unusable(error: Exception) -> None:
    warnings.warn(f"numba is installed but does not import ({error}); axone's optimizers use "
                  "their NumPy update instead of the fused kernels.", RuntimeWarning, stacklevel=3)


def available() -> bool:
    """True when the fused kernels are used for large enough models (numba installed, not turned off)."""
    return kernel("adam", np.empty(MIN_SIZE, dtype=np.float32)) is not None
