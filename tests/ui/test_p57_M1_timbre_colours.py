"""p57 R1 review 6: a timbre's colour past the eighth came from hues spaced by the golden ratio, which start next to
the fixed eight: the 9th was 49 apart (RGB) from the 1st, the 10th 37 from the 2nd, so on a pack of 9 or more timbres
two corners could look like one timbre.  Now each colour past the eighth is the one furthest from those before it."""
from __future__ import annotations

import itertools
import math

from device.ui import draw as D
from device.ui.pages.play import TIMBRE_COLOURS, timbre_colour

FIXED_APART = min(math.dist(a, b) for a, b in itertools.combinations(TIMBRE_COLOURS, 2))    # 60: the fixed eight's


def _closest(n: int) -> float:
    colours = [timbre_colour(i) for i in range(n)]
    return min(math.dist(a, b) for a, b in itertools.combinations(colours, 2))


def test_a_pack_of_up_to_24_timbres_keeps_them_as_far_apart_as_the_first_eight() -> None:
    assert [timbre_colour(i) for i in range(8)] == list(TIMBRE_COLOURS)      # the corners a pack starts with
    for n in (9, 10, 12, 16, 24):
        assert _closest(n) >= FIXED_APART, n


def test_every_timbre_has_its_own_colour_clear_of_the_panel() -> None:
    colours = [timbre_colour(i) for i in range(200)]
    assert len(set(colours)) == 200
    assert _closest(40) >= 40
    assert min(math.dist(c, D.PANEL) for c in colours[:64]) >= 100           # none lost on the pad's dark ground
