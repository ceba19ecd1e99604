"""The panel's typefaces: which font draws a string, and right-to-left runs.

pygame's built-in font (freesansbold) covers Latin, Greek and Cyrillic; a tag or pack name may be in
any script.  :class:`FaceChain` renders each string with the first face that has all of its glyphs:

    built-in (freesansbold)  ->  DejaVu Sans Bold (fonts-dejavu-core: + Hebrew, Arabic, symbols)
                             ->  Droid Sans Fallback (fonts-droid-fallback: + Japanese, Chinese, Korean)
                             ->  Symbola (fonts-symbola: + emoji, in outline; about 3 MB)

A face whose file is missing is left out, with one log line per process; with none installed the
panel draws with the built-in font alone (missing glyphs show as boxes), never fails.

Right-to-left text (Hebrew, Arabic) is split into direction runs (a small subset of the Unicode
bidi algorithm: one paragraph level, neutrals take their neighbours' direction, numbers read left to
right); right-to-left runs are shaped by SDL_ttf's HarfBuzz (Arabic letters joined) and the runs are
laid out in visual order.

Sizes are pygame's: ``size`` is what ``pygame.font.Font(None, size)`` takes.  pygame-ce draws its
built-in font at 0.6875 of that, so a face file is opened at ``round(size * BUILTIN_SCALE)`` points,
which gives the same cap height (lines are a few pixels taller: DejaVu and Droid have taller ascents).
"""
from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

log = logging.getLogger(__name__)

BUILTIN_SCALE = 0.6875      # pygame-ce: Font(None, size) draws freesansbold at size * 0.6875 points


@dataclass(frozen=True)
class FaceFile:
    """A fallback face: the first of ``paths`` that exists, from Debian package ``package``."""
    package: str
    paths: tuple[str, ...]
    scripts: str            # what it adds, for the log line
    whole: bool = True      # False: it draws only the characters no other face has, never a whole string


FALLBACKS: tuple[FaceFile, ...] = (
    FaceFile("fonts-dejavu-core", ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",),
             "Hebrew and Arabic"),
    FaceFile("fonts-droid-fallback", ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
                                      "/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf"),
             "Japanese, Chinese and Korean"),
    FaceFile("fonts-symbola", ("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",),
             "emoji and symbols (a sample named \"break 🥁 120bpm.wav\")", whole=False),
)
GLYPHS_ONLY = frozenset(p for f in FALLBACKS if not f.whole for p in f.paths)   # a serif face: its emoji only

_logged: set[str] = set()   # packages already reported missing (one line per process)


@dataclass(frozen=True)
class Run:
    """A piece of a string in visual order: ``text`` in logical order, drawn right to left if ``rtl``."""
    text: str
    rtl: bool
    script: str | None      # ISO 15924 code for HarfBuzz ("Arab", "Hebr") or None


def find_faces(fallbacks: Sequence[FaceFile] = FALLBACKS) -> list[str]:
    """Paths of the fallback faces installed, in order; logs (once per package) those that are not."""
    found = []
    for face in fallbacks:
        path = next((p for p in face.paths if Path(p).is_file()), None)
        if path is not None:
            found.append(path)
        elif face.package not in _logged:
            _logged.add(face.package)
            log.warning("panel fonts: %s is not installed (no %s); %s text will show as boxes "
                        "(bash scripts/setup.sh installs it)", face.package, " or ".join(face.paths),
                        face.scripts)
    return found


def _direction(ch: str) -> str:
    """'R' (right-to-left letter), 'L' (left-to-right letter), 'D' (digit) or 'N' (neutral)."""
    cls = unicodedata.bidirectional(ch)
    if cls in ("R", "AL"):
        return "R"
    if cls == "L":
        return "L"
    return "D" if cls in ("EN", "AN") else "N"


def _script(text: str) -> str | None:
    """The HarfBuzz script code of the first Arabic or Hebrew letter in ``text``; None: neither."""
    for ch in text:
        o = ord(ch)
        if 0x0600 <= o <= 0x08FF or 0xFB50 <= o <= 0xFDFF or 0xFE70 <= o <= 0xFEFF:
            return "Arab"
        if 0x0590 <= o <= 0x05FF or 0xFB1D <= o <= 0xFB4F:
            return "Hebr"
    return None


