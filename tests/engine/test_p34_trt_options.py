"""TensorRT's options (written against onnxruntime's documented TensorRT provider options; not verified on a GPU):
engines kept per model, FP32.  Before, every session on a board with TensorRT got no options at all: no engine cache
(an engine built at every start, load, swap and validation) - and the one path that passed a cache turned FP16 on,
which would not meet the packs' golden tolerance."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from device.audio import runtime


def test_each_model_gets_its_own_engine_folder_in_fp32(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[tuple[str, dict[str, str]]]] = []

    def fake_session(src: Any, sess_options: Any = None, providers: Any = None) -> str:
        seen.append(providers)
        return "session"
    monkeypatch.setattr(runtime.ort, "InferenceSession", fake_session)
    monkeypatch.setenv(runtime.TRT_CACHE_ENV, str(tmp_path / "trt"))
    monkeypatch.delenv("HATBOX_CPU_ONLY", raising=False)
    trt = ["TensorrtExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider"]
    for model in (b"model one", b"model two", b"model one"):
        runtime.make_session(model, providers=trt)
    folders = [dict(p)["TensorrtExecutionProvider"]["trt_engine_cache_path"] for p in seen]
    assert folders[0] == folders[2] != folders[1]
    assert all(Path(f).is_dir() and Path(f).parent == tmp_path / "trt" for f in folders)
    opts = dict(seen[0])["TensorrtExecutionProvider"]
    assert opts["trt_engine_cache_enable"] == "True" and opts["trt_fp16_enable"] == "False"
    assert dict(seen[0])["CUDAExecutionProvider"] == {}


def test_a_cpu_session_is_as_before_and_makes_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(runtime.TRT_CACHE_ENV, str(tmp_path / "trt"))
    from export.pack import read_pack
    pack = read_pack(Path(__file__).resolve().parents[2] / "factory" / "effect-drive.hatpack")
    assert runtime.make_session(pack.model_bytes, providers=["CPUExecutionProvider"]) is not None
    assert not (tmp_path / "trt").exists()


def test_the_box_keeps_tensorrt_s_engines_in_its_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse
    import os

    from hatbox import cmd_device
    env = {k: v for k, v in os.environ.items() if k != runtime.TRT_CACHE_ENV}
    monkeypatch.setattr(os, "environ", env)
    seen: dict[str, Any] = {}

    def fake_run(args: argparse.Namespace) -> int:
        seen["cache"] = env.get(runtime.TRT_CACHE_ENV)
        return 0
    monkeypatch.setattr(cmd_device, "_run", fake_run)
    assert cmd_device.run(argparse.Namespace(store=tmp_path / "store")) == 0
    assert seen["cache"] == str((tmp_path / "store").absolute() / "tensorrt")
