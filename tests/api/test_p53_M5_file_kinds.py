"""p53 review of the pack refusals (M5 #1): a file's kind is named only from a whole start that says it.  Any file
starting 0xFF with a next byte of 0xE0 or more was "an MP3 audio file": UTF-16LE text (its BOM is FF FE: PowerShell's
``>`` writes it) and a file of 0xFF bytes too.  Now an MPEG frame header is checked whole, and a byte-order mark
names text (a web page when HTML follows it)."""
from __future__ import annotations

from pathlib import Path

import pytest

from export.file_kind import AUDIO, OTHER, TEXT, WEB_PAGE, file_kind
from export.pack import read_pack
from hatbox.errors import PackError

PAD = b"\0" * 60
KINDS = {
    "mp3 frame (MPEG-1 layer III, 128 kb/s, 44.1 kHz)": (b"\xff\xfb\x90\x64" + PAD, "an MP3 audio file", AUDIO),
    "mp3 frame (MPEG-2 layer III)": (b"\xff\xf3\x84\xc4" + PAD, "an MP3 audio file", AUDIO),
    "aac in adts (44.1 kHz)": (b"\xff\xf1\x50\x80\x02\x1f\xfc" + PAD, "an AAC audio file", OTHER),
    "m4a": (b"\0\0\0\x20ftypM4A \0\0\0\0" + PAD, "an M4A audio file", OTHER),
    "mp4": (b"\0\0\0\x18ftypisom\0\0\x02\0" + PAD, "an MP4 audio or video file", OTHER),
    "midi": (b"MThd\0\0\0\x06\0\x01\0\x02\x01\xe0" + PAD, "a MIDI file", OTHER),
    "pdf": (b"%PDF-1.7\n" + PAD, "a PDF document", OTHER),
    "elf": (b"\x7fELF\x02\x01\x01" + PAD, "a program (ELF executable)", OTHER),
    "utf-16le json": ('\ufeff{"error": "not found"}'.encode("utf-16-le"), "a text file", TEXT),
    "utf-16le html": ("\ufeff<!DOCTYPE html><html>404</html>".encode("utf-16-le"), "a web page (HTML)", WEB_PAGE),
    "utf-16be text": ("\ufeffhello".encode("utf-16-be"), "a text file", TEXT),
    "utf-8 bom text": (b"\xef\xbb\xbfhello there", "a text file", TEXT),
    "utf-8 bom html": (b"\xef\xbb\xbf<html><body>", "a web page (HTML)", WEB_PAGE),
}
NOT_MPEG = {
    "0xff bytes": b"\xff" * 64,
    "reserved version": b"\xff\xeb\x90\x64" + PAD,          # version bits 01
    "free bitrate": b"\xff\xfb\x00\x64" + PAD,              # bitrate index 0000
    "bad bitrate": b"\xff\xfb\xf0\x64" + PAD,               # bitrate index 1111
    "reserved sample rate": b"\xff\xfb\x9c\x64" + PAD,      # sample-rate index 11
    "adts with a reserved sample rate": b"\xff\xf1\x7c\x80" + PAD,
    "sync alone": b"\xff\xe0",
}


@pytest.mark.parametrize("case", sorted(KINDS))
def test_each_kind_the_module_claims_is_named(case: str) -> None:
    head, words, kind = KINDS[case]
    assert file_kind(head[:64]) == (words, kind)


@pytest.mark.parametrize("case", sorted(NOT_MPEG))
def test_an_mpeg_sync_without_a_valid_frame_header_names_nothing(case: str) -> None:
    assert file_kind(NOT_MPEG[case]) is None


def test_a_utf16_text_named_hatpack_is_called_text_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "fx.hatpack"
    path.write_bytes('\ufeff{"error": "token expired"}\r\n'.encode("utf-16-le"))
    with pytest.raises(PackError) as err:
        read_pack(path)
    assert err.value.args[0] == "fx.hatpack is a text file, not a hatbox pack"
    assert "MP3" not in str(err.value) and "redirect" in err.value.hint


def test_a_file_of_ff_bytes_is_not_called_mp3(tmp_path: Path) -> None:
    path = tmp_path / "fx.hatpack"
    path.write_bytes(b"\xff" * 4096)
    with pytest.raises(PackError) as err:
        read_pack(path)
    assert "MP3" not in str(err.value) and "not a readable pack archive" in err.value.args[0]
    assert "no zip archive at all" in err.value.args[0] and "its end" not in err.value.args[0]   # final read FR2