def runs(text: str) -> list[Run]:
    """``text`` cut into direction runs, in visual (left to right) order.

    The paragraph direction is that of the first letter (a digit is not one).  Neutrals (spaces,
    punctuation) between two runs of one direction join them, otherwise take the paragraph's.
    Pure left-to-right text is one run.
    """
    dirs = [_direction(ch) for ch in text]
    if "R" not in dirs:
        return [Run(text, False, None)] if text else []
    base = next(d for d in dirs if d in "LR")
    dirs = ["L" if d == "D" else d for d in dirs]          # numbers read left to right
    resolved = list(dirs)
    i = 0
    while i < len(dirs):
        if dirs[i] != "N":
            i += 1
            continue
        j = i
        while j < len(dirs) and dirs[j] == "N":
            j += 1
        before = dirs[i - 1] if i > 0 else base
        after = dirs[j] if j < len(dirs) else base
        resolved[i:j] = [before if before == after else base] * (j - i)
        i = j
    pieces: list[Run] = []
    start = 0
    for k in range(1, len(text) + 1):
        if k == len(text) or resolved[k] != resolved[start]:
            piece = text[start:k]
            rtl = resolved[start] == "R"
            pieces.append(Run(piece, rtl, _script(piece) if rtl else None))
            start = k
    return pieces[::-1] if base == "R" else pieces


