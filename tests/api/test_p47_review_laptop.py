"""p47 review of the laptop side (K1): a paged listing read while the box changes it, a name several libraries
share picked for an action that changes one, a path typed in a Latin-1 folder, the remembered re-push saying what
it left out, a same-size rewrite with the same modification time, the aliases kept for tests."""
from __future__ import annotations

import argparse
import io
import os
import stat
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from hatbox import library_browse, library_memory
from hatbox.cli import main
from hatbox.errors import HatboxError
from hatbox.library_fixes import left_out_lines
from hatbox.utf8_mode import _as_typed
from tests.api.conftest import paired_server  # noqa: F401 - the fixture


def _fake_box(monkeypatch: pytest.MonkeyPatch, listing: list[dict[str, Any]], change: Any) -> list[int]:
    """library_browse._page answering from ``listing``, calling ``change(listing, n)`` before the n-th page."""
    calls: list[int] = []

    def page(_client: Any, _path: str, params: dict[str, Any]) -> tuple[list[Any], int]:
        calls.append(params["offset"])
        change(listing, len(calls))
        return listing[params["offset"]:params["offset"] + params["k"]], len(listing)
    monkeypatch.setattr(library_browse, "_page", page)
    return calls


def _rows(n: int) -> list[dict[str, Any]]:
    return [{"path": f"f{i:05d}.wav", "margin": i / n} for i in range(n)]


def test_a_row_inserted_before_the_second_page_is_read_once_and_none_is_lost(monkeypatch, capsys) -> None:
    def insert(listing: list[dict[str, Any]], n: int) -> None:
        if n == 2:                              # the tagger reached one more file: it sorts first
            listing.insert(0, {"path": "new.wav", "margin": 0.0})
    calls = _fake_box(monkeypatch, _rows(1500), insert)
    items, total = library_browse.paged(None, "/libraries/x/unsure", "unsure", None)
    paths = [i["path"] for i in items]
    assert len(paths) == len(set(paths)) == total == 1501 and "new.wav" in paths
    assert calls == [0, 1000, 0, 1000] and capsys.readouterr().err == ""      # started over once


def test_a_row_moved_between_pages_is_not_kept_twice(monkeypatch) -> None:
    def move(listing: list[dict[str, Any]], n: int) -> None:
        if n == 2:                              # a correction moved a file of page 1 to page 2: same count
            listing.insert(1200, listing.pop(10))
    _fake_box(monkeypatch, _rows(1500), move)
    items, total = library_browse.paged(None, "/libraries/x/unsure", "unsure", None)
    paths = [i["path"] for i in items]
    assert len(paths) == len(set(paths)) and total == 1500


def test_a_listing_that_keeps_changing_is_said_on_stderr(monkeypatch, capsys) -> None:
    def grow(listing: list[dict[str, Any]], n: int) -> None:
        if n % 2 == 0:
            listing.insert(0, {"path": f"new{n}.wav", "margin": 0.0})
    _fake_box(monkeypatch, _rows(1500), grow)
    items, _ = library_browse.paged(None, "/libraries/x/unsure", "unsure", None)
    assert len({i["path"] for i in items}) == len(items)
    assert "the listing changed while it was read: run it again" in capsys.readouterr().err


def _lib(lid: str, seq: int, yours: bool | None, by: str) -> dict[str, Any]:
    return {"id": lid, "name": "loops", "seq": seq, "uploaded": 1_700_000_000 + seq, "uploaded_by": by,
            "uploaded_by_you": yours}


def _args(**given: Any) -> argparse.Namespace:
    return argparse.Namespace(**{"delete": False, "fix": None, "retag": False, "cancel": False, **given})


@pytest.mark.parametrize("action", [{"cancel": True}, {"retag": True}, {"fix": ["a.wav", "kick"]}])
def test_an_action_that_changes_a_library_never_picks_another_laptop_s_by_its_name(action, capsys) -> None:
    from hatbox.cmd_box_library import _picks, find_library
    theirs = [_lib("lib-loops-1", 1, False, "laptopB"), _lib("lib-loops-2", 2, False, "laptopC")]
    assert find_library(theirs, "loops")["id"] == "lib-loops-2"                 # reading: the newest, as before
    with pytest.raises(HatboxError, match="2 libraries on the box are called 'loops'"):
        find_library(theirs, "loops", picks=_picks(_args(**action)))
    mine = [_lib("lib-loops-1", 1, True, "laptopA"), _lib("lib-loops-2", 2, False, "laptopB")]
    capsys.readouterr()
    assert find_library(mine, "loops", picks=_picks(_args(**action)))["id"] == "lib-loops-1"
    assert "this is the only one of yours, lib-loops-1" in capsys.readouterr().err
    two = [_lib("lib-loops-1", 1, True, "laptopA"), _lib("lib-loops-3", 3, True, "laptopA"),
           _lib("lib-loops-2", 2, False, "laptopB")]
    with pytest.raises(HatboxError, match="3 libraries"):
        find_library(two, "loops", picks=_picks(_args(**action)))
    assert find_library(mine, "lib-loops-2", picks=_picks(_args(**action)))["id"] == "lib-loops-2"    # an id


