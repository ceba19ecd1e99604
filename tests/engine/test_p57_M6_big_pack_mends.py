"""Mends of the big-pack load (p57 F9) after its review (p57 R5): the words of a big model's refusal, the session
made from an in-memory file, the external-data search, the in-memory file's own failures and descriptors."""
from __future__ import annotations

import errno
import os
import zipfile
from pathlib import Path
from typing import Any, Callable

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from onnxruntime.capi import onnxruntime_pybind11_state as ort_state

import device.audio.runtime as runtime
from device.audio.runtime import make_session
from export.pack import MODEL, read_pack
from hatbox.errors import PackError
from tests.api.packs import gain_pack
from tests.engine.test_p35_sample_handoff import open_fds

PAD = 3 << 20                 # a model of about 3 MiB: over the 1 MiB from which in-memory files are used
memfd = pytest.mark.skipif(not hasattr(os, "memfd_create") or not os.path.isdir("/proc/self/fd"),
                           reason="anonymous in-memory files (memfd_create, /proc/self/fd) are Linux's")


def _model(pad: int, op: str = "Add", value: float = 1.0, name: str = "mean") -> bytes:
    """y = x + ``value`` (the mean of a ``pad``-byte weight), through a node called ``name``, or ``op`` on x."""
    big = numpy_helper.from_array(np.full(max(1, pad // 4), value, np.float32), "pad")
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])
    nodes = [helper.make_node("ReduceMean", ["pad"], ["m"], keepdims=0, name=name),
             helper.make_node(op, ["x", "m"], ["y"])]
    graph = helper.make_graph(nodes, "g", [x], [y], [big])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()


def _refusal(model: bytes) -> str:
    with pytest.raises(PackError) as err:
        make_session(model)
    assert err.value.check == "onnx"
    return str(err.value)


def _y(session: Any) -> float:
    return float(session.run(None, {"x": np.zeros(1, np.float32)})[0][0])


# ------------------------------------------------------------------------------------------------ 1. the words
@memfd
def test_a_big_model_refused_reads_as_a_small_one_without_an_internal_path() -> None:
    small, big = _refusal(_model(16, op="NoSuchOp")), _refusal(_model(PAD, op="NoSuchOp"))
    assert "/proc/self" not in big and big == small
    junk_small, junk_big = _refusal(b"\x0a\xff" + bytes(16)), _refusal(b"\x0a\xff" + bytes(PAD))
    assert "/proc/self" not in junk_big and junk_big == junk_small


# ------------------------------------------------------------------------------------------------ 2. the session kept
@memfd
def test_a_session_from_an_in_memory_file_is_never_made_again_from_its_closed_path() -> None:
    session = make_session(_model(PAD, value=1.0))
    assert _y(session) == 1.0
    other = runtime._memory_file(_model(PAD, value=7.0))     # another model's file, likely under the same number
    try:
        with pytest.raises(RuntimeError, match="make_session"):
            session.set_providers(["CPUExecutionProvider"])
        assert _y(session) == 1.0
    finally:
        os.close(other)


class _FailingProvider:
    """An onnxruntime C session whose run fails as an execution provider's failure does (EPFail)."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def run(self, *args: Any) -> Any:
        raise ort_state.EPFail("the provider failed")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


@memfd
def test_a_provider_failure_is_not_followed_by_a_rebuild_from_the_closed_path() -> None:
    session = make_session(_model(PAD))
    failing = _FailingProvider(session._sess)
    session._sess = failing
    with pytest.raises(ort_state.EPFail):
        _y(session)
    assert session._sess is failing, "onnxruntime made the session again from /proc/self/fd/N"


# ------------------------------------------------------------------------------------------------ 3. the search
def _parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = onnx.load_model_from_string
    monkeypatch.setattr(onnx, "load_model_from_string", lambda data, *a, **k: calls.append(len(data)) or real(data))
    return calls


@pytest.mark.parametrize("pad", [16, PAD])
def test_a_model_that_only_names_location_is_not_parsed(monkeypatch: pytest.MonkeyPatch, pad: int) -> None:
    model = _model(pad, name="location_gain")
    assert b"location" in model
    calls = _parses(monkeypatch)
    assert _y(make_session(model)) == 1.0
    assert calls == [], "the whole model was parsed for external data it has none of"


def _varint(n: int) -> bytes:
    out = b""
    while n > 0x7F:
        out, n = out + bytes([n & 0x7F | 0x80]), n >> 7
    return out + bytes([n])


def _field(tag: int, payload: bytes) -> bytes:
    return bytes([tag]) + _varint(len(payload)) + payload


def _external_model(pad: int, key: bytes) -> bytes:
    """A model whose weight ``w`` keeps its data in weights.bin, its entry's key written as ``key`` (the protobuf
    bytes of field 1: canonical b"\\x0a\\x08location", or with a longer varint that parsers read the same)."""
    w = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[1])
    w.data_location = TensorProto.EXTERNAL
    tensor = w.SerializeToString() + _field(0x6A, key + _field(0x12, b"weights.bin"))
    big = numpy_helper.from_array(np.zeros(max(1, pad // 4), np.float32), "pad")
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])
    graph = helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"])], "ext", [x], [y], [big])
    model = helper.make_model(helper.make_graph([], "e", [], []), opset_imports=[helper.make_opsetid("", 17)])
    model.ClearField("graph")
    return model.SerializeToString() + _field(0x3A, graph.SerializeToString() + _field(0x2A, tensor))


@pytest.mark.parametrize("pad", [16, PAD])
@pytest.mark.parametrize("key", [b"\x0a\x08location", b"\x0a\x88\x00location", b"\x8a\x00\x08location"])
def test_every_external_data_entry_is_still_refused(pad: int, key: bytes) -> None:
    model = _external_model(pad, key)
    assert list(onnx.load_model_from_string(model).graph.initializer[1].external_data)[0].key == "location"
    assert "refers to external data (w)" in _refusal(model)


# ------------------------------------------------------------------------------------------------ 5. memfd failures
def _failing_for(name: str, monkeypatch: pytest.MonkeyPatch, call: str, exc: BaseException) -> None:
    """``os.<call>`` raises ``exc`` on the in-memory file called ``name`` (other descriptors work)."""
    real: Callable[..., Any] = getattr(os, call)

    def fake(fd: int, *args: Any) -> Any:
        if os.readlink(f"/proc/self/fd/{fd}").startswith(f"/memfd:{name}"):
            raise exc
        return real(fd, *args)

    monkeypatch.setattr(os, call, fake)


@memfd
@pytest.mark.parametrize("call", ["write", "pread"])
def test_a_pack_is_read_whole_when_its_in_memory_file_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            call: str) -> None:
    path = gain_pack(tmp_path / "big.hatpack", pad_bytes=PAD)
    before = open_fds()
    _failing_for("hatbox-member", monkeypatch, call, OSError(errno.EFBIG, "File too large"))
    pack = read_pack(path)
    monkeypatch.undo()
    with zipfile.ZipFile(path) as zf:
        assert pack.members[MODEL] == zf.read(MODEL)
    assert open_fds() == before


# ------------------------------------------------------------------------------------------------ 8. interrupted
@memfd
def test_an_interrupted_model_file_closes_its_descriptor(monkeypatch: pytest.MonkeyPatch) -> None:
    model = _model(PAD)
    before = open_fds()
    _failing_for("hatbox-model", monkeypatch, "write", KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        make_session(model)
    monkeypatch.undo()
    assert open_fds() == before


# ------------------------------------------------------------------------------------------------ 6. crc, descriptors
def _crc_broken(path: Path, out: Path) -> Path:
    """``path`` with one byte flipped in the middle of model.onnx's compressed bytes (the zip's CRC no longer fits)."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(MODEL)
    data = bytearray(path.read_bytes())
    name_len, extra_len = int.from_bytes(data[info.header_offset + 26:info.header_offset + 28], "little"), \
        int.from_bytes(data[info.header_offset + 28:info.header_offset + 30], "little")
    at = info.header_offset + 30 + name_len + extra_len + info.compress_size // 2
    data[at] ^= 0x55
    out.write_bytes(bytes(data))
    return out


@memfd
def test_crc_errors_loads_and_refusals_of_big_packs_leave_no_descriptor_open(tmp_path: Path) -> None:
    good = gain_pack(tmp_path / "big.hatpack", pad_bytes=PAD)
    bad = _crc_broken(good, tmp_path / "crc.hatpack")
    refused = _model(PAD, op="NoSuchOp")

    def rounds(n: int) -> None:
        for _ in range(n):
            make_session(read_pack(good).members[MODEL])
            with pytest.raises(PackError) as err:
                read_pack(bad)
            assert err.value.check == "archive" and "do not match the checksum" in str(err.value)
            _refusal(refused)

    rounds(1)
    before = open_fds()
    rounds(3)
    assert open_fds() == before
