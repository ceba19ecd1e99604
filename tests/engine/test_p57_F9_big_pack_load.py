"""A big pack loads without long holds of the GIL (p57 F9): its members are inflated piece by piece and its model
goes to onnxruntime through an in-memory file, not as one Python-side copy.  Checked by behaviour: no read of the
archive asks for the whole member at once, onnxruntime gets a path for a big model (and the same session results),
and a bad big pack is refused as before."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import device.audio.runtime as runtime
from device.audio.engine import Engine, EngineConfig
from device.audio.runtime import make_session
from device.audio.swap import Swapper
from export.pack import MODEL, read_pack
from hatbox.errors import PackError
from tests.api.packs import gain_model, gain_pack

PAD = 3 << 20                 # a model of about 3 MiB: over the 1 MiB from which pieces are used
linux = pytest.mark.skipif(not hasattr(os, "memfd_create") or not os.path.isdir("/proc/self/fd"),
                           reason="big members and models go through anonymous in-memory files on Linux only")


@linux
def test_a_big_member_is_read_in_pieces_with_the_same_bytes(tmp_path: Path, monkeypatch) -> None:
    path = gain_pack(tmp_path / "big.hatpack", pad_bytes=PAD)
    asked: list[int] = []
    real = zipfile.ZipExtFile.read

    def spy(self: Any, n: int = -1) -> bytes:
        asked.append(n)
        return real(self, n)

    monkeypatch.setattr(zipfile.ZipExtFile, "read", spy)
    pack = read_pack(path)
    monkeypatch.undo()
    with zipfile.ZipFile(path) as zf:
        assert pack.members[MODEL] == zf.read(MODEL)
    assert len(pack.members[MODEL]) > PAD
    assert max(asked) <= 1 << 20, "a read asked for a whole big member at once (one copy holding the GIL)"


def test_a_big_member_altered_is_refused_by_the_loader(tmp_path: Path) -> None:
    path = gain_pack(tmp_path / "big.hatpack", pad_bytes=PAD)
    bad = tmp_path / "bad.hatpack"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == MODEL:
                data = data[:-100] + bytes(b ^ 1 for b in data[-100:])
            dst.writestr(info.filename, data)
    swapper = Swapper(Engine(EngineConfig(rate=48000, block=128)))
    with pytest.raises(PackError, match="checksum mismatch for 'model.onnx'") as err:
        swapper.prepare_fresh("effect", bad)
    assert err.value.check == "checksum"


@linux
def test_a_big_model_reaches_onnxruntime_as_a_file_with_the_same_results(monkeypatch) -> None:
    model = gain_model(pad_bytes=PAD)
    given: list[Any] = []
    real = runtime.ort.InferenceSession

    def spy(src: Any, *args: Any, **kwargs: Any) -> Any:
        given.append(src)
        return real(src, *args, **kwargs)

    monkeypatch.setattr(runtime.ort, "InferenceSession", spy)
    session = make_session(model)
    monkeypatch.undo()
    assert isinstance(given[0], str), "onnxruntime was given the model's bytes (a copy holding the GIL)"
    feed = {"audio_in": np.full((1, 8), 0.25, np.float32), "knobs": np.full((1, 8, 1), 0.5, np.float32),
            "state_in": np.zeros((1, 1), np.float32)}
    want = real(model, providers=["CPUExecutionProvider"]).run(None, feed)
    for have, ref in zip(session.run(None, feed), want):
        np.testing.assert_array_equal(have, ref)


def test_a_small_model_still_goes_as_bytes(monkeypatch) -> None:
    given: list[Any] = []
    real = runtime.ort.InferenceSession
    monkeypatch.setattr(runtime.ort, "InferenceSession", lambda src, *a, **k: given.append(src) or real(src, *a, **k))
    make_session(gain_model())
    assert isinstance(given[0], bytes)


def _external_model(pad: int) -> bytes:
    """A model whose weight ``w`` keeps its data in a file beside it (refused), padded to ``pad`` bytes."""
    w = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[1])
    w.data_location = TensorProto.EXTERNAL
    w.external_data.add(key="location", value="weights.bin")
    big = numpy_helper.from_array(np.zeros(pad // 4, np.float32), "pad")
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])
    graph = helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"])], "ext", [x], [y], [big, w])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()


def test_a_big_model_with_external_data_is_still_refused() -> None:
    model = _external_model(PAD)
    assert len(model) > PAD and onnx.load_model_from_string(model) is not None
    with pytest.raises(PackError, match="refers to external data") as err:
        make_session(model)
    assert err.value.check == "onnx"


@pytest.mark.parametrize("at", [0, 5, 6, 7, 8, 13, 30])
def test_mentions_finds_a_key_across_its_windows(at: int) -> None:
    from device.onnx_external import mentions
    data = bytes(40)
    data = data[:at] + b"location" + data[at + 8:]
    assert mentions(data[:40], b"location", window=8)
    assert not mentions(bytes(40), b"location", window=8)
