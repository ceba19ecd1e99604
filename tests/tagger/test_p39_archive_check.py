"""Thirty-ninth stop's box QA: `hatbox push-library` read a 6 KB tar of 8 GiB of zeros through for 40 s before
sending it (looking for an audio file), and the box's refusal said "more than 4294967296 bytes"."""
from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

from device.library.archive_members import bytes_words, others_if_no_audio


def test_sizes_are_said_in_units_a_musician_reads() -> None:
    assert [bytes_words(n) for n in (4 << 30, 500 << 20, 12345, 100)] == ["4 GiB", "500 MiB", "12.1 KiB", "100 bytes"]


def _tar(path: Path, members: list[tuple[str, bytes]]) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


def test_the_audio_check_stops_at_the_first_audio_file_and_counts_the_others(tmp_path: Path) -> None:
    tar = _tar(tmp_path / "kit.tar.gz", [("kit/kick.wav", b"RIFF" + bytes(100)), ("kit/readme.txt", b"x")])
    assert others_if_no_audio(tar) is None
    docs = tmp_path / "docs.zip"
    with zipfile.ZipFile(docs, "w") as zf:
        zf.writestr("a.pdf", b"x")
        zf.writestr("__MACOSX/._k.wav", b"x")
    assert others_if_no_audio(docs) == 2
    assert others_if_no_audio(_tar(tmp_path / "t.tar.gz", [("notes.txt", b"x")])) == 1
