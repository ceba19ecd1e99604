"""A musician's QA pass over the panel: status figures missing or not numbers, knob values at their
ends and past 999, file names mixing scripts, empty lists, and packs swapped under a finger."""
from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from device.ui import draw as D
from device.ui.data import MemoryData, PackEntry, Sample
from device.ui.demo import demo_data, demo_packs, demo_status, manifest
from device.ui.events import EncoderPress, EncoderTurn, Touch
from device.ui.pages.effect import format_value
from export.manifest import Knob
from tests.ui.conftest import drawn, find_text, panel_on

DROID = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")      # fonts-droid-fallback
NOTDEF = "\u0378"            # an unassigned code point: every face draws its missing-glyph box
LIVE_KEYS = ("peak_db", "latency_ms", "xruns", "load_mean", "load_p999", "load_max", "fault_count", "block", "rate")


def _pixels(surface: Any) -> np.ndarray:
    import pygame
    return np.concatenate([pygame.surfarray.array3d(surface), pygame.surfarray.array_alpha(surface)[..., None]], -1)


@pytest.mark.parametrize("bad", [None, math.nan, math.inf, "12", True])
@pytest.mark.parametrize("title", ["Play", "Effect", "Library", "Models", "Settings"])
def test_status_figures_missing_or_not_numbers_show_a_dash_not_an_error(pg: Any, title: str, bad: Any) -> None:
    status = {**demo_status(), **{k: bad for k in LIVE_KEYS}, "notes": [60, bad, 64.0, -3, 500]}
    panel = panel_on(title, demo_data(), status)
    surface = drawn(pg, panel)
    assert panel.state.toast == ""                                     # the page drew: no error on the tab bar
    if title == "Settings":
        rows = dict(panel.page.lines())
        assert rows["latency"] == "-" and rows["xruns"] == "-"
        assert rows["block"] == "? samples @ ? Hz"
        assert find_text(surface, "average -", 22, D.DIM) and find_text(surface, "slowest -", 22, D.DIM)
    if title == "Play":
        assert find_text(surface, "C4 E4", 26, D.TEXT)                 # the notes that are notes
        if bad is not math.inf:
            assert find_text(surface, "-", 18, D.DIM)                  # no peak figure made up


def test_a_peak_of_minus_inf_is_silence(pg: Any) -> None:
    panel = panel_on("Play", demo_data(), {**demo_status(), "peak_db": -math.inf})
    assert find_text(drawn(pg, panel), "-inf", 18, D.DIM) and panel.state.toast == ""


def test_an_empty_status_makes_up_no_figures(pg: Any) -> None:
    panel = panel_on("Settings", demo_data(), {})
    rows = dict(panel.page.lines())
    assert rows["latency"] == rows["xruns"] == rows["faults"] == "-"    # not "0.0 ms", "0"
    assert find_text(drawn(pg, panel), "average -", 22, D.DIM)


def test_knob_values_are_never_written_with_an_exponent(pg: Any) -> None:
    hz = Knob("tone", 20.0, 20000.0, 1000.0, "Hz", "log")
    db = Knob("gain", -2000.0, 2000.0, 0.0, "dB")
    assert format_value(hz, 999.7) == "1 kHz" and format_value(hz, 999.4) == "999 Hz"
    assert format_value(db, 999.7) == "1000 dB" and format_value(db, -999.8) == "-1000 dB"
    assert format_value(Knob("t", 0.0, 0.00002, 0.00001, "s"), 0.0000123) == "0.0000123 s"   # (a knob whose
    # resolution has those digits: a 0..1 s knob shows it to 0.01 s since p55 QA_B 8, "<0.01 s")
    assert format_value(Knob("n", 0.0, 1e7, 0.0), 999999.0) == "1000k"
    for v in np.linspace(990.0, 1010.0, 401):
        assert "e" not in format_value(hz, float(v)).replace(" kHz", "").replace(" Hz", "")
    tone = Knob("tone", 20.0, 20000.0, 999.7, "Hz", "log")
    pack = PackEntry("effect-x", manifest("effect", "Tone", knobs=[tone]), "/box/packs/x.hatpack", True)
    panel = panel_on("Effect", MemoryData(pack_list=[pack]), {})
    (_, _), r, _ = panel.page.dials[0]
    assert find_text(drawn(pg, panel), "1 kHz", max(18, int(r * 0.45)), D.TEXT)


