"""Member names of zip archives as their makers meant them.

A zip member's name is UTF-8 when its flag bit 11 says so; without it, the format says IBM code page 437 (DOS),
and Python's zipfile decodes it so.  But Linux's Info-ZIP `zip`, macOS's Archive Utility and many other tools write
UTF-8 names without setting the flag, so a ``kïck_é.wav`` came out as ``k├»ck_├⌐.wav``: on disk, in every listing
and in the tag routes, where the producer's own spelling then matched nothing.  A name without the flag whose bytes
are valid UTF-8 is read as UTF-8 (what Info-ZIP's `unzip` does too); a real code-page-437 name with accents is
almost never valid UTF-8, and keeps its DOS reading.

A Japanese Windows writes names in its own code page, Shift-JIS (cp932), without the flag too: ``Win キット`` came
out as ``Win âLâbâg``.  A name that is not UTF-8 is read as Shift-JIS when its bytes are valid Shift-JIS and give
Japanese only: every character beyond ASCII a kana, a kanji or Japanese punctuation, and at least one kana (a
German DOS name can give kanji: "Über" is two bytes that Shift-JIS reads as one; no accented Latin letter of code
page 437 gives a kana).  Once one name of a zip is read so, names of kanji alone are too (``音源.wav``).
:func:`zip_names` says when it did (:data:`SHIFT_JIS_NOTE`, in the upload's answer).
"""
from __future__ import annotations

import zipfile

UTF8_FLAG = 0x800
SHIFT_JIS_NOTE = "names read as Shift-JIS (a Japanese Windows zip)"
_KANA = ((0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9F))        # hiragana, katakana, half-width katakana
_KANJI = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_JAPANESE_OTHER = ((0x3000, 0x303F), (0xFF01, 0xFF65), (0xFFE0, 0xFFEF))   # punctuation, full-width forms


def _within(ch: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(lo <= ord(ch) <= hi for lo, hi in ranges)


def _raw(info: zipfile.ZipInfo) -> bytes | None:
    """The bytes of ``info``'s name when zipfile read them as code page 437 (no UTF-8 flag, not plain ASCII);
    None otherwise (flagged, ASCII, or a name set in code)."""
    name = info.filename
    if info.flag_bits & UTF8_FLAG or name.isascii():
        return None
    try:
        return name.encode("cp437")
    except UnicodeEncodeError:
        return None


def _as_utf8(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _as_shift_jis(raw: bytes, kanji_alone: bool) -> str | None:
    """``raw`` read as Shift-JIS (cp932) when it is valid and gives Japanese only (:func:`_japanese`); else None."""
    try:
        text = raw.decode("cp932")
    except UnicodeDecodeError:
        return None
    return text if _japanese(text, kanji_alone) else None


def _japanese(text: str, kanji_alone: bool) -> bool:
    """Whether every character of ``text`` beyond ASCII is Japanese, with a kana among them (or, ``kanji_alone``,
    a kanji)."""
    wide = [c for c in text if not c.isascii()]
    if not all(_within(c, _KANA + _KANJI + _JAPANESE_OTHER) for c in wide):
        return False
    return any(_within(c, _KANA) or (kanji_alone and _within(c, _KANJI)) for c in wide)


def member_name(info: zipfile.ZipInfo) -> str:
    """The name of zip member ``info`` alone: as stored when flagged UTF-8 or plain ASCII, else its bytes read as
    UTF-8 when they are valid UTF-8, else as Shift-JIS when they give Japanese with a kana, else zipfile's code
    page 437 reading."""
    raw = _raw(info)
    if raw is None:
        return info.filename
    return _as_utf8(raw) or _as_shift_jis(raw, False) or info.filename


def zip_names(infos: list[zipfile.ZipInfo]) -> tuple[list[str], bool]:
    """(the names of the members ``infos``, whether any was read as Shift-JIS): as :func:`member_name` reads them,
    and once one is read as Shift-JIS, the others that give kanji alone are too."""
    raws = [_raw(i) for i in infos]
    japanese = any(r is not None and _as_utf8(r) is None and _as_shift_jis(r, False) for r in raws)
    names = []
    for info, raw in zip(infos, raws):
        name = None if raw is None else _as_utf8(raw) or _as_shift_jis(raw, japanese)
        names.append(name or info.filename)
    return names, japanese
