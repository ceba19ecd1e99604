"""p53 QA T1 #2: `library query DB --untagged --json` and `box-library ID --untagged --json` list the files the
producer marked "none of my words", marked so (``none``/``yours`` true), as the text lists them apart; before, the
JSON was ``[]`` where the text listed one."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import soundfile as sf

from hatbox import box_client, cmd_box_library, library_browse
from hatbox.cli import build_parser, main
from tests.tagger.conftest import hiss, small_pack, thump  # noqa: F401 - small_pack: a fixture


def test_library_query_untagged_json_holds_the_files_marked_none(tmp_path: Path, small_pack: Path,  # noqa: F811
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    for i, name in enumerate(("a.wav", "b.wav")):
        sf.write(lib / name, (thump if i % 2 else hiss)(16000, seed=i), 16000)
    assert main(["tag", str(lib), "--pack", str(small_pack)]) == 0
    db = lib / ".hatbox-tags.sqlite"
    assert main(["library", "fix", str(db), "a.wav", "--none"]) == 0
    capsys.readouterr()
    assert main(["library", "query", str(db), "--untagged"]) == 0
    assert "none of the words, yours (1):" in capsys.readouterr().out
    assert main(["library", "query", str(db), "--untagged", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    marked = [r for r in rows if r["none"]]
    assert [Path(r["path"]).name for r in marked] == ["a.wav"] and marked[0]["yours"] is True
    assert set(marked[0]) == {"path", "best_guess", "score", "none", "yours"}
    assert all(r["yours"] is False for r in rows if not r["none"])


def test_box_library_untagged_json_holds_the_boxes_none_rows(monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    answer = [{"path": "n.wav", "best_guess": "hat", "score": 0.2, "none": False},
              {"path": "x.wav", "best_guess": "kick", "score": 0.71, "none": True}]

    def call(_client: Any, method: str, path: str, **kw: Any) -> Any:
        assert path == "/libraries/lib/untagged" and kw.get("params") == {"nones": "true"}
        return answer
    monkeypatch.setattr(library_browse, "_call", call)
    monkeypatch.setattr(cmd_box_library, "_call", call)
    monkeypatch.setattr(box_client, "_call", call)
    args = build_parser().parse_args(["box-library", "lib", "--untagged", "--json"])
    assert cmd_box_library._one_library(object(), args, "lib") == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows == [{"path": "n.wav", "best_guess": "hat", "score": 0.2, "none": False, "yours": False},
                    {"path": "x.wav", "best_guess": "kick", "score": 0.71, "none": True, "yours": True}]
