"""p52 QA1 finding 5: `box-library kit --like/--play PATH` of a laptop file added to the pushed folder since the push
said "not a path inside the library" (with a hint to give a relative path, which would not help); only `--fix` said
"a file added to the folder since it was sent is not on the box".  Now all three say it."""
from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from hatbox import library_path
from hatbox.box_client import BoxRefused
from hatbox.errors import HatboxError
from hatbox.library_path import library_file, retaken

WORDS = "a file added to the folder since it was sent is not on the box"


def _folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder pushed as the library of digest "aa" (pushed.json), holding loops/pad.wav."""
    folder = tmp_path / "kit"
    (folder / "loops").mkdir(parents=True)
    (folder / "loops" / "pad.wav").write_bytes(b"RIFF" + bytes(40))
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "pushed.json").write_text(json.dumps({str(folder.resolve()): {"sha256": "aa"}}))
    return folder


def test_p52_K_a_file_added_since_the_push_is_said_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path, monkeypatch)
    shutil.copy(folder / "loops" / "pad.wav", folder / "loops" / "new_since.wav")
    held: dict[str, int | None] = {"loops/pad.wav": 44}
    with pytest.raises(HatboxError) as got:                      # was: None, the box's "not a path inside" stood
        library_file(str(folder / "loops" / "new_since.wav"), held, {"name": "kit", "sha256": "aa"})
    assert WORDS in str(got.value) and "the folder pushed as library kit" in str(got.value)
    assert got.value.hint is not None and "push-library" in got.value.hint and "--replace" in got.value.hint
    assert library_file(str(folder / "loops" / "pad.wav"), held, {"name": "kit", "sha256": "aa"}) == "loops/pad.wav"


@pytest.mark.parametrize("option", ["like", "play"])
def test_p52_K_like_and_play_say_what_fix_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, option: str) -> None:
    folder = _folder(tmp_path, monkeypatch)
    shutil.copy(folder / "loops" / "pad.wav", folder / "loops" / "new_since.wav")
    record = {"id": "lib-kit", "name": "kit", "sha256": "aa", "files": [{"path": "loops/pad.wav", "bytes": 44}]}
    monkeypatch.setattr(library_path, "call", lambda _c, method, route, **_kw: record)
    monkeypatch.chdir(folder)
    for given in (str(folder / "loops" / "new_since.wav"), "loops/new_since.wav"):
        args = argparse.Namespace(**{"like": None, "play": None, "fix": None, option: given})
        refused: Any = BoxRefused("'...' is not a path inside the library", status=422)
        with pytest.raises(HatboxError, match=WORDS):
            retaken(None, "lib-kit", args, None, refused)
