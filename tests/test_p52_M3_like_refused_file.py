"""p52 review R3 finding 2: `box-library kit --like/--play/--fix PATH` of a laptop file in the folder pushed as the
library that the box refused at upload (a broken WAV, not audio) was called "a file added to the folder since it was
sent", with a hint to push again (which would refuse it again), and a hidden file, which the push leaves behind, too.
Now a refused one is asked again by its path inside the library, so the box's own reason stands; a hidden one is
said so."""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from hatbox import library_path
from hatbox.box_client import BoxRefused
from hatbox.errors import HatboxError
from hatbox.library_path import library_file, retaken

ADDED = "a file added to the folder since it was sent"


def _folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder pushed as the library of digest "aa" (pushed.json): loops/pad.wav (kept), broken.wav and notes.txt
    (refused at upload), .hidden.wav (left behind by the push)."""
    folder = tmp_path / "kit"
    (folder / "loops").mkdir(parents=True)
    for name in ("loops/pad.wav", "broken.wav", "notes.txt", ".hidden.wav"):
        (folder / name).write_bytes(b"RIFF" + bytes(40))
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "pushed.json").write_text(json.dumps({str(folder.resolve()): {"sha256": "aa"}}))
    return folder


HELD: dict[str, int | None] = {"loops/pad.wav": 44}
LISTED = ["loops/pad.wav", "broken.wav", "notes.txt"]


@pytest.mark.parametrize("name", ["broken.wav", "notes.txt"])
def test_p52_M3_a_file_refused_at_upload_is_its_library_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str], name: str) -> None:
    folder = _folder(tmp_path, monkeypatch)
    lib = {"name": "kit", "sha256": "aa"}
    assert library_file(str(folder / name), HELD, lib, listed=LISTED) == name      # was: "added since it was sent"
    assert f"note: {folder / name} matched {name} (in {folder.resolve()}" in capsys.readouterr().err


def test_p52_M3_a_hidden_file_is_said_left_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path, monkeypatch)
    with pytest.raises(HatboxError) as got:
        library_file(str(folder / ".hidden.wav"), HELD, {"name": "kit", "sha256": "aa"}, listed=LISTED)
    assert "leaves hidden files and folders (.*) behind" in str(got.value) and ADDED not in str(got.value)


def test_p52_M3_like_of_a_refused_file_asks_again_by_its_library_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path, monkeypatch)
    record = {"id": "lib-kit", "name": "kit", "sha256": "aa",
              "files": [{"path": "loops/pad.wav", "bytes": 44, "ok": True},
                        {"path": "broken.wav", "ok": False, "reason": "not a valid WAV"}]}
    monkeypatch.setattr(library_path, "call", lambda _c, method, route, **_kw: record)
    args = argparse.Namespace(like=str(folder / "broken.wav"), play=None, fix=None)
    refused: Any = BoxRefused("'...' is not a path inside the library", status=422)
    assert retaken(None, "lib-kit", args, None, refused) is True
    assert args.like == "broken.wav"          # asked again: the box's "refused when the library was uploaded (...)"