def test_a_knob_at_its_end_turned_further_sends_nothing(pg: Any) -> None:
    panel = panel_on("Effect", demo_data(), demo_status())
    for _ in range(60):
        panel.handle(EncoderTurn(0, 1, 5))                             # drive: 0..24 dB, 100 detents a sweep
    knobs = [m for m in panel.control.sent if m["op"] == "knob"]
    assert knobs[-1]["value"] == 24.0 and len(knobs) < 20              # up to the end, then nothing more
    panel.handle(EncoderTurn(0, -1, -1))
    assert panel.control.sent[-1]["value"] < 24.0                      # and back down at once


@pytest.mark.parametrize("name", ["キック_01.wav", "キックドラム太鼓.wav"])
def test_a_file_name_mixing_scripts_draws_every_glyph(pg: Any, name: str) -> None:
    """Droid Sans Fallback has no Latin letters and pygame's font no kana: each part is drawn by a face
    that has it, whichever script has more letters."""
    if not DROID.is_file():
        pytest.skip(f"{DROID} is not installed (bash scripts/setup.sh installs fonts-droid-fallback)")
    fonts = D.Fonts()
    latin = sum(ch.isascii() for ch in name)
    cjk_boxed = "".join(NOTDEF if not ch.isascii() else ch for ch in name)
    latin_boxed = "".join(ch if not ch.isascii() else NOTDEF for ch in name)
    drawn_ = _pixels(fonts.render(name, 24, D.TEXT))
    for boxed in (cjk_boxed, latin_boxed):
        other = _pixels(fonts.render(boxed, 24, D.TEXT))
        assert drawn_.shape != other.shape or not np.array_equal(drawn_, other), (name, latin)
    assert fonts.size(name, 24) == fonts.render(name, 24, D.TEXT).get_size()
    cut = D.fit(fonts, ("キック太鼓" * 12,), 22, 150)                   # "..." after kana: real dots
    assert cut.endswith("...") and fonts.size(cut, 22)[0] <= 150
    dots, boxes = (_pixels(fonts.render(t, 22, D.TEXT)) for t in (cut, cut[:-3] + NOTDEF * 3))
    assert dots.shape != boxes.shape or not np.array_equal(dots, boxes)


def test_a_tag_with_no_files_says_so(pg: Any) -> None:
    lib = {"empty": [], "kick": [Sample("/lib/k.wav", 0.9)], "t" * 64: []}
    panel = panel_on("Library", MemoryData(library=lib), {})
    surface = drawn(pg, panel)
    page = panel.page
    assert page.tags[page.tag] == "kick"                # the tags with files first (thirty-ninth stop)
    panel.handle(EncoderTurn(0, 1, 1))                                 # empty
    surface = drawn(pg, panel)
    assert page.tags[page.tag] == "empty" and page.samples == []
    assert find_text(surface, "no samples tagged empty yet", 24, D.DIM)
    panel.handle(EncoderTurn(0, 1, 1))                                 # the 64-character tag: a shorter wording
    surface = drawn(pg, panel)
    assert page.tags[page.tag] == "t" * 64
    from device.ui.pages.library_words import nothing_listed
    text = D.fit(page.ctx.fonts, nothing_listed(page), 24, page.sample_area.width - 20)
    assert text == "no samples in this tag yet" and find_text(surface, text, 24, D.DIM)
    panel.handle(EncoderPress(1, True))
    assert panel.control.sent == []                                    # nothing to play


def test_an_empty_unsure_list_says_nothing_is_left(pg: Any) -> None:
    corrected = {"kick": [Sample("/lib/k.wav", 1.0, corrected=True)]}
    panel = panel_on("Library", MemoryData(library=corrected), {})
    panel.handle(Touch("down", 0, *panel.page.unsure_btn.center))
    assert panel.page.reviewing and panel.page.samples == []
    assert find_text(drawn(pg, panel), "nothing left to check", 24, D.DIM)


