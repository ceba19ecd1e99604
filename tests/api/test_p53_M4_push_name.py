"""p53 review M4 #4, #6: push-library records the box's name for the library only once the box holds it (a refused
push left `library export`'s note naming a library the box lacks); `--untagged --json -k N` prints N rows at most,
those marked none of the words counted (they were added after the cut)."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from hatbox import box_client, cmd_box_library, library_browse
from hatbox.cli import build_parser, main
from hatbox.errors import HatboxError
from hatbox.library_memory import memory_path
from tests.api.conftest import PairedServer
from tests.tagger.conftest import hiss, small_pack, thump  # noqa: F401 - small_pack: a fixture


def _folder(tmp_path: Path) -> Path:
    """A folder of two samples, as if copied in a minute ago (a push remembers only a settled folder)."""
    folder = tmp_path / "lib"
    folder.mkdir()
    for i in range(2):
        sf.write(folder / f"{i}.wav", np.linspace(-0.5, 0.5, 4800 + 480 * i, dtype=np.float32), 48000)
    past = time.time() - 60
    for f in folder.iterdir():
        os.utime(f, (past, past))
    return folder


def _names() -> list[Any]:
    kept = json.loads(memory_path().read_text()) if memory_path().is_file() else {}
    return [entry.get("name") for entry in kept.values()]


def test_a_refused_push_records_no_name_and_an_accepted_one_does(tmp_path: Path, paired_server: PairedServer,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path)

    def refused(self: Any, archive: Path) -> Any:
        raise HatboxError("the box refused the library (a test)")
    real = cmd_box_library._Push._upload
    monkeypatch.setattr(cmd_box_library._Push, "_upload", refused)
    assert main(["push-library", str(folder), "--name", "Samples", "--quiet"]) != 0
    assert "Samples" not in _names()                    # the box holds no library of that name
    monkeypatch.setattr(cmd_box_library._Push, "_upload", real)
    assert main(["push-library", str(folder), "--name", "Samples", "--quiet"]) == 0
    assert _names() == ["Samples"]
    monkeypatch.setattr(cmd_box_library._Push, "_upload", refused)
    (folder / "2.wav").write_bytes((folder / "0.wav").read_bytes() + b"\0")
    os.utime(folder / "2.wav", (time.time() - 60, time.time() - 60))
    assert main(["push-library", str(folder), "--name", "Other", "--again", "--quiet"]) != 0
    assert _names() == ["Samples"]                      # the name the box holds it by stays


def test_library_query_untagged_json_k_counts_the_files_marked_none(tmp_path: Path, small_pack: Path,  # noqa: F811
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    for i in range(3):
        sf.write(lib / f"{i}.wav", (thump if i % 2 else hiss)(16000, seed=i), 16000)
    assert main(["tag", str(lib), "--pack", str(small_pack)]) == 0
    db = lib / ".hatbox-tags.sqlite"
    for i in range(2):
        assert main(["library", "fix", str(db), f"{i}.wav", "--none"]) == 0
    capsys.readouterr()
    assert main(["library", "query", str(db), "--untagged", "--json", "-k", "1"]) == 0
    said = capsys.readouterr()
    rows = json.loads(said.out)
    assert len(rows) == 1, rows
    assert "the first 1 of" in said.err


def test_box_library_untagged_json_k_counts_the_boxes_none_rows(monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    answer = [{"path": "n.wav", "best_guess": "hat", "score": 0.2, "none": False},
              {"path": "x.wav", "best_guess": "kick", "score": 0.71, "none": True},
              {"path": "y.wav", "best_guess": "kick", "score": 0.6, "none": True}]

    def call(_client: Any, method: str, path: str, **kw: Any) -> Any:
        return answer
    for module in (library_browse, cmd_box_library, box_client):
        monkeypatch.setattr(module, "_call", call)
    args = build_parser().parse_args(["box-library", "lib", "--untagged", "--json", "-k", "2"])
    assert cmd_box_library._one_library(object(), args, "lib") == 0
    said = capsys.readouterr()
    assert [r["path"] for r in json.loads(said.out)] == ["n.wav", "x.wav"]
    assert "... the first 2 of 3: -k 3 lists them all" in said.err
