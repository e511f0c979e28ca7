"""Flush-to-zero for the training thread: no slow arithmetic on subnormal floats.

x86 processors compute on subnormal (denormal) floats, those below
`numpy.finfo("float32").tiny` (1.2e-38), many times slower than on normal
ones. Adam's and RMSprop's moment estimates decay towards zero for weights
whose gradient vanishes (the always-black border pixels of MNIST), pass
through that range and slow every step down. The processor's FTZ
(flush-to-zero, MXCSR bit 15) and DAZ (denormals-are-zero, bit 6) flags
replace such values by 0, as TensorFlow does on its CPU threads.

`flush_denormals()` sets both flags for the calling thread and restores the
caller's floating-point environment afterwards, whatever happens inside
(an exception, Ctrl-C). It uses only the C library's `fegetenv` and
`fesetenv` (through `ctypes`), which on x86-64 Linux store and load the
whole MXCSR at byte 28 of `fenv_t` (glibc's and musl's layout); the route is
checked once per process: the word read there must look like an MXCSR, and
after setting it, halving the smallest normal float32 must give 0. Anywhere
else (another processor, another C library, `AXONE_FLUSH_DENORMALS=0` in
the environment) `hardware_flush()` is False and nothing is changed; the
optimizers then zero the subnormal values of their state themselves
(`Optimizer` does, every few steps).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import os
import platform
import sys
import threading

import numpy as np

_FTZ_DAZ = 0x8040  # MXCSR: flush-to-zero (bit 15) | denormals-are-zero (bit 6)
_MXCSR_OFFSET = 28  # of fenv_t on x86-64 Linux (glibc, musl)
_ENV_BYTES = 64  # more than any fenv_t: a read-modify-write never cuts the struct short
_Env = ctypes.c_ubyte * _ENV_BYTES

_local = threading.local()


def _load_libm():
    """`(fegetenv, fesetenv)` of the C library, or None where this route is not known to be right."""
    if os.environ.get("AXONE_FLUSH_DENORMALS", "1").strip() == "0":
        return None
    if not sys.platform.startswith("linux") or platform.machine().lower() not in ("x86_64", "amd64"):
        return None
    try:
        libm = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
        functions = libm.fegetenv, libm.fesetenv
    except (OSError, AttributeError):
        return None
    for function in functions:
        function.argtypes = [ctypes.c_void_p]
        function.restype = ctypes.c_int
    return functions


def _mxcsr(env) -> int:
    return int.from_bytes(bytes(env[_MXCSR_OFFSET:_MXCSR_OFFSET + 4]), "little")


def _with_mxcsr(env, value: int):
    new = _Env.from_buffer_copy(env)
    new[_MXCSR_OFFSET:_MXCSR_OFFSET + 4] = list(value.to_bytes(4, "little"))
    return new


def _flushes() -> bool:
    """True if this thread's arithmetic flushes subnormal results to zero now."""
    tiny = np.full(8, np.finfo(np.float32).tiny, dtype=np.float32)
    return not np.any(tiny * np.float32(0.5))


def _check(functions) -> bool:
    """The route works here: MXCSR where expected, and setting FTZ flushes."""
    get, set_ = functions
    saved = _Env()
    if get(saved) != 0:
        return False
    word = _mxcsr(saved)
    # Bits 16-31 of MXCSR are reserved (zero); the six exception masks are
    # set unless a program unmasked some. Anything else is not an MXCSR.
    if word >> 16 or word & 0x1F80 == 0:
        return False
    try:
        if set_(_with_mxcsr(saved, word | _FTZ_DAZ)) != 0:
            return False
        return _flushes()
    finally:
        set_(saved)


@functools.lru_cache(maxsize=None)
def _route():
    functions = _load_libm()
    if functions is None or not _check(functions):
        return None
    return functions


def hardware_flush() -> bool:
    """True where `flush_denormals()` can set the processor's FTZ/DAZ flags."""
    return _route() is not None


def flushing() -> bool:
    """True inside `flush_denormals()` on this thread, where it set the flags."""
    return getattr(_local, "depth", 0) > 0


@contextlib.contextmanager
def flush_denormals():
    """Context manager: FTZ/DAZ on for the calling thread, the caller's flags back afterwards.

    Yields True if the flags were set (see `hardware_flush()`), else False
    (nothing was changed). Nested uses are fine; other threads are unaffected.
    """
    route = _route()
    if route is None:
        yield False
        return
    get, set_ = route
    saved = _Env()
    get(saved)
    set_(_with_mxcsr(saved, _mxcsr(saved) | _FTZ_DAZ))
    _local.depth = getattr(_local, "depth", 0) + 1
    try:
        yield True
    finally:
        _local.depth -= 1
        set_(saved)


def flushing_denormals(method):
    """Decorator: run `method` inside `flush_denormals()`."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with flush_denormals():
            return method(*args, **kwargs)

    return wrapper
