"""A synth pack's timbre colours (the Play page: dial, tag edge and the pad's tint; p57 QA_B 7: a corner's colour was
its position's, so two corners that both played trumpet were drawn red and green).

The first four are the corners' colours of old, so a pack's first four timbres, the corners it starts with, look as
before; then four more chosen by hand.  Past the eighth, each is the colour of :func:`_candidates` furthest (RGB) from
those before it and from the panel's dark grounds (p57 R1 6: hues spaced by the golden ratio started next to the
fixed eight, the 9th 49 apart from the 1st, the 10th 37 from the 2nd): up to 24 timbres stay as far apart as the
fixed eight are (60), 40 stay 47 apart.  Worked out as far as asked, once (the Play page's frame thread alone)."""
from __future__ import annotations

import colorsys
import math

from device.ui import draw as D

TIMBRE_COLOURS = (*D.CORNER_COLOURS, (170, 110, 230), (60, 200, 200), (240, 140, 60), (240, 120, 190))
HUE_STEP = 5                          # degrees between the candidates' hues
SATURATIONS = (0.7, 0.4)
VALUES = (1.0, 0.8)                   # bright enough on the panel's dark ground (D.BG, D.PANEL)

_chosen: list[tuple[int, int, int]] = []          # the colours worked out so far, in timbre order
_nearest: dict[tuple[int, int, int], float] = {}  # candidate -> its distance from the nearest chosen (or ground)


def _rgb(h: float, s: float, v: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb(h, s, v)
    return round(r * 255), round(g * 255), round(b * 255)


def _candidates() -> list[tuple[int, int, int]]:
    """The colours a timbre past the eighth may take: every :data:`HUE_STEP` degrees, at each saturation and value."""
    found = {_rgb(h / 360, s, v) for h in range(0, 360, HUE_STEP) for s in SATURATIONS for v in VALUES}
    return sorted(found)


def _take(colour: tuple[int, int, int]) -> None:
    """``colour`` is the next timbre's: each candidate's distance from the nearest chosen one follows."""
    _chosen.append(colour)
    for c, d in _nearest.items():
        _nearest[c] = min(d, math.dist(c, colour))


def _grow(n: int) -> None:
    """Work the colours out up to the ``n``-th (each the candidate furthest from those before it, ties by RGB)."""
    if not _chosen:
        _nearest.update({c: min(math.dist(c, D.BG), math.dist(c, D.PANEL)) for c in _candidates()})
        for colour in TIMBRE_COLOURS:
            _take(colour)
    while len(_chosen) < n and any(d > 0 for d in _nearest.values()):
        _take(max(_nearest, key=lambda c: (_nearest[c], c)))


def timbre_colour(index: int) -> tuple[int, int, int]:
    """The colour of a pack's timbre ``index`` (0-based, its place in the manifest's ``names``): one per timbre: the
    fixed eight, then the spaced candidates (about 280); past those, golden-ratio hues."""
    if index < len(TIMBRE_COLOURS):
        return TIMBRE_COLOURS[index]
    _grow(index + 1)
    if index < len(_chosen):
        return _chosen[index]
    return _rgb((index * 0.618034) % 1.0, 0.6, 0.9)
