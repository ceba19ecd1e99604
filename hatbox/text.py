"""Which characters a name may hold, and how names are printed to a terminal.

A sample's file name, a tag or a pack name comes from a producer's machine (or a stranger's archive).
Ordinary text of any script passes: letters, marks, digits, punctuation, every kind of space (a macOS
narrow no-break space, an ideographic space) and joiners (ZWJ U+200D in emoji, ZWNJ U+200C in Persian and Indic
scripts).  Refused: control characters (C0, DEL, C1: they drive terminals) and the bidirectional overrides and
isolates (U+202A-U+202E, U+2066-U+2069: they make a name display as something else, "evil\\u202ewav.mp3"), the
invisible format characters (:data:`INVISIBLE`: one in a name makes a second name that looks the same, seven
`kit/Kick.wav` in one library, p48 QA), line and paragraph separators, and unassigned code points.

Also the few number formats the CLI prints for musicians: knob settings (``drive 6 dB, tone 3500 Hz``), counts
(``1 file``, ``3 files``), sizes (``36 KiB``, ``5.5 MiB``) and the training progress bars (over seconds, or over
steps within a time budget)."""
from __future__ import annotations

import contextlib
import math
import unicodedata
from collections.abc import Callable, Iterator, Mapping

from device.finite_numbers import finite_number

_BIDI = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Cn", "Zl", "Zp"})
# Characters that show nothing (no width, no glyph) where a name is listed, and that no script needs in a name: the
# zero-width space U+200B, the bidi marks LRM U+200E, RLM U+200F and ALM U+061C, the soft hyphen U+00AD, the word
# joiner and invisible operators U+2060-U+2064, the deprecated format controls U+206A-U+206F, the byte-order mark
# U+FEFF, the Mongolian vowel separator U+180E, the interlinear annotation marks U+FFF9-U+FFFB, the Hangul fillers
# U+3164 and U+FFA0 (blank letters), the language tag U+E0001.  Not ZWNJ U+200C nor ZWJ U+200D (Persian, Indic
# scripts, emoji sequences), nor the variation selectors, nor the tag letters U+E0020-U+E007F (flag emoji).
INVISIBLE = frozenset(chr(c) for c in (0x00AD, 0x061C, 0x180E, 0x200B, 0x200E, 0x200F, *range(0x2060, 0x2065),
                                       *range(0x206A, 0x2070), 0x3164, 0xFEFF, *range(0xFFF9, 0xFFFC), 0xFFA0,
                                       0xE0001))


# The bidi marks: invisible, but right-to-left text needs them to show digits and punctuation in their place (a
# Hebrew or Arabic tag typed on a phone often ends in one).  Refused in file names; taken in a tag that holds
# right-to-left letters (export.manifest.tag_problem).
BIDI_MARKS = frozenset("\u200e\u200f\u061c")
_RTL_CLASSES = frozenset({"R", "AL"})


def holds_rtl(text: str) -> bool:
    """Whether ``text`` holds a right-to-left letter (Hebrew, Arabic, Syriac, Thaana, N'Ko...)."""
    return any(c.isalpha() and unicodedata.bidirectional(c) in _RTL_CLASSES for c in text)   # RLM is of class R


def unsafe_char_words(c: str) -> str:
    """What the refused character ``c`` is, by its code point, as a listing cannot show it: "an invisible character
    (U+200E LEFT-TO-RIGHT MARK)", "a bidi control (U+202E RIGHT-TO-LEFT OVERRIDE)", "a control character
    (U+001B)"."""
    name = unicodedata.name(c, "")
    kind = ("an invisible character" if c in INVISIBLE else "a bidi control" if c in _BIDI else
            "a control character" if unicodedata.category(c) == "Cc" else "an unprintable character")
    return f"{kind} (U+{ord(c):04X}{' ' + name if name else ''})"


