"""p56 read RD3 finding 6: the synth trainer said "chmod -R" for a note folder on a failing drive (EIO); now the
system's words alone, and the chmod only for a refusal (device.audio.closed_folder.way_hint)."""
from __future__ import annotations

import errno
from pathlib import Path

import pytest

from hatbox.errors import DataError
from hatbox.file_access import access_hint
from trainer.synth.data import load_folder


@pytest.mark.parametrize("error, chmod", [(OSError(errno.EIO, "Input/output error"), False),
                                          (PermissionError(errno.EACCES, "Permission denied"), True)])
def test_a_note_folder_that_cannot_be_looked_at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                error: OSError, chmod: bool) -> None:
    def is_dir(self: Path) -> bool:
        raise error
    monkeypatch.setattr(Path, "is_dir", is_dir)
    with pytest.raises(DataError) as caught:
        load_folder(tmp_path / "notes", 16000, 0.5)
    assert caught.value.message.endswith(f"{tmp_path / 'notes'}: {error.strerror.lower()}"), caught.value.message
    assert caught.value.hint == (access_hint(tmp_path, folder=True) if chmod else None)
