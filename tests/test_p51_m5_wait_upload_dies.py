"""p51 M5 (review of T6): `hatbox box-library NAME --wait` while an upload of NAME (push-library --replace) is taken,
and the upload then ends without a new library (cut off, refused), fails naming the library kept; before, it followed
the old library and said its "tagging done", exit 0."""
from __future__ import annotations

from pathlib import Path

import pytest

from hatbox import library_uploading
from hatbox.cli import main
from tests.api.conftest import PairedServer, paired_server  # noqa: F401 - the fixture
from tests.test_p51_t_wait_replace import kitb_upload_in_progress


def test_wait_for_a_replacing_upload_cut_off_fails_naming_the_library_kept(
        paired_server: PairedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    old, stack = kitb_upload_in_progress(paired_server, tmp_path)
    monkeypatch.setattr(library_uploading.time, "sleep", lambda _s: stack.close())     # the upload is cut off
    capsys.readouterr()
    rc = main(["box-library", "kitB", "--wait"])
    out, err = capsys.readouterr()
    assert rc != 0 and "tagging done" not in out, (out, err)
    assert (f"the upload of 'kitB' ended without a new library (cut off or refused: hatbox box-logs); library {old} "
            "from before is unchanged") in err, err
