"""What an audio file's header declares against what the file holds, read from its bytes (no decoding).

libsndfile plays a WAV, AIFF or Wave64 whose header claims more audio than the file holds as if it were whole
(shortened without a word), and guesses an MP3's length from its first frame; these checks say so instead.
Each returns "" for an honest file (or one it cannot judge) and a reason otherwise.  Re-exported by
:mod:`device.audio.audiofile`.
"""
from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import Any

STREAMING_SIZE = 0xFFFFFFFF                  # a RIFF or data size a writer that could not seek back left: "to the end"


def wav_header_problem(path: str | Path) -> str:
    """Whether a RIFF/WAVE file's header lies about its data size ("" if it is honest, or if the file
    is no RIFF/WAVE at all: an AIFF named .wav is the decoder's to judge): a truncated file, or one a
    recorder never finished, claims more audio than it holds.  A data size of :data:`STREAMING_SIZE`
    (what ffmpeg and sox write to a pipe, where they cannot go back to fill the sizes in) means the
    audio runs to the end of the file, as libsndfile, ffmpeg and sox read it: that is no lie."""
    path = Path(path)
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] not in (b"RIFF", b"RIFX") or head[8:12] != b"WAVE":
            return ""
        fmt = "<I" if head[:4] == b"RIFF" else ">I"
        pos = 12
        while pos + 8 <= size:
            fh.seek(pos)
            cid, (csize,) = fh.read(4), struct.unpack(fmt, fh.read(4))
            if cid == b"data":
                avail = size - pos - 8
                if csize <= avail or csize == STREAMING_SIZE:
                    return ""
                return f"WAV header claims {csize} bytes of audio but the file holds {avail}"
            pos += 8 + csize + (csize & 1)
    return "WAV file has no data chunk"


def _extended(raw: bytes) -> float:
    """The IEEE 754 80-bit extended float (big-endian, as AIFF's COMM holds the sample rate) in ``raw``."""
    exp, mant = struct.unpack(">HQ", raw)
    sign, exp = -1.0 if exp & 0x8000 else 1.0, exp & 0x7FFF
    return 0.0 if exp == 0 and mant == 0 else sign * mant * 2.0 ** (exp - 16383 - 63)


# AIFF-C compression types whose frames have a fixed size in bytes (per channel): None = the COMM's sample size
_AIFC_BYTES = {b"NONE": None, b"twos": None, b"sowt": None, b"raw ": None, b"in24": 3, b"in32": 4, b"42ni": 3,
               b"23ni": 4, b"fl32": 4, b"FL32": 4, b"fl64": 8, b"FL64": 8, b"ulaw": 1, b"ULAW": 1, b"alaw": 1,
               b"ALAW": 1}


def _missing(what: str, declared: int, held: int, rate: float) -> str:
    """The problem text for a ``what`` ("AIFF", "W64") header that claims ``declared`` frames of which the
    file holds ``held`` (``rate`` Hz; 0 when unknown)."""
    gone = declared - held
    secs = f", {gone / rate:.3g} s" if rate > 0 else ""
    return f"{what} header claims {declared} frames of audio but the file holds {held} ({gone} frames{secs} missing)"


