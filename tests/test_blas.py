"""`matmul_add`: `out += a @ b` through NumPy's BLAS, or matmul and add."""

import numpy as np
import pytest

from axone import blas


@pytest.fixture(params=["blas", "numpy"])
def path(request, monkeypatch):
    """Run a test through gemm and again through the NumPy fallback."""
    if request.param == "numpy":
        monkeypatch.setattr(blas, "_GEMMS", {})
    elif not blas.uses_blas():
        pytest.skip("this NumPy build ships no scipy-openblas gemm (covered by the numpy path)")
    return request.param


def _arrays(dtype, m=5, k=4, n=3, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((m, k)).astype(dtype), rng.standard_normal((k, n)).astype(dtype),
            rng.standard_normal((m, n)).astype(dtype))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("layout", ["c", "transposed", "padded", "transposed_padded"])
def test_matmul_add_adds_the_product_for_every_layout(path, dtype, layout):
    a, b, out = _arrays(dtype)
    expected = out.astype("float64") + a.astype("float64") @ b.astype("float64")
    if layout == "transposed":  # a.T of a C array: the weight-gradient product x.T @ delta
        a = np.ascontiguousarray(a.T).T
        b = np.ascontiguousarray(b.T).T
    elif layout == "padded":  # rows longer than the matrix: a view of a wider array
        a = np.pad(a, ((0, 0), (0, 3)))[:, :4]
        b = np.pad(b, ((0, 0), (0, 2)))[:, :3]
    elif layout == "transposed_padded":
        a = np.pad(np.ascontiguousarray(a.T), ((0, 0), (0, 2)))[:, :5].T
    scratch = np.empty_like(out)
    blas.matmul_add(a, b, out=out, scratch=scratch)
    np.testing.assert_allclose(out, expected, rtol=1e-5 if dtype == "float32" else 1e-12)


@pytest.mark.parametrize("beta", [0.0, 0.9])
def test_matmul_add_scales_the_old_value_by_beta(path, beta):
    a, b, out = _arrays("float32")
    expected = beta * out.astype("float64") + a.astype("float64") @ b
    blas.matmul_add(a, b, out=out, scratch=np.empty_like(out), beta=beta)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def test_matmul_add_reads_read_only_and_strided_inputs(path):
    a, b, out = _arrays("float32", m=6, k=8, n=4)
    expected = out + a[:, ::2] @ b[::2]
    a.flags.writeable = False
    blas.matmul_add(a[:, ::2], b[::2], out=out, scratch=np.empty_like(out))
    np.testing.assert_allclose(out, expected, rtol=1e-5)


def test_matmul_add_with_mixed_dtypes_or_overlap_still_adds(path):
    a, b, out = _arrays("float32", m=3, k=3, n=3)
    expected = out + a.astype("float64") @ b
    blas.matmul_add(a.astype("float64"), b, out=out, scratch=np.empty_like(out))
    np.testing.assert_allclose(out, expected, rtol=1e-5)
    square = np.eye(3, dtype="float32") * 2
    blas.matmul_add(square, square, out=square, scratch=np.empty_like(square))  # out is an input
    np.testing.assert_allclose(square, np.eye(3) * 6)


def test_matmul_add_rejects_shapes_that_do_not_chain():
    a, b, out = _arrays("float32")
    with pytest.raises(ValueError, match=r"\(5, 4\) @ \(3, 3\)"):
        blas.matmul_add(a, b[:3], out=out, scratch=out)
    with pytest.raises(ValueError, match="do not give"):
        blas.matmul_add(a, b, out=out[:, :2], scratch=out)


def test_numpy_wheels_get_the_blas_path():
    """The fast path must not silently disappear where NumPy ships scipy-openblas."""
    import os

    config = getattr(np.__config__, "CONFIG", {}).get("Build Dependencies", {}).get("blas", {})
    if config.get("name") != "scipy-openblas" or os.environ.get("AXONE_BLAS", "").lower() == "numpy":
        pytest.skip(f"NumPy's BLAS here is {config.get('name')!r}: matmul_add uses the numpy path")
    assert blas.uses_blas()


def test_axone_blas_numpy_turns_the_blas_path_off(monkeypatch):
    monkeypatch.setenv("AXONE_BLAS", "numpy")
    assert blas._find_gemms() == {}
