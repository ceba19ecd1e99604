"""p56 R1 review, finding 4: tag.failed_words listed every OSError as the system's refusal, with a chmod hint: a
failing USB drive's read was "cannot read: input/output error (let your user read it: chmod u+r /mnt/usb/kit/hat.wav;
...)".  Only a PermissionError is a refusal now; other faults are said in the system's words alone (whole strings)."""
from __future__ import annotations

import errno
from pathlib import Path

import pytest

from device.library import tag
from hatbox.cli import main
from tests.api.packs import tagger_pack
from tests.library.test_p50_ff_tagging import _tone


@pytest.mark.parametrize("exc, words", [
    (OSError(errno.EIO, "Input/output error"), "cannot read: input/output error"),
    (OSError(errno.EMFILE, "Too many open files"), "cannot read: too many open files"),
    (IsADirectoryError(errno.EISDIR, "Is a directory"), "cannot read: is a directory"),
], ids=["EIO", "EMFILE", "EISDIR"])
def test_a_fault_that_is_no_refusal_gets_no_chmod(tmp_path: Path, exc: OSError, words: str) -> None:
    path = tmp_path / "kit" / "hat.wav"
    assert tag.failed_words(exc, path) == words


def test_a_drive_failing_while_a_file_is_read_is_listed_without_a_chmod(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    lib = tmp_path / "lib"
    _tone(lib / "a.wav")
    _tone(lib / "hat.wav")
    real = tag.content_hash

    def content_hash(path: Path) -> str:        # the drive fails reading hat.wav's bytes
        if path.name == "hat.wav":
            raise OSError(errno.EIO, "Input/output error")
        return real(path)
    monkeypatch.setattr(tag, "content_hash", content_hash)
    argv = ["tag", str(lib), "--pack", str(tagger_pack(tmp_path / "t.hatpack")), "--out", str(tmp_path / "l.db")]
    capsys.readouterr()
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "  failed hat.wav: cannot read: input/output error\n" in out, out
