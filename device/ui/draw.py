"""Drawing helpers for the pages: colours, cached text, dials, the pad's timbre gradient.

All positions are panel pixels.  Dials sweep 270 degrees clockwise from 225 degrees
(bottom-left, the minimum) to -45 degrees (bottom-right, the maximum), angles counted
counter-clockwise from 3 o'clock as in trigonometry.
"""
from __future__ import annotations

import functools
import math
from typing import Any, Sequence

import numpy as np

from device.ui.fonts import FALLBACKS, FaceChain, FaceFile, find_faces

BG = (16, 18, 24)
PANEL = (30, 34, 44)
TRACK = (60, 66, 80)
TEXT = (228, 230, 236)
DIM = (140, 146, 160)
ACCENT = (255, 168, 38)
GOOD = (80, 200, 120)
BAD = (235, 80, 70)
CURSOR = (255, 255, 255)
CORNER_COLOURS = ((230, 80, 90), (70, 150, 240), (90, 200, 120), (240, 200, 60))   # TL, TR, BL, BR

DIAL_START, DIAL_SWEEP = 225.0, 270.0


class Fonts:
    """The panel's text: each string drawn with the first face that has all its glyphs (pygame's
    built-in font first, then the installed fallbacks, device/ui/fonts.py), and a cache of rendered
    strings and their sizes so a frame does not render or measure again."""

    def __init__(self, fallbacks: Sequence[FaceFile] = FALLBACKS) -> None:
        self.chain = FaceChain(find_faces(fallbacks))
        self.pygame = self.chain.pygame
        self._cache: dict[tuple[str, int, tuple[int, ...]], Any] = {}
        self._sizes: dict[tuple[str, int], tuple[int, int]] = {}

    def font(self, size: int) -> Any:
        """pygame's built-in font at ``size`` (Latin, Greek, Cyrillic); measure a shown string with
        :meth:`size`, which uses the face that draws it."""
        return self.chain.font(0, size)

    def face(self, text: str) -> str | None:
        """The font file that draws ``text``; None: pygame's built-in font."""
        return self.chain.paths[self.chain.face_for(text)]

    def size(self, text: str, size: int) -> tuple[int, int]:
        """(width, height) px of ``text`` drawn at ``size``."""
        key = (text, size)
        dims = self._sizes.get(key)
        if dims is None:
            if len(self._sizes) > 4096:
                self._sizes.clear()
            dims = self._sizes[key] = self.chain.size(text, size)
        return dims

    def render(self, text: str, size: int, colour: tuple[int, ...]) -> Any:
        key = (text, size, colour)
        surf = self._cache.get(key)
        if surf is None:
            if len(self._cache) > 1024:
                self._cache.clear()
            surf = self._cache[key] = self.chain.render(text, size, colour)
        return surf

    def draw(self, surface: Any, text: str, pos: tuple[float, float], size: int = 24,
             colour: tuple[int, ...] = TEXT, anchor: str = "topleft") -> Any:
        """Blit ``text``; ``anchor`` is a pygame Rect attribute (topleft, center, midtop...). Returns the rect."""
        surf = self.render(text, size, colour)
        rect = surf.get_rect(**{anchor: (round(pos[0]), round(pos[1]))})
        surface.blit(surf, rect)
        return rect


def fit(fonts: Fonts, options: tuple[str, ...], size: int, width: float) -> str:
    """The first of ``options`` (longest first) that is at most ``width`` px wide at ``size``; else the
    last one cut, with "...", to fit."""
    for text in options:
        if fonts.size(text, size)[0] <= width:
            return text
    text = options[-1]
    while text and fonts.size(text + "...", size)[0] > width:
        text = text[:-1]
    return text + "..." if text else ""


def shrink_to_fit(fonts: Fonts, text: str, size: int, width: float, smallest: int, step: int = 1) -> tuple[str, int]:
    """``text`` and the largest font size from ``size`` down to ``smallest`` (``step`` px at a time) at which it is at
    most ``width`` px wide; at ``smallest`` it is cut with "..." (:func:`fit`) when even that is too wide."""
    for s in range(size, smallest - 1, -step):
        if fonts.size(text, s)[0] <= width:
            return text, s
    return fit(fonts, (text,), smallest, width), smallest


def fit_middle(fonts: Fonts, text: str, size: int, width: float, keep_end: int) -> str:
    """``text`` when it fits ``width`` px at ``size``, else cut in the middle, its last ``keep_end`` characters
    kept ("http://hatbox-li...m.local:8750": an address's port is what must be typed); :func:`fit` of the whole
    when not even "..." and the end fit."""
    if fonts.size(text, size)[0] <= width:
        return text
    tail = text[-keep_end:]
    for n in range(len(text) - keep_end - 1, 0, -1):
        cut = f"{text[:n]}...{tail}"
        if fonts.size(cut, size)[0] <= width:
            return cut
    return fit(fonts, (text,), size, width)