# a library's error while no tagger pack is active on the box (device/api/libraries.py writes it, the laptop's
# box-library reads it: the box tags such a library by itself once one is)
NO_TAGGER = "no tagger pack is active"


def unsafe_char(c: str) -> bool:
    """A control, bidi override/isolate, invisible format character (:data:`INVISIBLE`), separator, surrogate or
    unassigned character."""
    return c in _BIDI or c in INVISIBLE or unicodedata.category(c) in _REFUSED_CATEGORIES


def is_safe_text(text: str) -> bool:
    """No :func:`unsafe_char` in ``text``."""
    return not any(unsafe_char(c) for c in text)


def escape_unsafe(text: str, keep: str = "") -> str:
    """``text`` with every :func:`unsafe_char` (except those in ``keep``) written as an escape (\\x1b,
    \\u202e), so printing it cannot drive the terminal or reorder the line; other text is unchanged."""
    return "".join(c if c in keep or not unsafe_char(c) else repr(c)[1:-1] for c in text)


def slug(text: str, fallback: str, limit: int | None = None) -> str:
    """``text`` as lower-case ASCII letters and digits joined by single hyphens, accents dropped rather than the
    letters that carry them ("Mes sons tôt" -> "mes-sons-tot"), cut to ``limit`` characters; ``fallback`` when
    nothing is left (a name of emoji or CJK only).  For library ids (device/api/libraries.py)."""
    import re
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:limit].strip("-")
    return out or fallback


def display_name(name: str) -> str:
    """``name`` as valid Unicode for a report: the bytes of a name that was not UTF-8 (Python holds them as lone
    surrogates: surrogateescape, tarfile) shown as ``\\xNN``."""
    if not any(0xD800 <= ord(c) <= 0xDFFF for c in name):
        return name
    return "".join(c if not 0xD800 <= ord(c) <= 0xDFFF else
                   f"\\x{ord(c) - 0xDC00:02x}" if 0xDC80 <= ord(c) <= 0xDCFF else f"\\u{ord(c):04x}"
                   for c in name)


# Said after a warning printed before a long training run (stderr): the musician may stop now and fix the data.
TRAINING_GOES_ON = "(training goes on; Ctrl-C stops it early and writes what it trained, Ctrl-C twice writes nothing)"


def number_words(x: float) -> str:
    """``x`` to three significant digits, never in exponent form: 6.0 -> "6", 0.4567 -> "0.457",
    3500.0 -> "3500", 0.00001 -> "0.00001"."""
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    if x == 0:
        return "0"
    if abs(x) >= 1000:
        return f"{x:.0f}"
    text = f"{x:.3g}"
    return text if "e" not in text else f"{float(text):.12f}".rstrip("0").rstrip(".")


def number_outside(x: float, low: float, high: float) -> str:
    """``x``, a value outside ``low``..``high``, as :func:`number_words` writes it, unless that reads as inside the
    range: then with as many digits as it takes to read outside ("3.0004" beside 0..3, "12.745" beside 0..12.74;
    never "12.7 is outside 0..12.74", p48 review)."""
    text = number_words(x)
    if not math.isfinite(float(x)) or low <= x <= high:
        return text
    for digits in range(4, 18):
        if not low <= float(text) <= high:
            break
        text = f"{float(x):.{digits}g}"
    return text


def knob_words(values: Mapping[str, float], units: Mapping[str, str] | None = None) -> str:
    """Knob settings as a musician reads them: ``{"drive": 6.0, "tone": 3500.0}`` with units ``{"drive": "dB",
    "tone": "Hz"}`` -> ``drive 6 dB, tone 3500 Hz``; ``none`` for no knobs."""
    units = units or {}
    parts = [f"{name} {number_words(v)}" + (f" {units[name]}" if units.get(name) else "") for name, v in values.items()]
    return ", ".join(parts) or "none"