class FaceChain:
    """Faces in order of preference (index 0: pygame's built-in font) and their pygame fonts.

    ``face_for(text)`` is the first face with every glyph of ``text`` (else the one missing fewest),
    cached per string; ``render`` / ``size`` draw and measure with it, right-to-left runs shaped.
    """

    def __init__(self, paths: Sequence[str]) -> None:
        import pygame
        if not pygame.font.get_init():
            pygame.font.init()
        self.pygame = pygame
        self.paths: list[str | None] = [None]
        self._probes: list[Any] = []
        try:                                # the glyph query: pygame.font.Font has none
            import pygame.freetype
            if not pygame.freetype.get_init():
                pygame.freetype.init()
            self._probes.append(pygame.freetype.Font(None, 12))
        except (ImportError, OSError, pygame.error) as exc:
            log.warning("panel fonts: no pygame.freetype (%s); only the built-in font is used", exc)
            paths = ()
        for path in paths:
            try:
                self._probes.append(pygame.freetype.Font(path, 12))
                self.paths.append(path)
            except (OSError, pygame.error) as exc:
                log.warning("panel fonts: cannot open %s (%s); left out", path, exc)
        self._has: dict[str, tuple[bool, ...]] = {}           # char -> which faces have it
        self._face: dict[str, int] = {}                       # text -> face index
        self._fonts: dict[tuple[int, int, str | None], Any] = {}
        self._shaping = True

    def covers(self, ch: str) -> tuple[bool, ...]:
        """Per face: whether it has a glyph for ``ch`` (whitespace and controls count as present)."""
        has = self._has.get(ch)
        if has is None:
            if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") or not self._probes:
                has = (True,) * len(self.paths)
            else:
                has = tuple(probe.get_metrics(ch)[0] is not None for probe in self._probes)
            self._has[ch] = has
        return has

    def face_for(self, text: str) -> int:
        """Index (into ``paths``) of the face that draws ``text`` (taken in NFC, as :meth:`render` draws it)."""
        text = unicodedata.normalize("NFC", text)
        face = self._face.get(text)
        if face is None:
            missing = [0] * len(self.paths)
            for ch in set(text):
                for i, ok in enumerate(self.covers(ch)):
                    missing[i] += not ok
            for i, path in enumerate(self.paths):
                if path in GLYPHS_ONLY:
                    missing[i] = len(text) + 1
            face = missing.index(min(missing))
            if len(self._face) > 4096:
                self._face.clear()
            self._face[text] = face
        return face

    def font(self, face: int, size: int, script: str | None = None) -> Any:
        """The pygame font of ``face`` at ``size``; with ``script``, set up to shape right to left."""
        key = (face, size, script)
        font = self._fonts.get(key)
        if font is None:
            path = self.paths[face]
            font = (self.pygame.font.Font(None, size) if path is None
                    else self.pygame.font.Font(path, max(1, round(size * BUILTIN_SCALE))))
            if script is not None:
                self._shape_rtl(font, script)
            self._fonts[key] = font
        return font

    def _shape_rtl(self, font: Any, script: str) -> None:
        try:
            font.set_script(script)
            font.set_direction(self.pygame.DIRECTION_RTL)
        except (AttributeError, self.pygame.error) as exc:    # an SDL_ttf without HarfBuzz
            if self._shaping:
                log.warning("panel fonts: no right-to-left shaping (%s); such text is drawn reversed, "
                            "letters unjoined", exc)
            self._shaping = False

    def faces(self, text: str, face: int | None = None) -> list[tuple[int, str]]:
        """``text`` cut into (face index, piece) in logical order: each character in ``face`` (default:
        the string's, :meth:`face_for`) when that face has it, else in the first face that has it (a
        Japanese file name's "_01.wav": Droid Sans Fallback has no Latin letters, pygame's built-in font
        no kana), else in ``face`` (its missing-glyph box)."""
        face = self.face_for(text) if face is None else face
        out: list[tuple[int, str]] = []
        for ch in text:
            has = self.covers(ch)
            use = face if has[face] else next((i for i, ok in enumerate(has) if ok), face)
            if out and out[-1][0] == use:
                out[-1] = (use, out[-1][1] + ch)
            else:
                out.append((use, ch))
        return out

    def _pieces(self, text: str, size: int) -> list[tuple[Any, str]]:
        """(font, text as that font is given it) per run and face, left to right.  ``text`` is drawn in NFC: a name
        from a Mac ("u" + a combining diaeresis) looks as its composed spelling does, in the same face (QA: the
        built-in font has no combining marks, so such a name fell to a larger, bolder fallback face)."""
        text = unicodedata.normalize("NFC", text)
        out, face = [], self.face_for(text)
        for run in runs(text):
            parts = self.faces(run.text, face)
            if not run.rtl:
                out += [(self.font(face, size), part) for face, part in parts]
                continue
            for face, part in parts[::-1]:        # right to left: the last piece is drawn leftmost
                font = self.font(face, size, run.script or "Zyyy")
                out.append((font, part if self._shaping else part[::-1]))
        return out

    def size(self, text: str, size: int) -> tuple[int, int]:
        """(width, height) px of ``text`` as :meth:`render` draws it."""
        pieces = self._pieces(text, size)
        if len(pieces) <= 1:
            font, piece = pieces[0] if pieces else (self.font(self.face_for(text), size), text)
            return tuple(font.size(piece))
        ascent, descent = self._line(pieces)
        return sum(font.size(piece)[0] for font, piece in pieces), ascent + descent

    @staticmethod
    def _line(pieces: list[tuple[Any, str]]) -> tuple[int, int]:
        """(px above, px below) the shared baseline of ``pieces`` (faces differ in ascent)."""
        ascent = max(font.get_ascent() for font, _ in pieces)
        descent = max(font.size(piece)[1] - font.get_ascent() for font, piece in pieces)
        return ascent, descent

    def render(self, text: str, size: int, colour: tuple[int, ...]) -> Any:
        """An antialiased surface of ``text`` (per-pixel alpha, transparent background); pieces in
        different faces share one baseline."""
        pieces = self._pieces(text, size)
        if len(pieces) <= 1:
            font, piece = pieces[0] if pieces else (self.font(self.face_for(text), size), text)
            return font.render(piece, True, colour)
        ascent, descent = self._line(pieces)
        surfs = [(font.render(piece, True, colour), font.get_ascent()) for font, piece in pieces]
        out = self.pygame.Surface((sum(s.get_width() for s, _ in surfs), ascent + descent), self.pygame.SRCALPHA)
        x = 0
        for surf, top in surfs:  # runs do not overlap: MAX onto the transparent surface copies them as they are
            out.blit(surf, (x, ascent - top), special_flags=self.pygame.BLEND_RGBA_MAX)
            x += surf.get_width()
        return out