def aiff_header_problem(path: str | Path) -> str:
    """Whether an AIFF or AIFF-C file's header lies about its length ("" if it is honest, or if the file is
    no AIFF at all): the COMM chunk's frame count against the frames its SSND chunk holds, up to the end of
    the chunk or of the file, whichever comes first (for an AIFF-C whose compression has no fixed frame
    size, IMA ADPCM, GSM, DWVW: the SSND chunk's size against the bytes the file holds, as for a WAV).  A
    truncated file claims more audio than it holds, and libsndfile decodes what is there without a word.
    A COMM of 0 frames (what a writer that could not seek back leaves) and an SSND size of 0 ("to the end
    of the file") are no lie."""
    path = Path(path)
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] != b"FORM" or head[8:12] not in (b"AIFF", b"AIFC"):
            return ""
        frames = width = ssnd = ssnd_size = -1
        rate = 0.0
        pos = 12
        while pos + 8 <= size:
            fh.seek(pos)
            cid, (csize,) = fh.read(4), struct.unpack(">I", fh.read(4))
            if cid == b"COMM" and csize >= 18:
                comm = fh.read(min(csize, 22))
                if len(comm) < 18:                     # cut short inside its COMM: the decoder refuses it
                    return ""
                channels, frames, bits = struct.unpack(">hIh", comm[:8])
                rate = _extended(comm[8:18])
                kind = comm[18:22] if head[8:12] == b"AIFC" and len(comm) >= 22 else b"NONE"
                per = _AIFC_BYTES.get(kind, 0)         # 0: compressed, no fixed frame size to count with
                width = max(channels, 1) * (per or (bits + 7) // 8) if per != 0 else 0
            elif cid == b"SSND":
                ssnd, ssnd_size = pos, csize
            pos += 8 + csize + (csize & 1)
        if width == 0 and ssnd >= 0 and ssnd_size > size - ssnd - 8:
            avail = size - ssnd - 8
            return (f"AIFF header claims {ssnd_size} bytes of audio but the file holds {avail} "
                    f"({ssnd_size - avail} bytes missing)")
        if frames <= 0 or width <= 0:
            return ""
        if ssnd < 0:
            return _missing("AIFF", frames, 0, rate)
        fh.seek(ssnd + 8)
        offset = struct.unpack(">I", fh.read(4))[0] if ssnd + 12 <= size else 0
        start = ssnd + 16 + offset
        end = size if ssnd_size == 0 else min(size, ssnd + 8 + ssnd_size)
        held = max(end - start, 0) // width
        return _missing("AIFF", frames, held, rate) if held < frames else ""


_W64_GUID = bytes.fromhex("f3acd3118cd100c04f8edb8a")   # the last 12 bytes of Wave64's chunk GUIDs
_W64_RIFF = b"riff" + bytes.fromhex("2e91cf11a5d628db04c10000")
_W64_FRAME_TAGS = (1, 3, 6, 7, 0xFFFE)     # PCM, float, A-law, mu-law, extensible: the block is one frame


def w64_header_problem(path: str | Path) -> str:
    """Whether a Sony Wave64 file's header lies about its data size ("" if it is honest, or if the file is no
    Wave64 at all): its data chunk claims more bytes than the file holds (a truncated file, which libsndfile
    decodes as far as it goes without a word).  Counted in frames (PCM, float, A-law, mu-law: the fmt chunk's
    block is one frame), in bytes for a compressed one (IMA ADPCM, GSM: a block holds many frames)."""
    path = Path(path)
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(40)
        if len(head) < 40 or head[:16] != _W64_RIFF or head[24:40] != b"wave" + _W64_GUID:
            return ""
        block, rate, pos = 0, 0.0, 40
        while pos + 24 <= size:
            fh.seek(pos)
            guid, (csize,) = fh.read(16), struct.unpack("<Q", fh.read(8))
            if guid == b"fmt " + _W64_GUID and csize >= 24 + 14:
                fmt = fh.read(14)
                if len(fmt) < 14:                      # cut short inside its fmt chunk: the decoder refuses it
                    return ""
                tag, _channels, hz, _bps, align = struct.unpack("<HHIIH", fmt)
                rate, block = float(hz), align if tag in _W64_FRAME_TAGS else 0
            elif guid == b"data" + _W64_GUID:
                declared, avail = max(csize - 24, 0), size - pos - 24
                if declared <= avail:
                    return ""
                if block > 0:
                    return _missing("W64", declared // block, avail // block, rate)
                return (f"W64 header claims {declared} bytes of audio but the file holds {avail} "
                        f"({declared - avail} bytes missing)")
            if csize < 24:                              # a chunk size that cannot be: stop rather than loop
                break
            pos += (csize + 7) & ~7
    return "W64 file has no data chunk"


def header_problem(path: str | Path) -> str:
    """Whether a WAV, AIFF / AIFF-C or Wave64 file's header claims more audio than the file holds ("" if
    not, or for other formats), told by the file's first bytes, not its name: :func:`wav_header_problem`,
    :func:`aiff_header_problem`, :func:`w64_header_problem`.  Every such text contains " header claims "
    for a file cut short."""
    return wav_header_problem(path) or aiff_header_problem(path) or w64_header_problem(path)


# WAVE_FORMAT_EXTENSIBLE's SubFormat GUIDs of ambisonic B-format, PCM and float (00000001-0721-11d3-8644-c8c1ca000000,
# 00000003-...): the bytes after their first field (the format code, 1 or 3), as a fmt chunk holds them
_BFORMAT_TAIL = bytes.fromhex("2107d3118644c8c1ca000000")
_EXTENSIBLE = 0xFFFE
# chunks looked through for the fmt chunk (it is nearly always the first): a B-format fmt chunk behind 16 others
# is not found, and that file is read as plain multichannel audio: its channels are mixed, W, X, Y and Z alike
_FMT_SEARCH = 16


def bformat_header(path: str | Path) -> bool:
    """Whether the file at ``path`` is ambisonic B-format by its header, whatever its name: a RIFF, RF64 or BW64
    WAVE, or a Wave64, whose fmt chunk is WAVE_FORMAT_EXTENSIBLE with a B-format SubFormat GUID (what libsndfile
    writes for an .amb and reports by SFC_WAVEX_GET_AMBISONIC, which soundfile does not expose).  Reads the chunk
    headers up to the fmt chunk (the first :data:`_FMT_SEARCH`), no audio; False for any other file or one that
    does not read."""
    try:
        with open(path, "rb") as fh:
            fmt = _wav_fmt(fh)
            fmt = _w64_fmt(fh) if fmt is None else fmt
    except OSError:
        return False
    return (fmt is not None and len(fmt) >= 40 and struct.unpack_from("<H", fmt)[0] == _EXTENSIBLE
            and struct.unpack_from("<I", fmt, 24)[0] in (1, 3) and fmt[28:40] == _BFORMAT_TAIL)


def _wav_fmt(fh: Any) -> bytes | None:
    """The first 40 bytes of the fmt chunk of the RIFF / RF64 / BW64 WAVE open in ``fh``; None for another file."""
    fh.seek(0)
    head = fh.read(12)
    if len(head) < 12 or head[:4] not in (b"RIFF", b"RF64", b"BW64") or head[8:12] != b"WAVE":
        return None
    for _ in range(_FMT_SEARCH):
        cid, raw = fh.read(4), fh.read(4)
        if len(raw) < 4:
            return None
        (csize,) = struct.unpack("<I", raw)
        if cid == b"fmt ":
            return fh.read(min(csize, 40))
        fh.seek(csize + (csize & 1), 1)
    return None


def _w64_fmt(fh: Any) -> bytes | None:
    """The first 40 bytes of the fmt chunk of the Wave64 open in ``fh``; None for another file."""
    fh.seek(0)
    head = fh.read(40)
    if len(head) < 40 or head[:16] != _W64_RIFF or head[24:40] != b"wave" + _W64_GUID:
        return None
    pos, size = 40, os.fstat(fh.fileno()).st_size
    for _ in range(_FMT_SEARCH):
        if pos + 24 > size:                             # past the file (a chunk size up to 2**64 - 1): seek no further
            return None
        fh.seek(pos)
        guid, raw = fh.read(16), fh.read(8)
        if len(raw) < 8:
            return None
        (csize,) = struct.unpack("<Q", raw)
        if guid == b"fmt " + _W64_GUID:
            return fh.read(min(max(csize - 24, 0), 40))
        if csize < 24:                                  # a chunk size that cannot be: stop rather than loop
            return None
        pos += (csize + 7) & ~7
    return None


# MPEG audio Layer III frame headers (ISO 11172-3, 13818-3 and MPEG 2.5), by the header's version bits:
# kbit/s by bitrate index, sample rates by rate index, sample frames per frame
_MP3_KBPS = {3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
             2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)}
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
_MP3_SAMPLES = {3: 1152, 2: 576, 0: 576}
_MP3_SAME = 0xFFFE0C00                       # sync, version, layer, sample rate: equal in every frame of a stream
_MP3_TAILS = (b"TAG", b"APETAGEX", b"LYRICSBEGIN")   # what may follow the last frame (ID3v1, APE, Lyrics3)
_MP3_FIND = 1 << 16                          # bytes searched for the first frame after the ID3v2 tags


def _mp3_frame(head: int, first: int) -> tuple[int, int]:
    """(bytes, sample frames) of the Layer III frame whose header is ``head`` (a stream's first header is
    ``first``), or (0, 0) where ``head`` is no such frame: no sync, another layer, version or rate, free format."""
    version, index, rate_index = (head >> 19) & 3, (head >> 12) & 15, (head >> 10) & 3
    if (head & _MP3_SAME) != (first & _MP3_SAME) or (head >> 21) != 0x7FF or (head >> 17) & 3 != 1 \
            or version == 1 or index in (0, 15) or rate_index == 3:
        return 0, 0
    kbps, rate = _MP3_KBPS[3 if version == 3 else 2][index], _MP3_RATES[version][rate_index]
    per_kbps = 144000 if version == 3 else 72000
    return per_kbps * kbps // rate + ((head >> 9) & 1), _MP3_SAMPLES[version]


def _id3v2_end(data: Any) -> int:
    """The offset past the ID3v2 tags at the start of ``data`` (0 if there are none)."""
    pos = 0
    while data[pos:pos + 3] == b"ID3" and len(data) >= pos + 10:
        size = 0
        for b in data[pos + 6:pos + 10]:
            size = (size << 7) | (b & 0x7F)
        pos += 10 + size + (10 if data[pos + 5] & 0x10 else 0)
    return pos


def _mp3_start(data: Any) -> int:
    """The offset of the first Layer III frame header in ``data`` (searched for :data:`_MP3_FIND` bytes
    after the ID3v2 tags), or -1 where there is none this can follow (free format, another layer)."""
    size = len(data)
    pos = _id3v2_end(data)
    start = data.find(b"\xff", pos, pos + _MP3_FIND)
    while 0 <= start < min(size - 4, pos + _MP3_FIND):
        first = int.from_bytes(data[start:start + 4], "big")
        if _mp3_frame(first, first)[0]:
            return start
        start = data.find(b"\xff", start + 1, pos + _MP3_FIND)
    return -1


def mp3_length_header(path: str | Path) -> bool:
    """Whether the MP3's first Layer III frame is a Xing/Info header (what LAME and every current encoder
    write) that counts the stream's frames: libsndfile (mpg123) takes the MP3's length from it, so audio that
    decodes short of that length is missing.  Without one (none, a VBRI header only, a Xing header without
    the count, or a stream :func:`mp3_frames` cannot follow) the length libsndfile reports is a guess from
    the file's size and the first frame's bitrate.  The header sits where the frame's side information
    would (after the 4-byte header, and the 2-byte CRC when the frame has one): 32 bytes of it in MPEG-1
    stereo, 17 in MPEG-1 mono and MPEG-2/2.5 stereo, 9 in MPEG-2/2.5 mono; then "Xing" or "Info", 4 bytes
    of flags (bit 0: the frame count follows)."""
    import mmap

    try:
        with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            start = _mp3_start(data)
            if start < 0:
                return False
            head = int.from_bytes(data[start:start + 4], "big")
            mpeg1, mono = (head >> 19) & 3 == 3, (head >> 6) & 3 == 3
            side = (17 if mono else 32) if mpeg1 else (9 if mono else 17)
            at = start + 4 + side + (0 if (head >> 16) & 1 else 2)
            if data[at:at + 4] not in (b"Xing", b"Info") or len(data) < at + 12:
                return False
            return bool(data[at + 7] & 1) and int.from_bytes(data[at + 8:at + 12], "big") > 0
    except (OSError, ValueError):                        # unreadable, or empty (mmap of 0 bytes)
        return False


def mp3_frames(path: str | Path) -> tuple[int, bool] | None:
    """(sample frames the MP3's audio frames hold, whether the count reached the end of the file), counted
    header by header without decoding (a few microseconds a frame), or None where ``path`` does not hold
    a Layer III stream this can follow (a free-format stream, another layer).  ID3v2 tags before the first
    frame are skipped; a Xing/Info/VBRI header frame holds no audio and is not counted.  The count stops
    at the first byte that is no frame of the same stream: at the end, at an ID3v1/APE/Lyrics3 tag
    (reached the end: True), or at junk in the middle (False: the count is then a lower bound).

    libsndfile (mpg123) takes an MP3's length from its Xing/Info header, or without one guesses it from
    the file's size and the bitrate of the first frame: a VBR stream without the header is then cut short
    or padded with silence.  This count is what the file really holds."""
    import mmap

    try:
        with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            size = len(data)
            start = _mp3_start(data)
            if start < 0:
                return None
            first = int.from_bytes(data[start:start + 4], "big")
            pos, frames, counted = start, 0, 0
            while pos + 4 <= size:
                length, samples = _mp3_frame(int.from_bytes(data[pos:pos + 4], "big"), first)
                if not length:
                    break
                if pos + length > size:                  # a last frame cut short: the decoder drops it
                    pos = size
                    break
                if counted or not any(tag in data[pos:pos + min(length, 64)] for tag in (b"Xing", b"Info", b"VBRI")):
                    frames += samples
                counted += 1
                pos += length
            whole = size - pos < 4 or any(data[pos:pos + len(t)] == t for t in _MP3_TAILS)
            return frames, whole
    except (OSError, ValueError):                        # unreadable, or empty (mmap of 0 bytes)
        return None
