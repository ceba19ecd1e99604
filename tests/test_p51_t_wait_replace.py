"""p51 T6: `hatbox box-library NAME --wait` while `push-library FOLDER --name NAME --replace` uploads a new NAME waits
for that upload and follows the new library's tagging (before: it said at once how the old library's tagging had
ended, a second before the push deleted it)."""
from __future__ import annotations

import contextlib
from pathlib import Path

import httpx
import pytest

from hatbox import cmd_box_library, library_uploading
from hatbox.cli import main
from tests.api.conftest import PairedServer, paired_server, wav_bytes, zip_bytes  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack

MIB = 1024 * 1024


def _send_kitb(server: PairedServer, frames: int) -> str:
    """A real POST /libraries of a small kitB (``frames`` frames: each one's files differ); its id."""
    _, token = server.app.state.box.tokens.issue("laptop")
    r = httpx.post(f"{server.running.url}/libraries", params={"name": "kitB"}, headers={
        "Authorization": f"Bearer {token}"}, content=zip_bytes({"kit/a.wav": wav_bytes(frames)}), timeout=30)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_wait_during_a_replacing_upload_follows_the_new_library(paired_server: PairedServer, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    old = _send_kitb(paired_server, 2400)
    paired_server.app.state.box.libraries.wait(old, 20)
    archive = tmp_path / "up.archive"
    with open(archive, "wb") as fh:
        fh.truncate(12 * MIB)
    stack, new = contextlib.ExitStack(), []
    stack.enter_context(paired_server.app.state.box.libraries.uploads.track("kitB", archive, 224 * MIB, "laptop"))

    def upload_ends(_s: float) -> None:
        if not new:
            new.append(_send_kitb(paired_server, 3600))
            stack.close()
    monkeypatch.setattr(library_uploading.time, "sleep", upload_ends)
    followed: list[str] = []
    monkeypatch.setattr(cmd_box_library, "_follow_to_end", lambda _c, lid, *_a, **_k: followed.append(lid))
    capsys.readouterr()
    rc = main(["box-library", "kitB", "--wait"])
    err = capsys.readouterr().err
    assert rc == 0 and "waiting for 'kitB': being uploaded (12 of 224 MiB); then its tagging" in err, err
    assert followed == new and new != [old]
