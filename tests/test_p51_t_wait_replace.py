"""p51 T6: `hatbox box-library NAME --wait` while `push-library FOLDER --name NAME --replace` uploads a new NAME waits
for that upload and follows the new library's tagging (before: it said at once how the old library's tagging had
ended, a second before the push deleted it)."""
from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from hatbox import cmd_box_library, library_uploading
from hatbox.cli import main
from tests.api.conftest import PairedServer, paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack
from tests.api.push_steps import send_kitb

MIB = 1024 * 1024


def kitb_upload_in_progress(server: PairedServer, tmp_path: Path) -> tuple[str, contextlib.ExitStack]:
    """The tagger active, a library kitB tagged (its id), and an upload of a new kitB in progress on the box (12 of
    224 MiB received), which closing the returned stack ends."""
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    old = send_kitb(server, 2400)
    server.app.state.box.libraries.wait(old, 20)
    archive = tmp_path / "up.archive"
    with open(archive, "wb") as fh:
        fh.truncate(12 * MIB)
    stack = contextlib.ExitStack()
    stack.enter_context(server.app.state.box.libraries.uploads.track("kitB", archive, 224 * MIB, "laptop"))
    return old, stack


def test_wait_during_a_replacing_upload_follows_the_new_library(paired_server: PairedServer, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    old, stack = kitb_upload_in_progress(paired_server, tmp_path)
    new: list[str] = []

    def upload_ends(_s: float) -> None:
        if not new:
            new.append(send_kitb(paired_server, 3600))
            stack.close()
    monkeypatch.setattr(library_uploading.time, "sleep", upload_ends)
    followed: list[str] = []
    monkeypatch.setattr(cmd_box_library, "_follow_to_end", lambda _c, lid, *_a, **_k: followed.append(lid))
    capsys.readouterr()
    rc = main(["box-library", "kitB", "--wait"])
    err = capsys.readouterr().err
    assert rc == 0 and "waiting for 'kitB': being uploaded (12 of 224 MiB); then its tagging" in err, err
    assert followed == new and new != [old]