def fit_name_version(fonts: Fonts, name: str, version: str, size: int, width: float) -> str:
    """``name version`` when it fits ``width`` px at ``size``, else ``name`` alone, else ``name`` cut with "..."
    (:func:`fit`): the version goes first (p55 QA_B 6: a 480-px screen showed "hatbox-dri... 0.1.0", so
    hatbox-drive and hatbox-drive-clean of a set list looked alike after a program change; the Models page lists
    every version beside its name)."""
    return fit(fonts, (f"{name} {version}", name), size, width)


def wrap(fonts: Fonts, text: str, size: int, width: float, most: int) -> list[str]:
    """``text`` (its first line) broken at spaces into at most ``most`` lines, each at most ``width`` px
    wide at ``size``; a word wider than a line (a path) is broken where it reaches the edge, and text
    past the last line ends that line, cut with "..."."""
    words = (text.splitlines()[0] if text.strip() else "").split()
    lines: list[str] = []
    while words and len(lines) < most:
        line = words.pop(0)
        if fonts.size(line, size)[0] > width:
            n = len(line) - 1
            while n > 1 and fonts.size(line[:n], size)[0] > width:
                n -= 1
            line, rest = line[:n], line[n:]
            words.insert(0, rest)
        while words and fonts.size(f"{line} {words[0]}", size)[0] <= width:
            line = f"{line} {words.pop(0)}"
        lines.append(line)
    if words:
        lines[-1] = " ".join([lines[-1], *words])
    return [fit(fonts, (line,), size, width) for line in lines]


ARC_CACHE = 64             # ring segments kept (arc_points): a page's dials' tracks and arcs, a few pages' worth


def dial_angle(frac: float) -> float:
    """Degrees (counter-clockwise from 3 o'clock) of a dial at ``frac`` in [0, 1]."""
    return DIAL_START - DIAL_SWEEP * min(1.0, max(0.0, frac))


def dial_point(center: tuple[float, float], radius: float, degrees: float) -> tuple[float, float]:
    a = math.radians(degrees)
    return center[0] + radius * math.cos(a), center[1] - radius * math.sin(a)


def arc(surface: Any, center: tuple[float, float], radius: float, width: float, a0: float, a1: float,
        colour: tuple[int, ...]) -> None:
    """A solid ring segment from angle ``a0`` down to ``a1`` (degrees, a0 > a1)."""
    import pygame
    if a0 - a1 < 0.5:
        return
    key = (float(center[0]), float(center[1])), float(radius), float(width), float(a0), float(a1)
    pygame.draw.polygon(surface, colour, arc_points(*key))


@functools.lru_cache(maxsize=ARC_CACHE)
def arc_points(center: tuple[float, float], radius: float, width: float, a0: float,
               a1: float) -> tuple[tuple[float, float], ...]:
    """The polygon of :func:`arc`'s ring segment (px): its outer edge from ``a0`` to ``a1``, then its inner edge
    back, a point every 4 degrees or less.  Kept for the dials drawn again each frame with the same ring (a dial's
    track, and its arc until the knob turns: some 140 points of trigonometry each, p59 F2)."""
    n = max(2, int((a0 - a1) / 4) + 2)
    angles = np.linspace(a0, a1, n)
    outer = [dial_point(center, radius, a) for a in angles]
    inner = [dial_point(center, radius - width, a) for a in angles[::-1]]
    return tuple(outer + inner)


