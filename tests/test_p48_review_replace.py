"""Forty-eighth stop, review of `push-library --replace` (K1), against a served box with two paired laptops.

#1: a box that could not list an old library's corrections (a locked tags.db: 500) read as "none", and --replace
deleted a library holding a box correction.  Now it refuses before the upload, and after it leaves that library
(exit 2).  #3: the refusal's hint says --fixes CSV sends the CSV in place of the folder's own database.  #4: an
upload whose answer was lost (every byte sent) is said as such, "your libraries" only when there are some, and the
push sent again (the box holds the library now: the held path) finishes the replacement, as after a failed sending
of the corrections."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

import device.api.library_fixes as box_fixes
from hatbox import cmd_box_library, library_replace, upload_asked
from hatbox.box_client import BoxRefused, _gone_error, _Upload, _upload_error
from hatbox.cli import main
from hatbox.errors import HatboxError, Interrupted
from tests.test_p48_replace_fixes import _tagged_old
from tests.test_p48_replace_push import Duo, duo, folder, run  # noqa: F401 - the fixture


def _locked(*_a: Any, **_k: Any) -> Any:
    raise sqlite3.OperationalError("database is locked")


def test_corrections_the_box_cannot_list_refuse_before_the_upload(duo: Duo, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    src, old = _tagged_old(duo, tmp_path, "laptopA")
    monkeypatch.setattr(box_fixes, "listed_fixes", _locked)
    rc, out, err = run(capsys, "push-library", str(src), "--replace", "--quiet", "--no-fixes")
    assert rc == 2 and duo.ids() == [old], out + err                          # nothing sent, nothing deleted
    assert f"the corrections made on the box of library {old} ('a', yours) could not be read" in err, err
    assert "nothing was sent, nothing deleted" in err and "--replace --yes" in err


def test_corrections_the_box_cannot_list_after_the_upload_leave_the_library(duo: Duo, tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch,
                                                                            capsys: pytest.CaptureFixture[str]) -> None:
    src, old = _tagged_old(duo, tmp_path, "laptopA")
    real = cmd_box_library.upload

    def then_locked(*a: Any, **k: Any) -> Any:
        body = real(*a, **k)
        monkeypatch.setattr(box_fixes, "listed_fixes", _locked)
        return body
    monkeypatch.setattr(cmd_box_library, "upload", then_locked)
    monkeypatch.setattr(library_replace, "check_before", lambda *a, **k: 1)   # read before: none lost then
    rc, out, err = run(capsys, "push-library", str(src), "--replace", "--quiet", "--no-fixes")
    assert rc == 2 and old in duo.ids() and len(duo.ids()) == 2, out + err
    assert f"--replace: left your library {old}: the corrections made on the box of library {old}" in err, err
    assert f"--replace left 1 older library of yours, as said above: {old}" in err


def test_a_damaged_library_answer_is_not_read_as_none(monkeypatch: pytest.MonkeyPatch) -> None:
    def damaged(*_a: Any, **_k: Any) -> Any:
        raise BoxRefused("the box cannot do that: the tag database is damaged", status=409, error="library damaged")
    monkeypatch.setattr(library_replace, "_call", damaged)
    with pytest.raises(HatboxError, match="damaged"):
        library_replace.box_fixes(object(), {"id": "lib-a-1"})

    def not_tagged(*_a: Any, **_k: Any) -> Any:
        raise BoxRefused("the box cannot do that: not tagged yet", status=409, error="not tagged")
    monkeypatch.setattr(library_replace, "_call", not_tagged)
    assert library_replace.box_fixes(object(), {"id": "lib-a-1"}) == []


def test_the_hint_says_fixes_csv_goes_in_place_of_the_folders_own_database(tmp_path: Path) -> None:
    src = folder(tmp_path, "a")
    lib = {"id": "lib-a-1", "name": "a"}
    assert "in place of" not in library_replace.keep_hint(lib, src, False)
    (src / ".hatbox-tags.sqlite").write_bytes(b"")
    hint = library_replace.keep_hint(lib, src, False)
    assert f"--replace --fixes FILE.csv (it sends FILE.csv in place of .hatbox-tags.sqlite: then hatbox push-library " \
           f"{src} sends your corrections made on this laptop to the new library too" in hint, hint


def test_a_lost_answer_is_said_as_such_and_your_libraries_only_when_there_are_some() -> None:
    up = _Upload("kit", 100, "hatbox box-library", sent=100)
    lost = [_upload_error(TimeoutError("read"), up), _gone_error(up, 30.0),
            Interrupted("interrupted (Ctrl-C) after all of kit was sent: the box may still keep it")]
    for exc in lost:
        said = library_replace.not_sent_words(exc, "kit", 1, "hatbox push-library kit")
        assert said.startswith("--replace: the box's answer did not come back: it may hold the new library; "
                               "nothing was deleted (hatbox push-library kit --replace again"), (exc, said)
    cut = _upload_error(TimeoutError("write"), _Upload("kit", 100, "hatbox box-library", sent=40))
    refused = BoxRefused("the box says: no space", status=507, error="no space")
    for exc, mine in ((cut, 0), (refused, 0), (refused, 2)):
        said = library_replace.not_sent_words(exc, "kit", mine, "hatbox push-library kit")
        assert said.startswith("--replace: the new library was not accepted, so nothing was deleted"), said
        assert ("your libraries called 'kit' stay as they were" in said) == (mine == 2), said


def test_the_push_sent_again_after_a_lost_answer_finishes_the_replacement(duo: Duo, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    duo.be("laptopA")
    src = folder(tmp_path, "a")
    assert main(["push-library", str(src), "--quiet"]) == 0
    [old] = duo.ids()
    sf.write(src / "kit" / "new.wav", np.linspace(-0.5, 0.5, 7000, dtype=np.float32), 48000)
    real = cmd_box_library.upload

    def answer_lost(*a: Any, **k: Any) -> Any:
        real(*a, **k)                                      # the box keeps it; its answer never comes back
        raise _upload_error(TimeoutError("read"), _Upload(str(src), 10, "hatbox box-library", sent=10))
    monkeypatch.setattr(cmd_box_library, "upload", answer_lost)
    monkeypatch.setattr(upload_asked, "ask_box", lambda *_a, **_k: (upload_asked.UNREACHED, None))  # p54 F4: the
    rc, out, err = run(capsys, "push-library", str(src), "--replace", "--quiet")     # box cannot be asked either
    assert rc == 2 and len(duo.ids()) == 2 and "the box's answer did not come back" in err, out + err
    monkeypatch.setattr(cmd_box_library, "upload", real)
    rc, out, err = run(capsys, "push-library", str(src), "--replace", "--quiet", "--json")
    [new] = [i for i in duo.ids() if i != old] or [None]
    assert rc == 0 and duo.ids() == [new], out + err                        # the old one went, nothing sent again
    assert f"--replace: deleted your older library {old}" in err and '"replaced": ["' + old + '"]' in out


def test_the_push_sent_again_after_its_corrections_failed_finishes_the_replacement(
        duo: Duo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    duo.be("laptopA")
    src = folder(tmp_path, "a")
    assert main(["push-library", str(src), "--quiet"]) == 0
    [old] = duo.ids()
    sf.write(src / "kit" / "new.wav", np.linspace(-0.5, 0.5, 7000, dtype=np.float32), 48000)
    csv = tmp_path / "fixes.csv"
    csv.write_text("a/kit/s0.wav,snare\n")

    def box_gone(*_a: Any, **_k: Any) -> Any:
        raise HatboxError("the connection to the box broke; your corrections did not reach it")
    real = cmd_box_library.send_fixes
    monkeypatch.setattr(cmd_box_library, "send_fixes", box_gone)
    rc, out, err = run(capsys, "push-library", str(src), "--replace", "--fixes", str(csv), "--quiet")
    assert rc == 2 and len(duo.ids()) == 2, out + err
    monkeypatch.setattr(cmd_box_library, "send_fixes", real)
    rc, out, err = run(capsys, "push-library", str(src), "--replace", "--fixes", str(csv), "--quiet")
    [new] = [i for i in duo.ids() if i != old] or [None]
    assert rc == 0 and duo.ids() == [new] and "your corrections of 1 file" in out, out + err
    assert f"--replace: deleted your older library {old}" in out