def test_a_new_file_in_a_latin1_named_folder_keeps_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "Trommels\udce4tze"            # the folder's name is Latin-1 bytes on disk
    folder.mkdir()
    typed = str(folder / "fixes.csv")                  # a file not there yet
    assert _as_typed(typed, "latin-1") == typed
    assert _as_typed(f"--export-fixes={typed}", "latin-1") == f"--export-fixes={typed}"
    assert _as_typed("Trommels\udce4tze", "latin-1") == "Trommelsätze"     # a word (a tag) read as typed
    new = str(tmp_path / "Trommels\udce4tze-neu" / "f.csv")              # no such folder as given: read as typed
    assert _as_typed(new, "latin-1") == str(tmp_path / "Trommelsätze-neu" / "f.csv")


def test_a_left_out_name_that_is_not_utf8_is_shown_as_its_bytes(tmp_path: Path) -> None:
    lines = left_out_lines(tmp_path, [("caf\udce9.wav", "the box refuses its name (not UTF-8): rename it")])
    assert "  skipped caf\\xe9.wav: the box refuses its name (not UTF-8): rename it" in lines


def _aged(folder: Path) -> None:
    for f in folder.rglob("*"):
        os.utime(f, ns=(f.stat().st_mtime_ns - 10**10,) * 2)


def _wav(n: int) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, np.linspace(-0.5, 0.5, n, dtype=np.float32), 48000, format="WAV")
    return buf.getvalue()


def test_an_unchanged_folder_pushed_again_still_says_what_it_left_out(paired_server, tmp_path, capsys) -> None:
    folder = tmp_path / "kit"
    folder.mkdir()
    (folder / "k.wav").write_bytes(_wav(2400))
    (folder / "caf\udce9.wav").write_bytes(_wav(2880))     # a Latin-1 name: the box refuses it
    _aged(folder)
    assert main(["push-library", str(folder), "--quiet"]) == 0
    first = capsys.readouterr().out
    assert "  skipped caf\\xe9.wav: the box refuses its name" in first
    assert main(["push-library", str(folder), "--quiet"]) == 0
    again = capsys.readouterr().out
    assert "nothing was sent again" in again and "  skipped caf\\xe9.wav: the box refuses its name" in again
    assert stat.S_IMODE(library_memory.memory_path().stat().st_mode) == 0o600


def test_a_same_size_rewrite_with_the_same_mtime_is_a_change(tmp_path: Path) -> None:
    f = tmp_path / "lib" / "a.wav"
    f.parent.mkdir()
    f.write_bytes(b"A" * 100)
    _aged(f.parent)
    before, mtime = library_memory.fingerprint(f.parent), f.stat().st_mtime_ns
    assert before is not None
    time.sleep(0.05)                                   # past the file system's coarse clock tick
    f.write_bytes(b"B" * 100)                          # rewritten in place, then its time set back (cp -p, rsync -t)
    os.utime(f, ns=(mtime, mtime))
    assert f.stat().st_size == 100 and library_memory.fingerprint(f.parent) not in (before, None)
    (tmp_path / "b.wav").write_bytes(b"C" * 100)       # replaced by another file (unzip): another inode
    os.utime(tmp_path / "b.wav", ns=(mtime, mtime))
    os.replace(tmp_path / "b.wav", f)
    assert library_memory.fingerprint(f.parent) not in (before, None)


def test_a_file_modified_just_now_is_not_remembered(tmp_path: Path) -> None:
    (tmp_path / "a.wav").write_bytes(b"A" * 100)
    assert library_memory.fingerprint(tmp_path) is None        # FAT's 2 s steps: it may change again unseen
    _aged(tmp_path)
    assert library_memory.fingerprint(tmp_path) is not None


def test_no_alias_is_kept_for_tests() -> None:
    import hatbox.box_client as box_client
    import hatbox.cmd_box_library as cmd
    assert not {"_as_archive", "_check_has_audio", "_is_pack", "library_name"} & set(vars(cmd))
    assert not hasattr(box_client, "_size_words")