def dial(surface: Any, fonts: Fonts, center: tuple[float, float], radius: float, frac: float, label: str,
         value: str, colour: tuple[int, ...] = ACCENT, selected: bool = False, label_w: float | None = None,
         value_colour: tuple[int, ...] = TEXT, pointer: bool = True) -> None:
    """A knob: grey track, coloured arc up to ``frac`` and (``pointer``) a white tick across the ring at ``frac`` (so a
    knob at its minimum, with no arc, still shows where it points), the value in the middle (cut to the ring's
    inside), the label below (cut to ``label_w`` px, by default a little wider than the dial)."""
    import pygame
    width = max(6.0, radius * 0.22)
    arc(surface, center, radius, width, DIAL_START, DIAL_START - DIAL_SWEEP, TRACK)
    arc(surface, center, radius, width, DIAL_START, dial_angle(frac), colour)
    if pointer:
        at = dial_angle(frac)
        pygame.draw.line(surface, TEXT, dial_point(center, radius - width - 3, at), dial_point(center, radius + 2, at),
                         max(3, round(width * 0.45)))
    if selected:
        pygame.draw.circle(surface, TEXT, (round(center[0]), round(center[1])), round(radius + 4), 2)
    # a value or label wider than its room is drawn smaller before it is cut (a 480x320 panel showed "1.2 k..." and
    # "top ri...": thirty-third stop's QA)
    text, size = shrink_to_fit(fonts, value, max(18, int(radius * 0.45)), 2 * (radius - width) - 4, DIAL_TEXT_MIN)
    fonts.draw(surface, text, center, size, value_colour, "center")
    room = 2 * radius + 24 if label_w is None else label_w
    text, size = shrink_to_fit(fonts, label, 22, room, DIAL_TEXT_MIN)
    fonts.draw(surface, text, (center[0], center[1] + radius + 6), size, DIM, "midtop")


def corner_gradient(w: int, h: int, colours: tuple[tuple[int, int, int], ...] = CORNER_COLOURS,
                    dim: float = 0.55) -> np.ndarray:
    """[w, h, 3] uint8: bilinear blend of four corner colours (TL, TR, BL, BR), darkened by ``dim``."""
    c = np.asarray(colours, dtype=np.float32) * dim
    u = np.linspace(0.0, 1.0, w, dtype=np.float32)[:, None, None]
    v = np.linspace(0.0, 1.0, h, dtype=np.float32)[None, :, None]
    top = c[0] * (1 - u) + c[1] * u
    bottom = c[2] * (1 - u) + c[3] * u
    return (top * (1 - v) + bottom * v).astype(np.uint8)


def button(surface: Any, fonts: Fonts, rect: Any, label: str | tuple[str, ...], on: bool = False,
           enabled: bool = True, lit: tuple[int, ...] = ACCENT) -> None:
    """A button: filled with ``lit`` when ``on`` (dark text), else outlined (dim when not ``enabled``).  A label wider
    than the button is drawn smaller (down to 16 px): on a 480x320 screen "bypass sampler" ran over its neighbour.
    ``label`` may be several wordings, longest first: the first that fits at 16 px or more is drawn (the last is
    cut with "..." when none does): "bypass synth" read "bypass syn..." there (thirty-third stop's QA)."""
    import pygame
    fill = lit if on else PANEL
    pygame.draw.rect(surface, fill, rect, border_radius=8)
    pygame.draw.rect(surface, TRACK if enabled else BG, rect, 2, border_radius=8)
    room = rect.width - 12
    for text in (label,) if isinstance(label, str) else label:
        shown, size = shrink_to_fit(fonts, text, BUTTON_TEXT, room, BUTTON_TEXT_MIN, step=2)
        if shown == text:
            break
    fonts.draw(surface, shown, rect.center, size, BG if on else (TEXT if enabled else DIM), "center")


BUTTON_TEXT, BUTTON_TEXT_MIN = 24, 16      # a button's label size, and the least it shrinks to before it is cut
DIAL_TEXT_MIN = 13                         # px: the least a dial's value or label shrinks to before it is cut


def meter(surface: Any, rect: Any, frac: float, colour: tuple[int, ...] = GOOD) -> None:
    """A vertical bar filled from the bottom to ``frac`` of its height.  Each pixel is filled once, the track above
    the fill only: SDL fills a tall narrow bar row by row (the Play page's 26x330 meter took some 0.2 ms a fill
    here, p59 F2)."""
    import pygame
    h = round(rect.height * min(1.0, max(0.0, frac)))
    if h < rect.height:
        pygame.draw.rect(surface, TRACK, (rect.x, rect.y, rect.width, rect.height - h))
    if h:
        pygame.draw.rect(surface, colour, (rect.x, rect.bottom - h, rect.width, h))


def scroll_marker(surface: Any, rows: Sequence[Any], first: int, count: int) -> None:
    """A thin bar at the right edge of a list drawn as ``rows`` (rects, top to bottom) starting at item ``first``
    of ``count``: where the rows on screen lie in the whole list.  Nothing when the whole list fits."""
    import pygame
    if not rows or count <= len(rows):
        return
    top, bottom, x = rows[0].top + 4, rows[-1].bottom - 4, rows[0].right - 3
    span = bottom - top
    pygame.draw.line(surface, TRACK, (x, top), (x, bottom), 3)
    start = top + span * first / count
    pygame.draw.line(surface, DIM, (x, round(start)), (x, round(start + max(12.0, span * len(rows) / count))), 5)
