"""p51 M5 (review of T6): `hatbox box-library NAME --wait` while an upload of NAME (push-library --replace) is taken,
and the upload then ends without a new library (cut off, refused), fails naming the library kept; before, it followed
the old library and said its "tagging done", exit 0."""
from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from hatbox import library_uploading
from hatbox.cli import main
from tests.api.conftest import PairedServer, paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack
from tests.test_p51_t_wait_replace import MIB, _send_kitb


def test_wait_for_a_replacing_upload_cut_off_fails_naming_the_library_kept(
        paired_server: PairedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    old = _send_kitb(paired_server, 2400)
    paired_server.app.state.box.libraries.wait(old, 20)
    archive = tmp_path / "up.archive"
    with open(archive, "wb") as fh:
        fh.truncate(12 * MIB)
    stack = contextlib.ExitStack()
    stack.enter_context(paired_server.app.state.box.libraries.uploads.track("kitB", archive, 224 * MIB, "laptop"))
    monkeypatch.setattr(library_uploading.time, "sleep", lambda _s: stack.close())     # the upload is cut off
    capsys.readouterr()
    rc = main(["box-library", "kitB", "--wait"])
    out, err = capsys.readouterr()
    assert rc != 0 and "tagging done" not in out, (out, err)
    assert (f"the upload of 'kitB' ended without a new library (cut off or refused: hatbox box-logs); library {old} "
            "from before is unchanged") in err, err
