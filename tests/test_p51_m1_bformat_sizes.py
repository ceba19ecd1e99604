"""device.audio.file_headers.bformat_header says False, as its docstring promises, for a Wave64 whose chunk claims a
size of 2**63 or more (fifty-first stop, mend M1): the fmt search's seek went past what a file offset can hold and
raised ValueError ("cannot fit 'int' into an offset-sized integer"); it is bounded by the file's size now, as
w64_header_problem's walk is.  And the fmt search's limit of 16 chunks is pinned: a B-format fmt chunk as the 16th
chunk is found, as the 17th it is not (that file is read as plain multichannel audio)."""
from __future__ import annotations

import struct
from pathlib import Path

import pytest

from device.audio.file_headers import _FMT_SEARCH, bformat_header, header_problem

W64_GUID = bytes.fromhex("f3acd3118cd100c04f8edb8a")
W64_RIFF = b"riff" + bytes.fromhex("2e91cf11a5d628db04c10000")
# a WAVE_FORMAT_EXTENSIBLE fmt body (40 bytes): 4 channels, 16 kHz, float, the B-format SubFormat GUID
BFORMAT_FMT = (struct.pack("<HHIIHHHHI", 0xFFFE, 4, 16000, 16000 * 16, 16, 32, 22, 32, 0)
               + bytes.fromhex("03000000" + "2107d3118644c8c1ca000000"))


def _w64_chunk(name: bytes, body: bytes, size: int | None = None) -> bytes:
    """A Wave64 chunk: its GUID, its size (``size``, or the true one: 24 + the body), the body padded to 8 bytes."""
    return name + W64_GUID + struct.pack("<Q", 24 + len(body) if size is None else size) + body + \
        b"\0" * (-len(body) % 8)


def _w64(path: Path, chunks: bytes) -> Path:
    body = b"wave" + W64_GUID + chunks
    path.write_bytes(W64_RIFF + struct.pack("<Q", 24 + len(body)) + body)
    return path


@pytest.mark.parametrize("size", [2**63, 2**64 - 1, 2**63 - 8, 2**62])
def test_a_wave64_chunk_size_past_any_offset_is_no_bformat(tmp_path: Path, size: int) -> None:
    junk_first = _w64(tmp_path / "a.w64", _w64_chunk(b"junk", b"x" * 8, size) + _w64_chunk(b"fmt ", BFORMAT_FMT))
    assert bformat_header(junk_first) is False
    assert header_problem(junk_first) == "W64 file has no data chunk"       # the neighbour walk: bounded already


def test_a_wave64_chunk_size_to_the_files_end_is_read_up_to_it(tmp_path: Path) -> None:
    fmt = _w64_chunk(b"fmt ", BFORMAT_FMT)
    assert bformat_header(_w64(tmp_path / "ok.w64", _w64_chunk(b"junk", b"x" * 8) + fmt))
    exact = _w64(tmp_path / "end.w64", _w64_chunk(b"junk", b"x" * 8, 24 + 8 + len(fmt)) + fmt)
    assert not bformat_header(exact)                        # its junk chunk holds the fmt: none is left to find


def _wav(path: Path, junk_chunks: int) -> Path:
    """A RIFF WAVE: ``junk_chunks`` junk chunks, then a B-format fmt chunk, then a data chunk."""
    body = b"WAVE" + (b"junk" + struct.pack("<I", 2) + b"xx") * junk_chunks + b"fmt " + struct.pack("<I", 40) + \
        BFORMAT_FMT + b"data" + struct.pack("<I", 16) + b"\0" * 16
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


def test_the_fmt_search_stops_after_16_chunks(tmp_path: Path) -> None:
    assert _FMT_SEARCH == 16
    assert bformat_header(_wav(tmp_path / "first.wav", 0))
    assert bformat_header(_wav(tmp_path / "16th.wav", _FMT_SEARCH - 1))
    assert not bformat_header(_wav(tmp_path / "17th.wav", _FMT_SEARCH))
    w64 = _w64(tmp_path / "17th.w64", _w64_chunk(b"junk", b"x") * _FMT_SEARCH + _w64_chunk(b"fmt ", BFORMAT_FMT))
    assert not bformat_header(w64)
    w64 = _w64(tmp_path / "16th.w64", _w64_chunk(b"junk", b"x") * (_FMT_SEARCH - 1) + _w64_chunk(b"fmt ", BFORMAT_FMT))
    assert bformat_header(w64)
