"""p49 review of F2/F7 (the laptop-to-box library path): closeness with too few other files is null (the cosine
printed), headings say which they print; the same-name note reads the new library's files once from the upload's
answer and says when --replace will refuse; the long-files words live in device.library.long_files alone and the
tagging reads no header twice; push-library keeps its walk only for --replace."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from device.library import long_files
from device.library.closeness import alike_text, closeness_of
from device.library.tag import tag_library
from hatbox import library_browse, library_carry, library_replace
from hatbox.cli import main
from hatbox.library_owners import PushSeen, same_name_lines
from hatbox.listing import CLOSENESS_WORDS, FEW_WORDS, OLDER_BOX_WORDS
from tests.api.conftest import paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack
from tests.library.test_p49_long_files import CLIP, _library
from trainer.tagger import report_heard


def test_too_few_or_all_alike_other_files_have_no_closeness() -> None:
    assert closeness_of([0.999]) == [None]                     # was [0]: "not alike at all"
    assert closeness_of([0.999, 0.95]) == [None, None]         # was [96, 0]
    assert closeness_of([0.97] * 6) == [None] * 6               # was [0] * 6
    assert closeness_of([0.99, 0.98, 0.97, 0.96, 0.95]) == [67, 33, 0, 0, 0]
    assert alike_text(None, 0.9991) == "0.999" and alike_text(67, 0.99) == "67"


def test_library_query_like_prints_cosines_under_a_cosine_heading_for_two_other_files(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    lib = _library(tmp_path / "Samples", long=1, short=2)
    db = tmp_path / "tags.db"
    assert main(["tag", str(lib), "--pack", str(tagger_pack(tmp_path / "t.hatpack", clip=CLIP)), "--out", str(db)]) == 0
    capsys.readouterr()
    headings: list[str] = []
    monkeypatch.setattr("hatbox.cmd_tag.heading", headings.append)     # (a terminal's only)
    assert main(["library", "query", str(db), "--like", str(lib / "hits" / "f1.wav")]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 2 and all(len(r[0].split(".")[-1]) == 3 and "." in r[0] for r in rows), rows
    assert len(headings) == 1 and FEW_WORDS in headings[0] and CLOSENESS_WORDS not in headings[0], headings


def test_an_older_box_s_cosines_are_not_headed_closeness(monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    headings: list[str] = []
    monkeypatch.setattr(library_browse, "heading", headings.append)
    library_browse.like_lines([{"path": "a.wav", "score": 0.99}, {"path": "b.wav", "score": 0.9}], "x.wav")
    assert capsys.readouterr().out.split() == ["0.990", "a.wav", "0.900", "b.wav"]
    assert OLDER_BOX_WORDS in headings[0] and CLOSENESS_WORDS not in headings[0], headings
    headings.clear()
    library_browse.like_lines([{"path": "a.wav", "score": 0.99, "closeness": 80}], "x.wav")
    assert CLOSENESS_WORDS in headings[0] and capsys.readouterr().out.split() == ["80", "a.wav"]
    assert "1 = the same" not in (library_browse.like_lines.__doc__ or "").split("(")[0]


def _same_name(monkeypatch: pytest.MonkeyPatch, fixes: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """same_name_lines for a new library of two files beside two older ones of yours of the name (the box's
    answers faked): (its lines, the ids held_files went to the box for)."""
    asked: list[str] = []

    def held(client: Any, lib: dict[str, Any]) -> dict[str, int]:
        if not isinstance(lib.get("files"), list):
            asked.append(str(lib.get("id")))
        return {"a.wav": 10, "b.wav": 20}
    monkeypatch.setattr(library_carry, "held_files", held)
    monkeypatch.setattr(library_replace, "lost_fixes", lambda client, lib, carried: fixes)
    answer = {"id": "new", "name": "Loops", "sha256": "n", "files": [{"path": "a.wav", "bytes": 10, "ok": True}]}
    libs = [{"id": i, "name": "Loops", "uploaded_by_you": True, "sha256": i, "seq": n}
            for n, i in enumerate(["old1", "old2", "new"], 1)]
    return same_name_lines(libs, answer, client=object(), push=PushSeen(Path("Loops"), False)), asked


def test_the_same_name_note_reads_the_new_library_s_files_once_from_the_upload(monkeypatch: pytest.MonkeyPatch
                                                                                ) -> None:
    lines, asked = _same_name(monkeypatch, [])
    assert asked == ["old1", "old2"], asked           # was also "new" once per older library (10k records each)
    assert len(lines) == 3 and all("an earlier push of these files" in line for line in lines[1:]), lines
    assert not any("refuses" in line for line in lines)


def test_the_note_says_replace_refuses_while_another_laptop_s_corrections_are_held(monkeypatch: pytest.MonkeyPatch
                                                                                   ) -> None:
    theirs = [{"path": "a.wav", "tags": ["kick"], "by": "laptopB", "by_you": False}]
    lines, _ = _same_name(monkeypatch, theirs)
    assert all("(--replace refuses while it holds another laptop's corrections)" in line for line in lines[1:]), lines
    mine, _ = _same_name(monkeypatch, [{**theirs[0], "by_you": True}])
    assert not any("refuses" in line for line in mine) and "corrections of 1 file" in mine[1]
    assert library_replace.push_again({"name": "Loops"}, Path("Loops"), True) == \
        "hatbox push-library Loops --name Loops"


def test_training_says_long_files_in_the_tagging_s_own_words() -> None:
    assert report_heard.LONG_FACTOR == long_files.LONG_FACTOR
    assert report_heard.seconds_words is long_files.seconds_words and report_heard.first_words is long_files.first_words


def test_tagging_reads_no_header_past_the_decode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lib = _library(tmp_path / "Samples", long=3, short=1)

    def no_header(path: Any) -> float:
        raise AssertionError("read a header the decode had read already")
    monkeypatch.setattr("device.audio.audiofile.file_seconds", no_header)
    report = tag_library(lib, tagger_pack(tmp_path / "t.hatpack", clip=CLIP), tmp_path / "tags.db")
    assert (report.tagged, report.long_files) == (4, 3)


def _push_keeps_walk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *extra: str) -> Any:
    made: list[Any] = []
    real = library_replace.Replacement.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        real(self, *args, **kwargs)
        made.append(self)
    monkeypatch.setattr(library_replace.Replacement, "__init__", init)
    folder = tmp_path / "Kit"
    folder.mkdir(exist_ok=True)
    sf.write(folder / "hit.wav", np.linspace(-0.5, 0.5, 4800, dtype=np.float32), 48000)
    assert main(["push-library", str(folder), "--quiet", *extra]) == 0
    return made[-1].walked


def test_push_library_keeps_its_walk_only_for_replace(paired_server: Any, tmp_path: Path,  # noqa: F811 - fixture
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    assert _push_keeps_walk(tmp_path, monkeypatch) is None               # was the walk, held for the whole push
    kept = _push_keeps_walk(tmp_path, monkeypatch, "--replace")
    assert [rel for rel, _ in kept] == ["hit.wav"]
