"""p59 F2 3: per-frame work of the panel done once.  The Settings page read the box's settings three times a frame
(its rows, the pairing code, and with no API the pairing line): on the box each read lists the MIDI controllers under
the port watcher's lock (device/ui/data.py StoreData.settings).  A dial's ring is worked out once for the frames that
draw it again (device/ui/draw.py arc_points): the same pixels, whatever the centre's type."""
from __future__ import annotations

from typing import Any

from device.ui import draw as D
from device.ui.demo import demo_data, demo_status
from device.ui.panel import Panel
from device.ui.shots import RecordingControl


class CountingData:
    """The demo box's data, counting :meth:`settings` reads."""

    def __init__(self) -> None:
        self.data, self.reads = demo_data(), 0

    def settings(self) -> dict[str, str]:
        self.reads += 1
        return self.data.settings()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.data, name)


def test_a_frame_of_the_settings_page_reads_the_settings_once(pg: Any) -> None:
    data = CountingData()
    panel = Panel(RecordingControl(demo_status()), data, (800, 480))   # type: ignore[arg-type] - a PanelData
    panel.set_status(demo_status())
    panel.show_title("Settings")
    surface, before = pg.Surface((800, 480)), data.reads
    for _ in range(4):
        panel.draw(surface)
    assert data.reads - before == 4                       # one a frame (it was three: two with the API)
    assert ("MIDI", "hatbox (virtual), Launchkey MK3") in panel.page.lines()     # the rows still say them


def test_a_ring_drawn_again_is_the_same_whatever_its_centre_is_given_as(pg: Any) -> None:
    shots = []
    for center in ((100, 120), [100.0, 120.0], (100.0, 120.0)):
        surface = pg.Surface((240, 240))
        D.arc(surface, center, 60, 13.2, D.DIAL_START, D.dial_angle(0.4), D.ACCENT)
        shots.append(pg.image.tobytes(surface, "RGB"))
    assert shots[0] == shots[1] == shots[2]
    assert shots[0] != pg.image.tobytes(pg.Surface((240, 240)), "RGB")            # something was drawn
    moved = pg.Surface((240, 240))
    D.arc(moved, (100, 120), 60, 13.2, D.DIAL_START, D.dial_angle(0.6), D.ACCENT)   # a knob turned: a longer arc
    assert pg.image.tobytes(moved, "RGB") != shots[0]


def test_rings_alike_but_for_one_of_their_measures_are_each_their_own(pg: Any) -> None:
    """The ring cache is keyed on every measure (R2: a key of centre and angles alone passed the test above)."""
    rings = [((100, 120), 60, 13.2), ((100, 120), 40, 13.2), ((100, 120), 60, 8.0), ((101, 120), 60, 13.2)]
    for center, radius, width in rings + rings[::-1]:                      # the cache warm with near neighbours
        drawn, fresh = pg.Surface((240, 240)), pg.Surface((240, 240))
        D.arc(drawn, center, radius, width, D.DIAL_START, D.dial_angle(0.4), D.ACCENT)
        points = D.arc_points.__wrapped__((float(center[0]), float(center[1])), float(radius), float(width),
                                          float(D.DIAL_START), float(D.dial_angle(0.4)))
        pg.draw.polygon(fresh, D.ACCENT, points)
        assert pg.image.tobytes(drawn, "RGB") == pg.image.tobytes(fresh, "RGB"), (center, radius, width)


def test_the_level_meter_fills_each_pixel_once_as_it_filled_the_track_then_the_bar(pg: Any) -> None:
    rect = pg.Rect(20, 10, 26, 330)
    for frac in (0.0, 0.001, 0.37, 0.999, 1.0, 1.7, -0.2):
        drawn, expected = pg.Surface((80, 360)), pg.Surface((80, 360))
        D.meter(drawn, rect, frac, D.BAD)
        pg.draw.rect(expected, D.TRACK, rect)                       # the track, then the bar over it (before p59)
        h = round(rect.height * min(1.0, max(0.0, frac)))
        if h:
            pg.draw.rect(expected, D.BAD, (rect.x, rect.bottom - h, rect.width, h))
        assert pg.image.tobytes(drawn, "RGB") == pg.image.tobytes(expected, "RGB"), frac
