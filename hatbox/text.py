"""Which characters a name may hold, and how names are printed to a terminal.

A sample's file name, a tag or a pack name comes from a producer's machine (or a stranger's archive).
Ordinary text of any script passes: letters, marks, digits, punctuation, every kind of space (a macOS
narrow no-break space, an ideographic space) and joiners (ZWJ in emoji, ZWNJ in Persian).  Refused:
control characters (C0, DEL, C1: they drive terminals) and the bidirectional overrides and isolates
(U+202A-U+202E, U+2066-U+2069: they make a name display as something else, "evil\\u202ewav.mp3"),
line and paragraph separators, and unassigned code points."""
from __future__ import annotations

import unicodedata

_BIDI = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Cn", "Zl", "Zp"})


def unsafe_char(c: str) -> bool:
    """A control, bidi override/isolate, separator, surrogate or unassigned character."""
    return c in _BIDI or unicodedata.category(c) in _REFUSED_CATEGORIES


def is_safe_text(text: str) -> bool:
    """No :func:`unsafe_char` in ``text``."""
    return not any(unsafe_char(c) for c in text)


def escape_unsafe(text: str, keep: str = "") -> str:
    """``text`` with every :func:`unsafe_char` (except those in ``keep``) written as an escape (\\x1b,
    \\u202e), so printing it cannot drive the terminal or reorder the line; other text is unchanged."""
    return "".join(c if c in keep or not unsafe_char(c) else repr(c)[1:-1] for c in text)


def display_name(name: str) -> str:
    """``name`` as valid Unicode for a report: the bytes of a name that was not UTF-8 (Python holds them as lone
    surrogates: surrogateescape, tarfile) shown as ``\\xNN``."""
    if not any(0xD800 <= ord(c) <= 0xDFFF for c in name):
        return name
    return "".join(c if not 0xD800 <= ord(c) <= 0xDFFF else
                   f"\\x{ord(c) - 0xDC00:02x}" if 0xDC80 <= ord(c) <= 0xDCFF else f"\\u{ord(c):04x}"
                   for c in name)
