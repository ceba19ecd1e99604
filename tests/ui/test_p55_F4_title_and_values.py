"""p55 QA_B 6 and 8: on a 480x320 screen the Effect page's title cut the pack's name and kept its version
("hatbox-dri... 0.1.0": hatbox-drive and hatbox-drive-clean looked alike); the version now goes first, then the
name is cut.  A 0..24 dB knob read "0.0399 dB" (three significant digits of 0.0398611): a value is now shown to
its knob's resolution (a hundredth of its range: 0.1 dB there), a small-range knob still to its own."""
from __future__ import annotations

from typing import Any

from device.ui import draw as D
from device.ui.data import MemoryData, PackEntry
from device.ui.demo import demo_status, manifest
from device.ui.pages.effect import format_value
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from export.manifest import Knob
from tests.ui.conftest import find_text

DRIVE = Knob("drive", 0.0, 24.0, 6.0, "dB")


def _effect_panel(name: str, size: tuple[int, int], midi: bool = False) -> tuple[Panel, Any]:
    """The Effect page of ``size`` over one effect pack ``name`` 0.1.0, drawn; ``midi``: with the box's MIDI map (its
    "learn" button beside BYPASS, as on the QA's box)."""
    import pygame
    from device.midi import KnobRanges, MidiHub, MidiMap
    pack = PackEntry(f"effect-{name}-0.1.0-0123456789ab", manifest("effect", name, "0.1.0", knobs=[DRIVE]),
                     f"/box/packs/effect-{name}/pack.hatpack", True)
    control = RecordingControl(demo_status())
    if midi:
        knobs = KnobRanges()
        knobs.loaded("effect", pack.manifest)
        control.midi = MidiHub(MidiMap(knobs=knobs))
        control.midi.opened("hatbox")
    panel = Panel(control, MemoryData(pack_list=[pack]), size)
    panel.show_title("Effect")
    surface = pygame.Surface(size)
    panel.draw(surface)
    return panel, surface


def test_a_small_screen_drops_the_version_before_it_cuts_the_name(pg: Any) -> None:
    panel, surface = _effect_panel("hatbox-drive", (480, 320), midi=True)        # QA_B 6: "hatbox-dri... 0.1.0"
    assert panel.page.learn_btn is not None
    assert find_text(surface, "hatbox-drive", 32, D.TEXT) and not find_text(surface, "0.1.0", 32, D.TEXT)
    _, surface = _effect_panel("hatbox-drive-clean-boost", (480, 320), midi=True)   # too long even alone: cut
    assert not find_text(surface, "0.1.0", 32, D.TEXT) and find_text(surface, "hatbox-dri", 32, D.TEXT)


def test_a_wide_screen_keeps_name_and_version(pg: Any) -> None:
    _, surface = _effect_panel("hatbox-drive-clean", (800, 480))
    assert find_text(surface, "hatbox-drive-clean 0.1.0", 32, D.TEXT)


def test_fit_name_version_rule(pg: Any) -> None:
    fonts = D.Fonts()
    name, version = "hatbox-drive-clean", "0.1.0"
    whole = fonts.size(f"{name} {version}", 32)[0]
    alone = fonts.size(name, 32)[0]
    assert D.fit_name_version(fonts, name, version, 32, whole) == f"{name} {version}"
    assert D.fit_name_version(fonts, name, version, 32, alone) == name
    cut = D.fit_name_version(fonts, name, version, 32, alone - 10)
    assert cut.endswith("...") and version not in cut and fonts.size(cut, 32)[0] <= alone - 10


def test_a_value_is_shown_to_its_knob_s_resolution() -> None:
    assert format_value(DRIVE, 0.0398611) == "<0.1 dB"                          # not 0: R3 review 8
    assert format_value(DRIVE, 0.0) == "0 dB" and format_value(DRIVE, 0.06) == "0.1 dB"
    assert format_value(DRIVE, 20.94) == "20.9 dB"
    assert format_value(DRIVE, 6.5) == "6.5 dB"
    assert format_value(Knob("mix", 0.0, 1.0, 0.5), 0.0398611) == "0.04"      # a small range keeps its digits
    assert format_value(Knob("t", 0.0, 0.001, 0.0005, "s"), 0.0000398) == "0.00004 s"
    assert format_value(Knob("tone", 20.0, 20000.0, 1000.0, "Hz", "log"), 21.37) == "21.4 Hz"   # log: 3 digits
    assert format_value(Knob("n", -1e6, -999.0, -1000.0, "dB"), -1000.0) == "-1000 dB"     # whole digits stay


def test_the_effect_page_draws_the_demo_s_drive_to_a_tenth_of_a_db(pg: Any) -> None:
    import pygame
    panel, _ = _effect_panel("hatbox-drive", (800, 480))
    panel.state.knobs["drive"] = 0.0398611                          # what `hatbox demo` left (QA_B 8)
    surface = pygame.Surface((800, 480))
    panel.draw(surface)
    (_, _), r, _ = panel.page.dials[0]
    size = max(18, int(r * 0.45))
    assert find_text(surface, "<0.1 dB", size, D.TEXT) and not find_text(surface, "0.0399 dB", size, D.TEXT)
