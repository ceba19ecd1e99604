"""p50 M4, review of FC's uploads in progress.

3. `hatbox box-library` listed "(uploading)  kitB  being uploaded (12 of 224 MiB), from laptopB" and then "no
   libraries on the box (send a folder ...)"; `box-library kitB --wait` during the upload exited 2 "try again when it
   is tagged" although waiting is what was asked.  Now the footer says "no library yet: 1 upload in progress", and
   --wait waits for the upload to end, then follows the library as --wait does (bounded; Ctrl-C says where it was).
4. Three MiB formatters (library_uploads_live.mib, library_uploading._mib, text.size_words): one hatbox.text.part_of.
5. how_far's docstring said "(12 MiB of 224)" where the code says "(12 of 224 MiB)".
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Callable

import pytest

from hatbox import library_uploading
from hatbox.cli import main
from hatbox.text import part_of
from tests.api.conftest import PairedServer
from tests.api.push_steps import send_kitb

MIB = 1024 * 1024


def _sparse(path: Path, size: int) -> Path:
    with open(path, "wb") as fh:
        fh.truncate(size)
    return path


def _uploading(server: PairedServer, tmp_path: Path, stack: contextlib.ExitStack) -> None:
    """kitB listed as being uploaded (12 of 224 MiB, from laptopB) until ``stack`` closes."""
    uploads = server.app.state.box.libraries.uploads
    stack.enter_context(uploads.track("kitB", _sparse(tmp_path / "up.archive", 12 * MIB), 224 * MIB, "laptopB"))


def _on_first_poll(monkeypatch: pytest.MonkeyPatch, then: Callable[[], None]) -> None:
    """The laptop's first wait between two looks at the box runs ``then`` (the upload ending, say) instead."""
    def sleep(_s: float) -> None:
        then()
    monkeypatch.setattr(library_uploading.time, "sleep", sleep)


def test_the_footer_says_an_upload_is_in_progress(paired_server: PairedServer, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    with contextlib.ExitStack() as stack:
        _uploading(paired_server, tmp_path, stack)
        capsys.readouterr()
        assert main(["box-library"]) == 0
    out = capsys.readouterr()
    assert "(uploading)  kitB  being uploaded (12 of 224 MiB), from laptopB" in out.out
    assert "no library yet: 1 upload in progress" in out.out + out.err
    assert "no libraries on the box" not in out.out + out.err
    capsys.readouterr()
    assert main(["box-library"]) == 0                               # none: as before
    assert "no libraries on the box (send a folder" in "".join(capsys.readouterr())


def test_wait_during_an_upload_waits_for_it_then_follows_the_library(paired_server: PairedServer, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    stack = contextlib.ExitStack()
    _uploading(paired_server, tmp_path, stack)

    def upload_ends() -> None:
        send_kitb(paired_server, device="laptopB")
        stack.close()
    _on_first_poll(monkeypatch, upload_ends)
    capsys.readouterr()
    rc = main(["box-library", "kitB", "--wait"])
    err = capsys.readouterr().err
    assert "waiting for 'kitB': being uploaded (12 of 224 MiB); then its tagging" in err
    assert "try again when it is tagged" not in err
    [lib] = paired_server.app.state.box.libraries.list()
    assert rc == 2 and f"library {lib['id']} is not tagged" in err, err     # followed: this box has no tagger


def test_wait_is_stopped_by_ctrl_c_saying_where_it_was(paired_server: PairedServer, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    def ctrl_c() -> None:
        raise KeyboardInterrupt
    with contextlib.ExitStack() as stack:
        _uploading(paired_server, tmp_path, stack)
        _on_first_poll(monkeypatch, ctrl_c)
        capsys.readouterr()
        assert main(["box-library", "kitB", "--wait"]) == 130
    err = capsys.readouterr().err
    assert "stopped waiting (Ctrl-C): 'kitB' was being uploaded (12 of 224 MiB) (the upload goes on)" in err
    assert "hatbox box-library kitB --wait" in err


def test_an_upload_that_ends_with_no_library_and_the_bound(paired_server: PairedServer, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    stack = contextlib.ExitStack()
    _uploading(paired_server, tmp_path, stack)
    _on_first_poll(monkeypatch, stack.close)                      # cut off: nothing kept
    capsys.readouterr()
    assert main(["box-library", "kitB", "--wait", "--quiet"]) == 2
    assert "the upload of 'kitB' ended, and the box holds no library of that name" in capsys.readouterr().err
    monkeypatch.setattr(library_uploading, "WAIT_UPLOAD_S", 0.0)
    _on_first_poll(monkeypatch, lambda: None)
    with contextlib.ExitStack() as again:
        _uploading(paired_server, tmp_path, again)
        assert main(["box-library", "kitB", "--wait", "--quiet"]) == 2
    assert "'kitB' was still being uploaded (12 of 224 MiB) after 0 s: stopped waiting" in capsys.readouterr().err


def test_one_wording_of_an_uploads_progress() -> None:
    assert part_of(12 * MIB, 224 * MIB) == "12 of 224 MiB"
    assert part_of(MIB // 2, 2 * MIB) == "0.5 of 2.0 MiB"
    assert part_of(224 * MIB) == part_of(224 * MIB, None) == part_of(224 * MIB, 0) == "224 MiB"
    from device.api import library_uploads_live
    assert not hasattr(library_uploads_live, "mib") and not hasattr(library_uploading, "_mib")
    assert "(12 of 224 MiB)" in (library_uploading.how_far.__doc__ or "")
    up: dict[str, Any] = {"name": "kitB", "phase": "receiving", "received": 12 * MIB, "total": None}
    assert library_uploading.how_far(up) == "being uploaded (12 MiB)"