def test_a_pack_swapped_under_a_finger_turns_none_of_the_new_packs_knobs(pg: Any) -> None:
    big = PackEntry("effect-big", manifest("effect", "Big", knobs=[Knob(f"k{i}", 0.0, 1.0, 0.5) for i in range(4)]),
                    "/box/packs/big.hatpack", True)
    fuzz = next(p for p in demo_packs() if p.manifest.name == "Fuzz face")          # drive, level
    data = MemoryData(pack_list=[big])
    panel = panel_on("Effect", data, {})
    (cx, cy), _, _ = panel.page.dials[1]
    panel.handle(Touch("down", 1, cx, cy))
    panel.handle(Touch("move", 1, cx, cy - 30))
    assert panel.control.sent[-1]["name"] == "k1"
    data.pack_list = [PackEntry(fuzz.id, fuzz.manifest, fuzz.path, True)]            # loaded elsewhere (the API)
    panel.page.refresh()
    before = len(panel.control.sent)
    panel.handle(Touch("move", 1, cx, cy - 90))
    panel.handle(Touch("up", 1, cx, cy - 90))
    assert len(panel.control.sent) == before                           # "level" was not under that finger
    assert panel.state.knobs["level"] == 0.0


def test_a_synth_unloaded_while_play_is_shown_leaves_no_timbre_names(pg: Any) -> None:
    data = demo_data()
    panel = panel_on("Play", data, demo_status())
    assert find_text(drawn(pg, panel), "flute", 24, D.TEXT)
    data.pack_list = [p for p in data.pack_list if p.manifest.kind != "synth"]
    panel.page.refresh()
    surface = drawn(pg, panel)
    assert not find_text(surface, "flute", 24, D.TEXT) and not find_text(surface, "organ", 24, D.TEXT)
    assert find_text(surface, "no synth pack active", 26, D.DIM)


@pytest.mark.parametrize("size", [(800, 480), (480, 800)])
def test_rapid_inputs_and_odd_statuses_never_break_a_page(pg: Any, size: tuple[int, int]) -> None:
    """Fast turns, taps everywhere (tabs included, so pages change between events), fingers that never
    came down, and statuses with None / NaN figures: every frame draws, no error reaches the tab bar."""
    rng = random.Random(20)
    panel = panel_on("Play", demo_data(), demo_status(), size)
    surface = pg.Surface(size)
    odd = [demo_status(), {}, {**demo_status(), "peak_db": None, "notes": None, "load_mean": math.nan},
           {**demo_status(), "latency_ms": math.inf, "xruns": None, "block": None}]
    for n in range(1500):
        k = rng.random()
        if k < 0.3:
            event: Any = EncoderTurn(rng.randrange(4), rng.choice((-1, 1)), rng.choice((-5, -1, 1, 5)))
        elif k < 0.4:
            event = EncoderPress(rng.randrange(4), rng.random() < 0.5)
        else:
            event = Touch(rng.choice(("down", "move", "up")), rng.randrange(3), rng.uniform(-20, size[0] + 20),
                          rng.uniform(-20, size[1] + 20))
        panel.handle(event)
        if n % 25 == 0:
            panel.set_status(dict(rng.choice(odd)))
            panel.state.toast = ""
            panel.draw(surface)
            assert panel.state.toast == "", (n, panel.page.title)
    assert all(m["op"] != "knob" or math.isfinite(m["value"]) for m in panel.control.sent)


@pytest.mark.parametrize("size", [(800, 480), (480, 800)])
def test_a_long_pre_release_version_leaves_active_readable(pg: Any, size: tuple[int, int]) -> None:
    packs = [PackEntry(f"{kind}-{i}", manifest(kind, name, version), f"/box/packs/{kind}-{i}.hatpack", True)
             for i, (kind, name, version) in enumerate([("effect", "W" * 64, "1.0.0-rc.1.build.20261203.abcdef"),
                                                        ("tagger", "tagger_" * 9, "12.345.6789-alpha.very.long.pre")])]
    panel = panel_on("Models", MemoryData(pack_list=packs), {}, size)
    surface = drawn(pg, panel)
    page, fonts = panel.page, panel.page.ctx.fonts
    for i, row in enumerate(page.pack_rows):
        selected = i == page.selected
        active = find_text(surface.subsurface(row), "ACTIVE", 22, D.BG if selected else D.GOOD)
        assert active, i
        room = active[0][0] - 12 - 100                                 # the name's room, left of ACTIVE
        text = page.name_text(page.packs[i], room)
        assert fonts.size(text, 28)[0] <= room and page.packs[i].manifest.version[:6] in text
