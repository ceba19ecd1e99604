"""A 0-byte audio file (a note a recorder never wrote) says it is empty, not "Format not recognised"."""
from __future__ import annotations

from pathlib import Path

import pytest

from device.audio import audiofile
from hatbox.errors import AudioFileError


@pytest.mark.parametrize("name", ["C4.wav", "C4.flac", "C4.aiff"])
def test_info_and_read_say_a_zero_byte_file_is_empty(tmp_path: Path, name: str) -> None:
    path = tmp_path / "notes" / name
    path.parent.mkdir()
    path.write_bytes(b"")
    for call in (audiofile.info, audiofile.read):
        with pytest.raises(AudioFileError) as err:
            call(path)
        text = str(err.value)
        assert "empty file (0 bytes)" in text and str(path) in text
        assert "Format not recognised" not in text


def test_a_short_file_that_is_not_empty_still_gets_the_decoders_reason(tmp_path: Path) -> None:
    path = tmp_path / "C4.wav"
    path.write_bytes(b"RIFF")
    with pytest.raises(AudioFileError) as err:
        audiofile.info(path)
    assert "empty file" not in str(err.value)
