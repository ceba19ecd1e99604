"""What a file that is no zip archive is, by its first bytes, for the words that refuse it as a pack (p53 QA Q2:
a WAV renamed ``audio.hatpack`` was called "not a readable pack archive (File is not a zip file); the file is
incomplete or damaged", as if it were a pack cut short).  Only starts that name one kind of file without doubt
(their "magic" bytes); anything else is None and is refused as before.  Torch-free, no imports of weight."""
from __future__ import annotations

HEAD_BYTES = 64             # how much of a file's start :func:`file_kind` needs

AUDIO = "audio"             # audio of a kind the box's sample libraries take (device/audio/audiofile.py)
OTHER = "other"             # anything else named, audio the libraries do not take (AAC, M4A) included
WEB_PAGE = "web page"
TEXT = "text"               # text (a byte-order mark first): a redirect's or a download's words saved as the file

# a start (bytes 0..) and what it is
_STARTS: tuple[tuple[bytes, str, str], ...] = (
    (b"fLaC", "a FLAC audio file", AUDIO),
    (b"OggS", "an Ogg audio file", AUDIO),
    (b"ID3", "an MP3 audio file", AUDIO),
    (b"MThd", "a MIDI file", OTHER),
    (b"\x89PNG\r\n\x1a\n", "a PNG image", OTHER),
    (b"\xff\xd8\xff", "a JPEG image", OTHER),
    (b"%PDF-", "a PDF document", OTHER),
    (b"\x7fELF", "a program (ELF executable)", OTHER),
)
# a RIFF-like container (bytes 0..4) with its form type (bytes 8..12) and what it is
_FORMS: dict[tuple[bytes, bytes], tuple[str, str]] = {
    (b"RIFF", b"WAVE"): ("a WAV audio file", AUDIO), (b"RIFX", b"WAVE"): ("a WAV audio file", AUDIO),
    (b"RF64", b"WAVE"): ("a WAV audio file", AUDIO), (b"BW64", b"WAVE"): ("a WAV audio file", AUDIO),
    (b"FORM", b"AIFF"): ("an AIFF audio file", AUDIO), (b"FORM", b"AIFC"): ("an AIFF audio file", AUDIO),
    (b"RIFF", b"AVI "): ("an AVI video file", OTHER),
}
_WEB_STARTS = (b"<!doctype html", b"<html")


def file_kind(head: bytes) -> tuple[str, str] | None:
    """(what the file is, in words: "a WAV audio file"; its class: :data:`AUDIO`, :data:`WEB_PAGE` or
    :data:`OTHER`) for a file starting with ``head`` (its first :data:`HEAD_BYTES` bytes), None when the start
    names nothing for sure."""
    form = _FORMS.get((head[:4], head[8:12]))
    if form:
        return form
    for start, words, kind in _STARTS:
        if head.startswith(start):
            return words, kind
    return _text(head) or _mpeg_audio(head) or _mp4(head) or _web_page(head)


# byte-order marks and the text encoding each starts: UTF-16LE's FF FE looks like an MPEG frame's sync
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def _text(head: bytes) -> tuple[str, str] | None:
    """Text that starts with a byte-order mark (PowerShell's ``>`` writes UTF-16LE): a web page when it is HTML,
    "a text file" otherwise."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            text = head[len(bom):].decode(encoding, errors="ignore").encode("ascii", errors="ignore")
            return _web_page(text) or ("a text file", TEXT)
    return None


def _mpeg_audio(head: bytes) -> tuple[str, str] | None:
    """A whole MPEG audio frame header, not only its sync (11 bits set): MP3 (layer bits not 00: version not the
    reserved 01, bitrate index not 0000 (free) or 1111 (bad), sample-rate index not the reserved 11) or AAC in ADTS
    (12 bits of sync, layer bits 00, sample-rate index under 13).  A file of 0xFF bytes is neither."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return None
    version, layer = (head[1] >> 3) & 0x3, (head[1] >> 1) & 0x3
    if layer == 0:
        adts = head[1] & 0xF0 == 0xF0 and (head[2] >> 2) & 0xF < 13
        return ("an AAC audio file", OTHER) if adts else None
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 0x3
    if version == 1 or bitrate in (0, 15) or rate == 3:
        return None
    return "an MP3 audio file", AUDIO


def _mp4(head: bytes) -> tuple[str, str] | None:
    """An ISO media file (MP4, M4A, MOV): its first box is ``ftyp``."""
    if head[4:8] != b"ftyp":
        return None
    brand = head[8:12]
    return ("an M4A audio file", OTHER) if brand in (b"M4A ", b"M4B ") else ("an MP4 audio or video file", OTHER)


def _web_page(head: bytes) -> tuple[str, str] | None:
    """An HTML page (what a download that failed often saves under the file's name)."""
    text = head.lstrip(b" \t\r\n").lower()
    return ("a web page (HTML)", WEB_PAGE) if text.startswith(_WEB_STARTS) else None
