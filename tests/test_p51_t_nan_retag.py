"""p51 T1: a tagging whose files all fail as a fault of the pack (a broken tagger: NaN scores) is no "done": it ends
``failed`` with words that name the pack, a re-tag keeps the library's old tags, and `--wait` exits non-zero."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from onnx import TensorProto, helper, numpy_helper

from export.manifest import Manifest, TensorSpec
from export.pack import golden_bytes, write_pack
from hatbox.cli import main
from tests.api.conftest import PairedServer, paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack
from tests.cli_run import run as _run

TAGS = ("kick", "snare")


def nan_tagger_pack(path: Path, clip: int = 4, version: str = "2.0.0", nan_for_one: bool = False) -> Path:
    """A tagger pack whose golden check passes (2 rows) but whose every output is NaN for a batch of 4 or more:
    ``+ 0 * Sqrt(3.5 - batch size)`` added to each output (the QA tester's broken pack); ``nan_for_one``: NaN for a
    batch of 1 alone instead (``Sqrt(batch size - 1.5)``: a library's last file, alone in its batch)."""
    f = TensorProto.FLOAT
    rng = np.random.default_rng(0)
    w = rng.standard_normal((clip, len(TAGS))).astype(np.float32)
    e = rng.standard_normal((clip, 3)).astype(np.float32)
    nodes = [helper.make_node("Shape", ["audio"], ["shape"]),
             helper.make_node("Gather", ["shape", "zero"], ["b_i"], axis=0),
             helper.make_node("Cast", ["b_i"], ["b"], to=f),
             helper.make_node("Sub", ["b", "three_half"] if nan_for_one else ["three_half", "b"], ["left"]),
             helper.make_node("Sqrt", ["left"], ["root"]),
             helper.make_node("Mul", ["root", "nought"], ["bad"]),
             helper.make_node("MatMul", ["audio", "w"], ["l0"]),
             helper.make_node("Add", ["l0", "bad"], ["logits"]),
             helper.make_node("Softmax", ["l0"], ["p0"], axis=1),
             helper.make_node("Add", ["p0", "bad"], ["probs"]),
             helper.make_node("MatMul", ["audio", "e"], ["e0"]),
             helper.make_node("Add", ["e0", "bad"], ["embedding"])]
    inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(e, "e"),
             numpy_helper.from_array(np.array(0, np.int64), "zero"),
             numpy_helper.from_array(np.array(1.5 if nan_for_one else 3.5, np.float32), "three_half"),
             numpy_helper.from_array(np.array(0.0, np.float32), "nought")]
    graph = helper.make_graph(nodes, "tagger", [helper.make_tensor_value_info("audio", f, ["B", clip])],
                              [helper.make_tensor_value_info("logits", f, ["B", len(TAGS)]),
                               helper.make_tensor_value_info("probs", f, ["B", len(TAGS)]),
                               helper.make_tensor_value_info("embedding", f, ["B", 3])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    audio = rng.uniform(-1, 1, (2, clip)).astype(np.float32)
    logits = audio @ w
    probs = np.exp(logits - logits.max(1, keepdims=True))
    probs /= probs.sum(1, keepdims=True)
    golden = golden_bytes({"audio": audio}, {"logits": logits, "probs": probs.astype(np.float32),
                                             "embedding": audio @ e})
    m = Manifest(kind="tagger", name="broken", version=version, sample_rate=16000,
                 inputs=[TensorSpec("audio", ("B", clip))],
                 outputs=[TensorSpec("logits", ("B", len(TAGS))), TensorSpec("probs", ("B", len(TAGS))),
                          TensorSpec("embedding", ("B", 3))],
                 tags=list(TAGS), golden={"file": "golden.npz", "atol": 1e-4, "rtol": 1e-4},
                 extras={"tags": list(TAGS), "exclusive": True, "clip_samples": clip})
    return write_pack(path, m, {"model.onnx": model.SerializeToString(), "golden.npz": golden})


def _drums(tmp_path: Path, n: int = 6) -> Path:
    folder = tmp_path / "drums" / "kit"
    folder.mkdir(parents=True)
    for i in range(n):
        sf.write(folder / f"s{i}.wav", np.linspace(-0.5, 0.5, 4800 + 480 * i, dtype=np.float32), 48000)
    return folder.parent


def test_a_retag_by_a_nan_tagger_fails_naming_the_pack_and_keeps_the_old_tags(
        tmp_path: Path, paired_server: PairedServer, capsys: pytest.CaptureFixture[str]) -> None:
    drums = _drums(tmp_path)
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate"]) == 0
    assert main(["push-library", str(drums), "--wait", "--quiet"]) == 0
    rc, out, _ = _run(capsys, "box-library", "drums")
    assert rc == 0 and "kick" in out
    before = out
    assert main(["push", str(nan_tagger_pack(tmp_path / "bad.hatpack")), "--activate"]) == 0
    rc, out, err = _run(capsys, "box-library", "drums", "--retag", "--wait", "--quiet")

    assert rc != 0 and "tagging done" not in out and "of 0 files" not in out
    assert "a re-tag with tagger-broken-2.0.0-" in err and "gave no usable scores (NaN) for 6 of the 6 files" in err
    assert err.count("--retag") == 1, err
    rc, out, _ = _run(capsys, "box-library", "drums")
    assert out == before


def test_a_fresh_upload_tagged_by_a_nan_tagger_fails_and_wait_exits_non_zero(
        tmp_path: Path, paired_server: PairedServer, capsys: pytest.CaptureFixture[str]) -> None:
    drums = _drums(tmp_path)
    assert main(["push", str(nan_tagger_pack(tmp_path / "bad.hatpack")), "--activate"]) == 0
    rc, out, err = _run(capsys, "push-library", str(drums), "--wait", "--quiet")
    assert rc != 0 and "tagging done" not in out
    assert "the tagger pack tagger-broken-2.0.0-" in err and "a fault of the pack" in err
    assert err.count("--retag") == 1, err
    rc, out, err = _run(capsys, "box-kit", "--from", "drums")
    assert rc != 0 and err.count("hint: tag it first") == 1, err      # its hint was printed twice


def test_pack_faults_fail_a_tagging_from_half_the_files_heard() -> None:
    from device.api.library_tagging import PACK_FAULT, pack_fault
    from device.library.tag import NAN_SCORES
    assert PACK_FAULT in NAN_SCORES                 # the words the box counts pack faults by
    nan = ["kit/a.wav", NAN_SCORES]
    assert pack_fault({"tagged": 3, "failed": [nan, nan]}, "tagger-x", "lib-a", False) == ""
    fresh = pack_fault({"tagged": 2, "failed": [nan, nan]}, "tagger-x", "lib-a", False)
    assert "tagger pack tagger-x gave no usable scores (NaN) for 2 of the 4 files" in fresh and "--retag" in fresh
    staged = pack_fault({"tagged": 0, "failed": [nan]}, "tagger-x", "lib-a", True)
    assert "--retag" not in staged and "tagger-x" not in staged     # the laptop's re-tag line names both
    assert pack_fault({"tagged": 0, "failed": [["kit/b.wav", "cannot be read"]]}, "tagger-x", "lib-a", False) == ""


def test_no_note_of_more_long_files_than_files_tagged() -> None:
    from hatbox.box_words import long_count_true
    assert not long_count_true({"long_files": 1, "tagged": 0})        # "1 of 0 files tagged are over 2 s"
    assert long_count_true({"long_files": 2, "tagged": 9}) and long_count_true({})
