"""`matmul_add`: `out = beta * out + a @ b` in one pass, through NumPy's own BLAS.

NumPy's `matmul` always writes a fresh result; BLAS's `gemm` can add the
product to an existing array (`C = A @ B + beta * C`). Gradient descent uses
that to fold the weight update into the weight-gradient product
(`kernel += x.T @ delta`, the delta already scaled by `-learning_rate`; with
momentum, `velocity = momentum * velocity + x.T @ delta`), which saves
passes over every kernel at each step.

The `gemm` called is the one inside NumPy's wheel (scipy-openblas), found
through `numpy.__config__` and called with `ctypes`: the same library and
thread pool as `numpy.matmul`, never a second BLAS. Where it cannot be found
(another NumPy build, another platform) or the arrays do not fit BLAS's
layout, `matmul_add` computes `matmul` into a scratch array and adds it:
the same result, one pass slower. Set the environment variable
`AXONE_BLAS=numpy` to always take that path.
"""

from __future__ import annotations

import ctypes
import glob
import os
import sys

import numpy as np

from axone.backend import xp

# CBLAS constants (cblas.h).
_ROW_MAJOR, _NO_TRANS, _TRANS = 101, 111, 112


def _library_paths() -> list[str]:
    """Files of the OpenBLAS that NumPy's wheel ships, the loaded one first."""
    paths = []
    if sys.platform.startswith("linux"):
        try:
            with open("/proc/self/maps") as maps:
                paths += [line.split()[-1] for line in maps if "scipy_openblas" in line]
        except OSError:
            pass
    numpy_dir = os.path.dirname(np.__file__)
    for folder in (numpy_dir + ".libs", os.path.join(numpy_dir, ".dylibs")):
        paths += sorted(glob.glob(os.path.join(folder, "*scipy_openblas*")))
    return list(dict.fromkeys(p for p in paths if os.path.isfile(p)))


def _find_gemms() -> dict:
    """`{dtype: gemm}` for float32 (sgemm) and float64 (dgemm), or `{}` when not found."""
    if os.environ.get("AXONE_BLAS", "").lower() == "numpy":
        return {}
    try:
        blas = np.__config__.CONFIG["Build Dependencies"]["blas"]
    except (AttributeError, KeyError, TypeError):
        return {}
    if blas.get("name") != "scipy-openblas":
        return {}
    # ILP64 builds name their symbols with a 64_ suffix and take 64-bit sizes.
    ilp64 = "USE64BITINT" in str(blas.get("openblas configuration", ""))
    suffix, size_type = ("64_", ctypes.c_int64) if ilp64 else ("", ctypes.c_int32)
    for path in _library_paths():
        try:
            # NumPy already loaded this file: dlopen hands back the same library.
            library = ctypes.CDLL(path)
            found = {}
            for dtype, letter, scalar in ((np.float32, "s", ctypes.c_float),
                                          (np.float64, "d", ctypes.c_double)):
                gemm = getattr(library, f"scipy_cblas_{letter}gemm{suffix}")
                gemm.restype = None
                gemm.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                 size_type, size_type, size_type, scalar,
                                 ctypes.c_void_p, size_type, ctypes.c_void_p, size_type,
                                 scalar, ctypes.c_void_p, size_type]
                found[np.dtype(dtype)] = gemm
            return found
        except (OSError, AttributeError):
            continue
    return {}


_GEMMS = _find_gemms() if xp is np else {}


def uses_blas() -> bool:
    """True when `matmul_add` calls BLAS's gemm (False: matmul into scratch, then add)."""
    return bool(_GEMMS)


_BYTE = ctypes.c_char


def _address(array: np.ndarray) -> int:
    """Address of the first element: `array.ctypes.data`, but 3x faster when the
    array is writable and C-contiguous (the common case: 1 us instead of 3)."""
    try:
        return ctypes.addressof(_BYTE.from_buffer(array))
    except (TypeError, ValueError, BufferError):
        return array.ctypes.data


def _layout(array: np.ndarray) -> tuple[int, int] | None:
    """`(transpose flag, leading dimension)` of a 2-D array BLAS can read in place, or None."""
    itemsize = array.itemsize
    rows, cols = array.strides
    if cols == itemsize and rows >= itemsize * array.shape[1] and rows % itemsize == 0:
        return _NO_TRANS, rows // itemsize or 1
    if rows == itemsize and cols >= itemsize * array.shape[0] and cols % itemsize == 0:
        return _TRANS, cols // itemsize or 1
    return None


def _blas_matmul_add(a, b, out, beta: float) -> bool:
    """`out = beta * out + a @ b` with gemm; False (nothing done) when the arrays do not suit it.

    The caller has checked the shapes.
    """
    gemm = _GEMMS.get(out.dtype)
    if gemm is None or a.dtype != out.dtype or b.dtype != out.dtype or a.size == 0 or b.size == 0:
        return False
    flags = out.flags
    if not (flags.c_contiguous and flags.writeable and flags.aligned
            and a.flags.aligned and b.flags.aligned):
        return False
    a_layout, b_layout = _layout(a), _layout(b)
    if a_layout is None or b_layout is None or np.may_share_memory(out, a) or np.may_share_memory(out, b):
        return False
    (m, k), n = a.shape, b.shape[1]
    # A transposed view's transpose is C-contiguous, with the same first element.
    a_base = a.T if a_layout[0] == _TRANS else a
    b_base = b.T if b_layout[0] == _TRANS else b
    gemm(_ROW_MAJOR, a_layout[0], b_layout[0], m, n, k, 1.0,
         _address(a_base), a_layout[1], _address(b_base), b_layout[1],
         beta, _address(out), n)
    return True


def matmul_add(a: xp.ndarray, b: xp.ndarray, out: xp.ndarray, scratch: xp.ndarray,
               beta: float = 1.0) -> None:
    """`out = beta * out + a @ b`, in place (`out += a @ b` by default).

    Args:
        a: `(m, k)` array (a transposed view is read as it is, without a copy).
        b: `(k, n)` array.
        out: `(m, n)` array, updated in place.
        scratch: `(m, n)` array of `out`'s dtype; it receives `a @ b` when
            BLAS cannot be used, so that no array is allocated either way.
            Its content afterwards is unspecified.
        beta: factor of `out`'s old value. Defaults to `1.0`.
    """
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0] or out.shape != (a.shape[0], b.shape[1]):
        raise ValueError(f"matmul_add: shapes {a.shape} @ {b.shape} do not give {out.shape}.")
    if not _blas_matmul_add(a, b, out, beta):
        xp.matmul(a, b, out=scratch)
        if beta != 1.0:
            out *= out.dtype.type(beta)
        out += scratch
