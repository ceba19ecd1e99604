"""Long names are cut ("...") to the space they have, landscape and portrait: nothing they share a row
or a dial with is drawn over."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from device.ui import draw as D
from device.ui.data import MemoryData, PackEntry, Sample
from device.ui.demo import demo_status, manifest
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from export.manifest import Knob
from tests.ui.conftest import find_text

SIZES = [(800, 480), (480, 800)]
LONG = "W" * 10 + "_very_long_sample_name_from_a_producer_folder_" + "x" * 8


def _entry(kind: str, name: str, i: int, **kw: Any) -> PackEntry:
    return PackEntry(f"{kind}-{i}", manifest(kind, name, **kw), f"/box/packs/{kind}-{i}/pack.hatpack", True)


def _long_box() -> MemoryData:
    names = ["W" * 30, "timbre number 1 longlonglong", "bass", "bell"]
    knobs = [Knob("K" * 40, -1e6, 1e6, 0.0, "Hz"), Knob("L" * 40, 0.0, 1.0, 0.5),
             Knob("M" * 40, 20.0, 20000.0, 1000.0, "Hz", "log"), Knob("N" * 40, -1e6, -999.0, -1000.0, "dB")]
    lib = {"T" * 64: [Sample(f"/lib/{LONG}_{i}.wav", 0.5) for i in range(3)], "kick": [Sample("/lib/k.wav", 0.9)]}
    return MemoryData(pack_list=[_entry("synth", "S" * 64, 0, extras={"names": names}),
                                 _entry("effect", "E" * 30 + " " + "e" * 33, 1, knobs=knobs),
                                 _entry("tagger", "T" * 64, 2)], library=lib)


def _shown(pg: Any, title: str, size: tuple[int, int]) -> tuple[Panel, Any]:
    panel = Panel(RecordingControl(demo_status()), _long_box(), size)
    panel.show_title(title)
    surface = pg.Surface(size)
    panel.draw(surface)
    return panel, surface


def _blank(surface: Any, x0: float, x1: float, y0: float, y1: float, colour: tuple[int, int, int] = D.BG) -> bool:
    import pygame
    px = pygame.surfarray.array3d(surface)[int(x0):int(x1), int(y0):int(y1)]
    return bool((px == np.asarray(colour)).all())


@pytest.mark.parametrize("size", SIZES)
def test_models_names_leave_active_readable(pg: Any, size: tuple[int, int]) -> None:
    panel, surface = _shown(pg, "Models", size)
    for i, row in enumerate(panel.page.pack_rows):
        selected = i == panel.page.selected
        assert find_text(surface.subsurface(row), "ACTIVE", 22, D.BG if selected else D.GOOD), i
        assert find_text(surface.subsurface(row), "1.0.0", 28, D.BG if selected else D.TEXT), i     # the version stays


@pytest.mark.parametrize("size", SIZES)
def test_library_tags_and_samples_leave_their_counts_and_scores_readable(pg: Any, size: tuple[int, int]) -> None:
    panel, surface = _shown(pg, "Library", size)
    page = panel.page
    long_row = page.tag_rows[page.tags.index("T" * 64)]
    assert find_text(surface.subsurface(long_row), "3", 22, D.DIM)
    for r in page.sample_rows:
        assert find_text(surface.subsurface(r), "50% sure", 20, D.DIM) or find_text(surface.subsurface(r), "50%", 20, D.DIM)


@pytest.mark.parametrize("size", SIZES)
def test_effect_name_and_knob_labels_stay_in_their_space(pg: Any, size: tuple[int, int]) -> None:
    panel, surface = _shown(pg, "Effect", size)
    page = panel.page
    btn = page.bypass_btn
    assert _blank(surface, btn.x - 6, btn.x - 1, btn.y, btn.bottom)            # the name ends before bypass
    assert find_text(surface, "bypass", 24, D.TEXT)
    assert find_text(surface, "EEEEEEEE", 32, D.TEXT)          # the name, cut to its room: its version went first
    assert not find_text(surface, "1.0.0", 32, D.TEXT)        # (p55 QA_B 6, device/ui/draw.fit_name_version)
    (cx, cy), r, _ = page.dials[0]
    for k in range(1, 4):                                                      # labels stop at their column
        x = page.rect.x + k * page.column_w
        assert _blank(surface, x - 2, x + 2, cy + r + 6, cy + r + 26), k
    assert find_text(surface, "-1000 dB", max(18, int(r * 0.45)), D.TEXT)


@pytest.mark.parametrize("size", SIZES)
def test_play_dial_values_and_corner_names_stay_inside(pg: Any, size: tuple[int, int]) -> None:
    panel, surface = _shown(pg, "Play", size)
    page = panel.page
    (cx, cy), r = page.dials[0]                                                # "WWW...": its dial's value
    ring = max(6.0, r * 0.22)
    assert not _ink(surface, cx + r - ring + 1, cx + r + 8, cy - 6, cy + 6)   # not over the ring, nor past it
    assert not _ink(surface, cx - r - 8, cx - r + ring - 1, cy - 6, cy + 6)
    pad = page.pad                                                             # corner names: each on its half
    assert _gradient(surface, pad.centerx, pad.y + 6, pad.y + 26)
    assert _gradient(surface, pad.centerx, pad.bottom - 26, pad.bottom - 6)


def _ink(surface: Any, x0: float, x1: float, y0: float, y1: float) -> bool:
    """Any text-coloured pixel in the box."""
    import pygame
    px = pygame.surfarray.array3d(surface)[int(x0):int(x1), int(y0):int(y1)].astype(int)
    return bool((np.abs(px - np.asarray(D.TEXT)).max(axis=2) < 40).any())


def _gradient(surface: Any, x: int, y0: int, y1: int) -> bool:
    """The pad's own colours (no name tag) down the column ``x`` from ``y0`` to ``y1``."""
    return all(tuple(surface.get_at((x, y)))[:3] not in (D.PANEL, D.TEXT) for y in range(y0, y1))


def test_a_button_label_wider_than_its_button_shrinks_then_is_cut_inside_it(pg: Any) -> None:
    """Before (twenty-seventh stop's QA): at 480x320 "bypass sampler" ran over the next button."""
    surface = pg.Surface((300, 60))
    surface.fill(D.BG)
    rect = pg.Rect(100, 10, 90, 40)
    D.button(surface, D.Fonts(), rect, "bypass sampler")
    assert _blank(surface, 0, rect.x, 0, 60) and _blank(surface, rect.right, 300, 0, 60)     # nothing outside it
    assert not _blank(surface, rect.x + 4, rect.right - 4, rect.y + 4, rect.bottom - 4, D.PANEL)  # a label inside


def test_a_short_screen_shows_every_settings_row(pg: Any) -> None:
    """Before (twenty-seventh stop's QA): at 480x320 the Settings page lost its xruns, faults and volume rows and the
    load meters, drawn off the screen."""
    panel, surface = _shown(pg, "Settings", (480, 320))
    for text in ("audio load", "volume", "xruns, faults"):
        assert any(find_text(surface, text, size, D.DIM) for size in range(14, 27)), text
    panel, surface = _shown(pg, "Settings", (800, 480))                  # a full screen keeps its rows and meters
    assert find_text(surface, "CPU load (audio)", 24, D.DIM) and find_text(surface, "xruns", 26, D.DIM)