def count_words(n: int, what: str, plural: str | None = None) -> str:
    """``n`` with ``what`` in the singular or plural: (1, "file") -> "1 file", (3, "file") -> "3 files",
    (2, "tag has", "tags have") -> "2 tags have" (``plural``: for words that do not just take an "s")."""
    return f"{n} {what if n == 1 else plural or what + 's'}"


def size_words(size: int) -> str:
    """``size`` (bytes) in MiB with one decimal, or in KiB (rounded up) under 1 MiB: 1 -> "1 KiB", 1025 -> "2 KiB",
    5.5 * 2**20 -> "5.5 MiB".  The one wording of a pack's or a library's size, the laptop's and the box's alike."""
    return f"{size / 2**20:.1f} MiB" if size >= 2**20 else f"{-(-size // 1024)} KiB"


def part_of(got: int, total: int | None = None) -> str:
    """``got`` bytes of ``total`` in MiB (whole from 10 MiB, to a tenth under it), the unit said once: (12 MiB,
    224 MiB) -> "12 of 224 MiB", (0.5 MiB, 2 MiB) -> "0.5 of 2.0 MiB"; no total (None, 0) -> ``got`` alone, "224
    MiB".  The one wording of an upload's progress, the box's log and the laptop's alike (p50 M4: there were two)."""
    def mib(n: int) -> str:
        value = max(n, 0) / 2**20
        return f"{value:.1f}" if value < 10 else f"{value:.0f}"
    return f"{mib(got)} of {mib(total)} MiB" if total else f"{mib(got)} MiB"


def them(n: int) -> str:
    """The pronoun for ``n`` things named just before, for a hint: "it" for one, "them" otherwise."""
    return "it" if n == 1 else "them"


def when_words(seconds: object) -> str:
    """A time (seconds since the epoch, as the box's API gives it) as the laptop's local "YYYY-MM-DD HH:MM"; "" for
    anything that is not a number (a box of another version leaving it out)."""
    import time
    if not finite_number(seconds):
        return ""
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(float(seconds)))


def cents_words(cents: float) -> str:
    """A pitch error in cents to a tenth, "under 0.1" below it (`pack inspect` and `train synth`: a pack printed
    "0.000371 cents"; the synth is told its pitch, and nobody hears a difference under a few cents)."""
    return f"{cents:.1f}" if cents >= 0.1 else "under 0.1"


def duration_words(seconds: float) -> str:
    """A length of audio for a musician: "42.5 s" under a minute, "20.3 min", from ten hours "12.3 h" (one wording
    for the trainers' notes and the synth render's limit; there were three)."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{seconds / 60.0:.1f} min" if seconds < 36000 else f"{seconds / 3600.0:.1f} h"


LONG_RENDER_S = 30.0     # an offline render of more audio than this (s) shows a progress bar


@contextlib.contextmanager
def audio_bar(total: int, rate: int, desc: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar over ``total`` samples of audio at ``rate`` Hz rendered offline, counted in seconds of audio
    ("render: 40%|####  | 96 of 240 s"), for a render longer than :data:`LONG_RENDER_S`; yields its
    ``progress(done, total)`` callback, or None for a short render (QA: a 240 s take printed nothing for 10 s)."""
    if total < LONG_RENDER_S * rate:
        yield None
        return
    from hatbox.progress import progress_bar
    with progress_bar(total=round(total / rate), desc=desc, kind="seconds", leave=False) as bar:
        yield lambda done, _total: bar.update(round(done / rate) - bar.n)


def close_progress_bars() -> None:
    """Clear the tqdm bars an interrupt left open (reading samples, training), so that the one line saying what
    became of the work starts a line of its own and no bar is drawn again after it.  Nothing when tqdm was never
    imported."""
    import sys
    tqdm_mod = sys.modules.get("tqdm")
    if tqdm_mod is None:
        return
    for bar in list(getattr(tqdm_mod.tqdm, "_instances", ())):
        bar.leave = False
        bar.close()
