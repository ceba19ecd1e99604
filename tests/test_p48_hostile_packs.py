"""Forty-eighth stop's QA of a stranger's packs: a manifest.json nested 100,000 levels deep printed "internal error:
RecursionError" on the laptop and wrote a traceback into the box's log; a model.onnx whose weights name external data
(/etc/passwd, ../.., a file name) reached onnxruntime on `hatbox push` and `render`, which looked the path up and
answered in its own words.  Each is now one plain refusal, before any parser recursion or file look-up."""
from __future__ import annotations

import json
import logging
import zipfile
from pathlib import Path

import numpy as np
import onnx
import pytest

from device.validate import check_self_contained, refuse_external_data, validate_pack
from export.pack import MAX_MANIFEST_DEPTH, json_depth, manifest_json, read_pack, write_pack
from hatbox.cli import main
from hatbox.errors import PackError
from tests.api.conftest import FAST_ENGINE, make_box, start_remote_box
from tests.api.packs import gain_pack

FACTORY = Path(__file__).resolve().parents[1] / "factory"
LEVELS = 100_000


def deep_pack(tmp_path: Path, levels: int = LEVELS) -> Path:
    """A good pack (the repo's writer) whose manifest.json is then swapped for one nested ``levels`` deep."""
    good = gain_pack(tmp_path / "good.hatpack", "fuzz", "1.0.0")
    with zipfile.ZipFile(good) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["manifest.json"] = b'{"name": ' + b"[" * levels + b"]" * levels + b"}"
    out = tmp_path / "deep.hatpack"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out


def external_pack(tmp_path: Path, location: str) -> Path:
    """A good pack written again (the repo's writer, checksums right) with one weight moved to external data at
    ``location``."""
    pack = read_pack(gain_pack(tmp_path / "good.hatpack", "fuzz", "1.0.0"))
    model = onnx.load_from_string(pack.model_bytes)
    tensor = model.graph.initializer[1]
    tensor.ClearField("raw_data")
    tensor.ClearField("float_data")
    tensor.data_location = onnx.TensorProto.EXTERNAL
    entry = tensor.external_data.add()
    entry.key, entry.value = "location", location
    members = dict(pack.members) | {"model.onnx": model.SerializeToString()}
    return write_pack(tmp_path / "external.hatpack", pack.manifest, members)


@pytest.mark.parametrize("text, depth", [(b'{"a": [1, {"b": "[[{{"}]}', 3), (b'["]]]]\\"[[[["]', 1),
                                         (b'"{"', 0), (b"[" * 40 + b"]" * 40, 40)])
def test_json_depth_skips_brackets_inside_strings(text: bytes, depth: int) -> None:
    assert json_depth(text) == depth


def test_the_factory_manifests_are_far_under_the_depth_limit() -> None:
    for path in sorted(FACTORY.glob("*.hatpack")):
        data = zipfile.ZipFile(path).read("manifest.json")
        assert json_depth(data) <= 6 < MAX_MANIFEST_DEPTH
        assert isinstance(manifest_json(data), dict)


def test_a_manifest_nested_too_deeply_is_one_refusal_when_read(tmp_path: Path) -> None:
    with pytest.raises(PackError) as caught:
        read_pack(deep_pack(tmp_path))
    assert caught.value.check == "manifest"
    assert f"manifest.json is nested too deeply ({LEVELS + 1} levels; a pack's manifest has a few)" in str(caught.value)
    with pytest.raises(PackError, match="nested too deeply"):            # just over the limit, far under recursion's
        manifest_json(b"[" * (MAX_MANIFEST_DEPTH + 1) + b"]" * (MAX_MANIFEST_DEPTH + 1))


def test_pack_inspect_of_a_deep_manifest_says_it_in_one_line(tmp_path: Path, capsys) -> None:
    assert main(["pack", "inspect", str(deep_pack(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert "manifest.json is nested too deeply (100001 levels" in err
    assert "internal error" not in err and "RecursionError" not in err


def test_the_box_refuses_a_deep_manifest_without_a_traceback(tmp_path: Path, caplog) -> None:
    box = make_box(tmp_path)
    caplog.set_level(logging.DEBUG)
    r = box.push(deep_pack(tmp_path))
    assert r.status_code == 422, r.text
    body = json.dumps(r.json())
    assert "nested too deeply" in body and "RecursionError" not in body and "could not be checked" not in body
    assert not [rec for rec in caplog.records if rec.exc_info], [rec.getMessage() for rec in caplog.records]
    with pytest.raises(PackError) as caught:
        validate_pack(deep_pack(tmp_path), FAST_ENGINE)
    assert caught.value.check == "manifest"


@pytest.mark.parametrize("location", ["/etc/passwd", "../../x", "weights.bin"])
def test_push_refuses_external_data_before_onnxruntime_looks_it_up(tmp_path: Path, monkeypatch, capsys,
                                                                    location: str) -> None:
    running, codes, _, _ = start_remote_box(tmp_path, monkeypatch)
    try:
        assert main(["pair", running.url, "--code", codes[-1], "--name", "laptop"]) == 0
        pack = external_pack(tmp_path, location)
        monkeypatch.chdir(tmp_path)
        (tmp_path / "weights.bin").write_bytes(np.ones(4, np.float32).tobytes())   # a file of that name, here
        capsys.readouterr()
        assert main(["push", str(pack), "--quiet"]) == 2
        err = capsys.readouterr().err
    finally:
        running.stop()
    assert "model.onnx refers to external data (two); packs must be self-contained" in err, err
    assert "nothing was sent" in err
    assert "ONNXRuntime" not in err and "onnxruntime" not in err and "resolved path" not in err, err


def test_render_refuses_external_data_before_onnxruntime_looks_it_up(tmp_path: Path, monkeypatch, capsys) -> None:
    import soundfile as sf
    pack = external_pack(tmp_path, "weights.bin")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "weights.bin").write_bytes(np.ones(4, np.float32).tobytes())
    sf.write(tmp_path / "in.wav", np.zeros(4800, np.float32), 48000)
    assert main(["render", str(pack), "--input", "in.wav", "--out", "out.wav"]) == 2
    err = capsys.readouterr().err
    assert "model.onnx refers to external data (two)" in err and "ONNXRuntime" not in err, err
    assert not (tmp_path / "out.wav").exists()


def test_external_data_in_a_constant_node_or_a_function_is_found_too(tmp_path: Path) -> None:
    pack = read_pack(gain_pack(tmp_path / "good.hatpack", "fuzz", "1.0.0"))
    model = onnx.load_from_string(pack.model_bytes)
    value = onnx.numpy_helper.from_array(np.ones(2, np.float32), "c")
    value.ClearField("raw_data")
    value.data_location = onnx.TensorProto.EXTERNAL
    entry = value.external_data.add()
    entry.key, entry.value = "location", "/etc/hostname"
    constant = onnx.helper.make_node("Constant", [], ["unused"], value=value)
    in_graph, in_function = onnx.ModelProto(), onnx.ModelProto()
    in_graph.CopyFrom(model)
    in_graph.graph.node.append(constant)
    in_function.CopyFrom(model)
    in_function.functions.append(onnx.helper.make_function("local", "f", [], ["unused"], [constant], []))
    for hostile in (in_graph, in_function):
        with pytest.raises(PackError, match=r"refers to external data \(c\)") as caught:
            check_self_contained(hostile)
        assert caught.value.check == "onnx"
        with pytest.raises(PackError, match="external data"):
            refuse_external_data(hostile.SerializeToString())
    check_self_contained(onnx.load_from_string(pack.model_bytes))       # the pack as written passes
