"""Corrupt, truncated and hostile files: each raises a ValueError naming the file and the
problem, quickly, without running code from the file or extracting anything to disk."""

import base64
import io
import json
import marshal
import sys
import textwrap
import time
import tracemalloc
import zipfile

import numpy as np
import pytest

import axone
from axone.saving import archive, serialization

h5py = pytest.importorskip("h5py")


@pytest.fixture
def saved(tmp_path):
    model = axone.Sequential([axone.layers.Dense(3, input_shape=(4,)), axone.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    path = tmp_path / "good.keras"
    model.save(path)
    return path


@pytest.fixture(autouse=True)
def nothing_extracted(monkeypatch):
    """Loading must read members in memory: extracting or making temp dirs fails the test."""
    def forbidden(*args, **kwargs):
        raise AssertionError("loading touched the disk (extract / temporary directory)")

    monkeypatch.setattr(zipfile.ZipFile, "extract", forbidden)
    monkeypatch.setattr(zipfile.ZipFile, "extractall", forbidden)
    monkeypatch.setattr("tempfile.mkdtemp", forbidden)
    monkeypatch.setattr("tempfile.TemporaryDirectory", forbidden)


@pytest.fixture
def evil_module(tmp_path, monkeypatch):
    """An importable module that writes a marker file when imported or called."""
    marker = tmp_path / "CODE_RAN"
    package = tmp_path / "evil_pkg"
    package.mkdir()
    (package / "evilmod.py").write_text(textwrap.dedent(f"""
        import pathlib
        pathlib.Path({str(marker)!r}).write_text("imported")

        class Evil:
            def __init__(self, **kwargs):
                pathlib.Path({str(marker)!r}).write_text("instantiated")

            @classmethod
            def from_config(cls, config):
                return cls(**config)

        def run(*args, **kwargs):
            pathlib.Path({str(marker)!r}).write_text("called")
    """))
    monkeypatch.syspath_prepend(str(package))
    yield marker
    sys.modules.pop("evilmod", None)


def _members(path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def _rewrite(path, members: dict, infos: dict | None = None, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in members.items():
            info = (infos or {}).get(name) or zipfile.ZipInfo(name)
            info.compress_type = compression
            zf.writestr(info, data)


def _with_config(path, edit):
    members = _members(path)
    config = json.loads(members["config.json"])
    edit(config)
    members["config.json"] = json.dumps(config).encode()
    _rewrite(path, members)


def _refused(path, match, **kwargs):
    start = time.perf_counter()
    with pytest.raises(ValueError, match=match) as raised:
        axone.models.load_model(path, **kwargs)
    assert str(path) in str(raised.value)
    assert time.perf_counter() - start < 5
    return raised.value


def _refused_in_bounded_memory(path, match, limit=8 * 2**20):
    tracemalloc.start()
    try:
        _refused(path, match)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < limit


def _h5_bytes(build) -> bytes:
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as file:
        build(file)
    return buffer.getvalue()


def _replace_weights(path, build):
    members = _members(path)
    members["model.weights.h5"] = _h5_bytes(build)
    _rewrite(path, members)


# ------------------------------------------------------------------ the zip
def test_not_a_zip(tmp_path):
    path = tmp_path / "noise.keras"
    path.write_bytes(np.random.default_rng(0).bytes(5000))
    _refused(path, "not a valid .keras")


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.99])
def test_truncated_file(saved, fraction):
    data = saved.read_bytes()
    saved.write_bytes(data[: int(len(data) * fraction)])
    _refused(saved, "Cannot load")


def test_zip_bomb_member_is_refused_before_it_is_read(saved):
    members = _members(saved)
    with zipfile.ZipFile(saved, "w") as zf:
        for name, data in members.items():
            if name != "model.weights.h5":
                zf.writestr(name, data)
        info = zipfile.ZipInfo("model.weights.h5")
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, bytes(40 * 2**20), compress_type=zipfile.ZIP_DEFLATED)
    assert saved.stat().st_size < 2**20
    _refused_in_bounded_memory(saved, "decompression bomb")


def test_oversized_config_is_refused(saved):
    members = _members(saved)
    members["config.json"] = b" " * (archive.MAX_JSON_BYTES + 1)
    _rewrite(saved, members, compression=zipfile.ZIP_DEFLATED)
    _refused(saved, "config.json declares")


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/evil", "assets/../../evil", "C:evil", "a\\..\\..\\evil"])
def test_path_traversal_member_is_refused(saved, name):
    members = _members(saved)
    members[name] = b"payload"
    _rewrite(saved, members)
    _refused(saved, "path traversal")
    assert not (saved.parent.parent / "evil.txt").exists()


def test_symlink_member_is_refused(saved):
    members = _members(saved)
    link = zipfile.ZipInfo("assets/link")
    link.external_attr = (0o120777 << 16)
    members["assets/link"] = b"/etc/passwd"
    _rewrite(saved, members, {"assets/link": link})
    _refused(saved, "symbolic link")


def test_missing_config_member(saved):
    members = _members(saved)
    del members["config.json"]
    _rewrite(saved, members)
    _refused(saved, "no config.json")


def test_missing_weights_member(saved):
    members = _members(saved)
    del members["model.weights.h5"]
    _rewrite(saved, members)
    _refused(saved, "no model.weights.h5")


@pytest.mark.parametrize("text", [b"{not json", b"[1, 2]", b"[" * 100_000 + b"]" * 100_000, b"\xff\xfe"])
def test_config_that_is_not_a_json_object(saved, text):
    members = _members(saved)
    members["config.json"] = text
    _rewrite(saved, members)
    _refused(saved, "config.json")


# --------------------------------------------------------------- the config
def test_config_naming_a_module_path_imports_nothing(saved, evil_module):
    def edit(config):
        config["config"]["layers"][1] = {"module": "evilmod", "class_name": "Evil", "config": {},
                                         "registered_name": None}
    _with_config(saved, edit)
    error = _refused(saved, "Unknown layer 'Evil'")
    assert "custom_objects" in str(error) and "register_keras_serializable" in str(error)
    assert not evil_module.exists() and "evilmod" not in sys.modules


def test_builtin_class_name_with_a_foreign_module_is_refused(saved, evil_module):
    def edit(config):
        config["config"]["layers"][1]["module"] = "evilmod"
    _with_config(saved, edit)
    _refused(saved, "Unknown layer 'Dense'")
    assert not evil_module.exists()


def test_function_entry_naming_a_module_function_is_refused(saved, evil_module):
    def edit(config):
        config["config"]["layers"][1]["config"]["activation"] = {
            "module": "evilmod", "class_name": "function", "config": "run", "registered_name": "run"}
    _with_config(saved, edit)
    _refused(saved, "Unknown function 'run'")
    assert not evil_module.exists()


def test_dotted_class_name_is_refused(saved, evil_module):
    def edit(config):
        config["compile_config"]["loss"] = {"module": None, "class_name": "evilmod.Evil", "config": {},
                                            "registered_name": "evilmod.Evil"}
    _with_config(saved, edit)
    _refused(saved, "Unknown loss 'evilmod.Evil'")
    assert not evil_module.exists()


def _lambda_entry(marker) -> dict:
    """Keras's entry for a lambda: marshalled bytecode (here, code writing the marker)."""
    code = compile(f"import pathlib; pathlib.Path({str(marker)!r}).write_text('lambda ran')", "<lambda>", "exec")
    return {"class_name": "__lambda__", "config": {"value": base64.b64encode(marshal.dumps(code)).decode("ascii")}}


def test_lambda_payload_is_real_code_only_loaded_with_safe_mode_false(evil_module):
    function = serialization.deserialize_keras_object(_lambda_entry(evil_module), safe_mode=False)
    assert not evil_module.exists()  # loading (unsafe) does not call it
    function()
    assert evil_module.read_text() == "lambda ran"


def test_lambda_in_a_config_is_refused_in_safe_mode(saved, evil_module):
    def edit(config):
        config["config"]["layers"][1]["config"]["activation"] = _lambda_entry(evil_module)
    _with_config(saved, edit)
    _refused(saved, "lambda")
    assert not evil_module.exists()


def test_marshal_is_never_reached_in_safe_mode(monkeypatch):
    calls = []
    monkeypatch.setattr(marshal, "loads", lambda *a: calls.append(a))
    with pytest.raises(ValueError, match="lambda"):
        serialization.deserialize_keras_object({"class_name": "__lambda__", "config": {"value": "AAAA"}})
    with pytest.raises(ValueError, match="safe mode"):
        serialization.load_function("AAAA")
    assert calls == []


def test_a_file_cannot_switch_safe_mode_off(saved, evil_module):
    def edit(config):
        config["safe_mode"] = False
        config["config"]["safe_mode"] = False
        config["compile_config"]["metrics"] = [
            {"module": "keras.config", "class_name": "function", "config": "enable_unsafe_deserialization",
             "registered_name": None}]
        config["config"]["layers"][1]["config"]["activation"] = _lambda_entry(evil_module)
    _with_config(saved, edit)
    _refused(saved, "enable_unsafe_deserialization|lambda")
    assert not evil_module.exists()
    assert serialization.in_safe_mode()


def test_numpy_entry_with_object_dtype_is_refused():
    with pytest.raises(ValueError, match="numbers"):
        serialization.deserialize_keras_object({"class_name": "__numpy__",
                                                "config": {"value": [1], "dtype": "object"}})


def test_option_axone_does_not_have_is_refused_not_ignored(saved):
    def edit(config):
        config["config"]["layers"][1]["config"]["lora_rank"] = 4
    _with_config(saved, edit)
    _refused(saved, "lora_rank")


# ---------------------------------------------------------------- the HDF5
def test_hdf5_external_link_is_refused(saved, tmp_path):
    secret = tmp_path / "secret.h5"
    with h5py.File(secret, "w") as file:
        file["data"] = np.ones((4, 3), "float32")

    def build(file):
        file["layers/dense/vars/0"] = h5py.ExternalLink(str(secret), "/data")
        file["layers/dense/vars/1"] = np.zeros(3, "float32")
    _replace_weights(saved, build)
    _refused(saved, "ExternalLink")


def test_hdf5_soft_link_is_refused(saved):
    def build(file):
        file["layers/dense_1/vars/0"] = np.zeros((3, 1), "float32")
        file["layers/dense/vars/0"] = h5py.SoftLink("/layers/dense_1/vars/0")
    _replace_weights(saved, build)
    _refused(saved, "SoftLink")


def test_hdf5_external_storage_is_refused(saved, tmp_path):
    raw = tmp_path / "raw.bin"
    raw.write_bytes(bytes(48))
    weights = tmp_path / "external.h5"
    with h5py.File(weights, "w") as file:
        file.create_dataset("layers/dense/vars/0", shape=(4, 3), dtype="float32", external=[(str(raw), 0, 48)])
    members = _members(saved)
    members["model.weights.h5"] = weights.read_bytes()
    _rewrite(saved, members)
    _refused(saved, "external file")


def test_huge_declared_shape_is_refused_without_allocating(saved):
    def build(file):
        file.create_dataset("layers/dense/vars/0", shape=(10**6, 10**6), dtype="float32", chunks=(1, 1024))
    _replace_weights(saved, build)
    _refused_in_bounded_memory(saved, "bomb")


@pytest.mark.parametrize("data", [np.array([b"ab", b"cd"]), np.zeros(2, dtype=[("a", "f4"), ("b", "i4")]),
                                  np.array(["x", "yy"], dtype=h5py.string_dtype())], ids=["bytes", "compound", "vlen"])
def test_wrong_dtype_is_refused(saved, data):
    def build(file):
        file["layers/dense/vars/0"] = data
    _replace_weights(saved, build)
    _refused(saved, "dtype")


def test_wrong_shape_is_refused(saved):
    def build(file):
        file["layers/dense/vars/0"] = np.zeros((5, 3), "float32")
        file["layers/dense/vars/1"] = np.zeros(3, "float32")
    _replace_weights(saved, build)
    _refused(saved, "shape")


def test_weights_member_that_is_not_hdf5(saved):
    members = _members(saved)
    members["model.weights.h5"] = b"\x89HDF\r\n\x1a\n" + bytes(100)
    _rewrite(saved, members)
    _refused(saved, "HDF5")


def test_truncated_weights_member(saved):
    members = _members(saved)
    members["model.weights.h5"] = members["model.weights.h5"][:3000]
    _rewrite(saved, members)
    _refused(saved, "Cannot load")


def test_weights_file_with_hostile_content_leaves_the_model_unchanged(tmp_path):
    model = axone.Sequential([axone.layers.Dense(3, input_shape=(4,)), axone.layers.Dense(1)])
    path = tmp_path / "w.weights.h5"
    with h5py.File(path, "w") as file:
        file["layers/dense/vars/0"] = np.full((4, 3), 7, "float32")
        file["layers/dense/vars/1"] = np.full(3, 7, "float32")
        file["layers/dense_1/vars/0"] = h5py.ExternalLink("/etc/passwd", "/x")
    before = model.get_weights()
    with pytest.raises(ValueError, match="ExternalLink"):
        model.load_weights(path)
    for a, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(a, b)


def test_no_pickle_in_the_format():
    """The saving package imports no pickle-like module and never asks NumPy to unpickle."""
    import ast
    import pathlib
    import axone.saving as package

    for source in pathlib.Path(package.__file__).parent.glob("*.py"):
        tree = ast.parse(source.read_text())
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                assert not {"pickle", "cloudpickle", "dill", "joblib", "shelve"} & set(names), source
            if isinstance(node, ast.keyword):
                assert node.arg != "allow_pickle", source
