"""Reading and writing IDX files (the MNIST format), gzip-compressed or not.

An IDX file is a 4-byte magic number (two zero bytes, a type code, the
number of dimensions), one big-endian int32 per dimension, then the values
in C order, big-endian. A file is only read as data when its length is
exactly what its header announces; anything else is refused with a
ValueError naming the file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

# IDX type code -> NumPy dtype (big-endian, as the format stores it).
_TYPES = {0x08: np.dtype("u1"), 0x09: np.dtype("i1"), 0x0B: np.dtype(">i2"),
          0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
_CODES = {dtype.newbyteorder("="): code for code, dtype in _TYPES.items()}
_GZIP_MAGIC = b"\x1f\x8b"


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, decompressed when it is gzip (told by its first bytes, not its name)."""
    with open(path, "rb") as f:
        raw = f.read()
    if not raw.startswith(_GZIP_MAGIC):
        return raw
    import gzip
    import zlib

    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as error:
        raise ValueError(f"{path} is not a complete gzip file ({error}); "
                         "it is probably truncated or corrupt: replace it.") from None


def read_idx(path, ndim: int | None = None) -> np.ndarray:
    """Read an IDX file into an array in native byte order.

    Args:
        path: the file; gzip-compressed or not.
        ndim: the number of dimensions expected (3 for images, 1 for
            labels), or None to accept any.

    Returns:
        An array with the header's shape (uint8 for MNIST's files).

    Raises:
        ValueError: the header is not IDX, has another number of
            dimensions, or the file is shorter or longer than the header says.
    """
    path = Path(path)
    raw = _read_bytes(path)
    if len(raw) < 4 or raw[:2] != b"\x00\x00" or raw[2] not in _TYPES:
        raise ValueError(f"{path} is not an IDX file: its first bytes {raw[:4].hex(' ') or '(none)'} "
                         "are not an IDX magic number (00 00 <type> <ndim>).")
    dtype, dims = _TYPES[raw[2]], raw[3]
    if ndim is not None and dims != ndim:
        raise ValueError(f"{path} holds a {dims}-dimensional IDX array; expected {ndim} dimensions.")
    header = 4 + 4 * dims
    if len(raw) < header:
        raise ValueError(f"{path} is truncated: {len(raw)} bytes, shorter than its IDX header ({header}).")
    shape = tuple(int(n) for n in np.frombuffer(raw, dtype=">u4", count=dims, offset=4))
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) != expected:
        state = "truncated" if len(raw) < expected else "longer than its header says"
        raise ValueError(f"{path} is {state}: its header announces shape {shape} "
                         f"({expected} bytes in all) but it holds {len(raw)} bytes (uncompressed).")
    array = np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)
    return array.astype(dtype.newbyteorder("="), copy=True)


def write_idx(path, array) -> None:
    """Write `array` as an IDX file; gzip-compressed when `path` ends in `.gz`."""
    array = np.asarray(array)
    native = array.dtype.newbyteorder("=")
    if native not in _CODES:
        raise ValueError(f"IDX cannot store dtype {array.dtype}; expected one of "
                         f"{sorted(str(d) for d in _CODES)}.")
    header = bytes([0, 0, _CODES[native], array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
    payload = header + np.ascontiguousarray(array, dtype=_TYPES[_CODES[native]]).tobytes()
    path = Path(path)
    if path.suffix == ".gz":
        import gzip

        payload = gzip.compress(payload, compresslevel=6, mtime=0)
    path.write_bytes(payload)
