"""p50 MF3, final read of the laptop's commands.

5. `hatbox box-library NAME --retag --wait` during NAME's upload waited for it, then picked the library with the
   default picks ("newest": another laptop's, where several are called NAME), although `box-library NAME --retag`
   picks only this laptop's (hatbox.library_find.picks_for; the p47 yours_named rule).  Now the waited-for library is
   picked as the command picks one: of two called kitB, both laptopB's, --retag --wait refuses the name.
3. The "no such library" error (a GET of the box's deletions) is made only where it is said: an upload of the name
   found, it is not asked for.
"""
from __future__ import annotations

import argparse
import contextlib
from pathlib import Path

import pytest

from hatbox import library_uploading
from hatbox.cli import main
from hatbox.errors import HatboxError
from tests.api.conftest import PairedServer, paired_server  # noqa: F401 - the fixture
from tests.api.push_steps import send_kitb

MIB = 1024 * 1024


def _uploading(server: PairedServer, tmp_path: Path, stack: contextlib.ExitStack) -> None:
    """kitB listed as being uploaded (12 of 224 MiB, from laptopB) until ``stack`` closes."""
    archive = tmp_path / "up.archive"
    with open(archive, "wb") as fh:
        fh.truncate(12 * MIB)
    stack.enter_context(server.app.state.box.libraries.uploads.track("kitB", archive, 224 * MIB, "laptopB"))


def test_retag_wait_picks_as_retag_does(paired_server: PairedServer, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    stack = contextlib.ExitStack()
    _uploading(paired_server, tmp_path, stack)

    def uploads_end() -> None:                  # two libraries called kitB, neither this laptop's
        send_kitb(paired_server, 2400, "laptopB")
        send_kitb(paired_server, 3600, "laptopB")
        stack.close()
    monkeypatch.setattr(library_uploading.time, "sleep", lambda _s: uploads_end())
    capsys.readouterr()
    rc = main(["box-library", "kitB", "--retag", "--wait", "--quiet"])
    out, err = capsys.readouterr()
    assert len(paired_server.app.state.box.libraries.list()) == 2
    assert rc == 2 and "2 libraries on the box are called 'kitB' (oldest first)" in err, out + err
    assert "give the id of the one you mean" in err
    assert "tagging again" not in out + err and "this is the newest" not in err     # laptopB's left as it is


def test_the_missing_error_is_made_only_when_said(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[str] = []

    def missing() -> HatboxError:
        made.append("asked")
        return HatboxError("the box has no library 'kitB'")
    upload = {"name": "kitB", "phase": "receiving", "received": 12 * MIB, "total": 224 * MIB}
    monkeypatch.setattr(library_uploading, "uploads_now", lambda _c: [upload])
    said = library_uploading.uploading_error(object(), "kitB", missing)
    assert "'kitB' is still being uploaded (12 of 224 MiB)" in str(said) and made == []
    args = argparse.Namespace(id="kitB", wait=False)
    with pytest.raises(HatboxError, match="still being uploaded"):
        library_uploading.awaited_upload(object(), args, missing)
    assert made == []
    monkeypatch.setattr(library_uploading, "uploads_now", lambda _c: [])
    assert str(library_uploading.uploading_error(object(), "kitB", missing)) == "the box has no library 'kitB'"
    with pytest.raises(HatboxError, match="the box has no library 'kitB'"):
        library_uploading.awaited_upload(object(), args, missing)
    assert made == ["asked", "asked"]
