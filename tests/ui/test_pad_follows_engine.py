"""The Play page's pad follows the engine while the page is shown: a pad position or corner timbres
set elsewhere (OSC, the HTTP API, MIDI: each sends the engine ``xy`` / ``corners``) show with the
next status, and what the user is moving on the panel is not fought."""
from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np
import pytest

from device.audio.engine import Engine, EngineConfig
from device.osc import OscMap
from device.ui import draw as D
from device.ui.bypass import HOLD_STATUSES
from device.ui.demo import TIMBRES, demo_data, demo_status
from device.ui.events import EncoderTurn, Touch
from device.ui.pages.play import engine_pad
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from tests.ui.conftest import find_text, pixel

SYNTH = next(p for p in demo_data().packs() if p.active and p.manifest.kind == "synth")
CORNERS = TIMBRES[:4]


def _status(xy: tuple[float, float] = (0.5, 0.5), corners: list[str] | None = None,
            path: str = SYNTH.path) -> dict[str, Any]:
    """An engine status: the demo's synth pack playing, its pad at ``xy`` with ``corners``."""
    return {**demo_status(), "active": {"effect": None, "synth": {"name": "Orchestra pad", "path": path},
                                        "sampler": None},
            "bypassed": {"effect": False, "synth": False, "sampler": False},
            "synth": {"xy": list(xy), "corners": list(corners or CORNERS)}}


def _play(pg: Any, status: dict[str, Any]) -> Panel:
    panel = Panel(RecordingControl(), demo_data(), (800, 480))
    panel.set_status(status)
    panel.show_title("Play")
    return panel


def _cursor_at(pg: Any, panel: Panel, x: float, y: float) -> bool:
    """Whether the pad's cursor is drawn at pad position (x, y), checked in pixels."""
    surface = pg.Surface(panel.size)
    panel.draw(surface)
    px, py = panel.page.xy_to_pad(x, y)
    return pixel(surface, px, py) == D.CURSOR


def _labelled(pg: Any, panel: Panel, name: str) -> bool:
    surface = pg.Surface(panel.size)
    panel.draw(surface)
    return bool(find_text(surface.subsurface(panel.page.pad), name, 24, D.TEXT))


def test_a_pad_moved_elsewhere_shows_while_the_page_is_shown(pg: Any) -> None:
    # the bug: the pad was read back from the engine only when the synth changed; a position set by
    # OSC or the API kept the old cursor on the panel
    panel = _play(pg, _status((0.5, 0.5)))
    assert _cursor_at(pg, panel, 0.5, 0.5)
    panel.set_status(_status((0.2, 0.7)))                    # OSC moved it
    assert panel.state.xy == (0.2, 0.7)
    assert _cursor_at(pg, panel, 0.2, 0.7) and not _cursor_at(pg, panel, 0.5, 0.5)
    panel.set_status(_status((1.4, -0.3)))                   # out of range: shown at the edge
    assert panel.state.xy == (1.0, 0.0)


def test_corners_set_elsewhere_show_while_the_page_is_shown(pg: Any) -> None:
    panel = _play(pg, _status())
    assert panel.state.corners == CORNERS and not _labelled(pg, panel, "bell")
    corners = ["bell", TIMBRES[1], TIMBRES[2], TIMBRES[3]]
    panel.set_status(_status(corners=corners))               # the API set them
    assert panel.state.corners == corners and _labelled(pg, panel, "bell")
    panel.handle(EncoderTurn(0, 1, 1))                       # and the encoder turns on from there
    assert panel.control.sent[-1] == {"op": "corners", "names": [TIMBRES[0], *corners[1:]]}


def test_a_finger_on_the_pad_is_not_fought(pg: Any) -> None:
    panel = _play(pg, _status((0.5, 0.5)))
    pad = panel.page.pad
    at = pad.x + 0.8 * (pad.width - 1), pad.y + 0.5 * (pad.height - 1)
    panel.handle(Touch("down", 0, *at))                      # held still on the pad
    for _ in range(HOLD_STATUSES + 2):
        panel.set_status(_status((0.1, 0.1)))                # the engine (or OSC) says otherwise
    assert panel.state.xy == pytest.approx((0.8, 0.5)) and _cursor_at(pg, panel, 0.8, 0.5)
    to = pad.x + 0.6 * (pad.width - 1), pad.y + 0.5 * (pad.height - 1)
    panel.handle(Touch("move", 0, *to))
    panel.handle(Touch("up", 0, *to))
    assert panel.control.sent[-1] == {"op": "xy", "x": pytest.approx(0.6), "y": pytest.approx(0.5)}
    for _ in range(HOLD_STATUSES - 1):                       # asked before the engine took the last xy
        panel.set_status(_status((0.8, 0.5)))
    assert panel.state.xy == pytest.approx((0.6, 0.5))
    panel.set_status(_status((0.6, 0.5)))                    # the engine took it
    assert panel.state.xy == pytest.approx((0.6, 0.5))
    panel.set_status(_status((0.3, 0.3)))                    # then OSC moved it
    assert panel.state.xy == (0.3, 0.3) and _cursor_at(pg, panel, 0.3, 0.3)


def test_corners_turned_here_are_not_undone_by_statuses_that_have_not_caught_up(pg: Any) -> None:
    panel = _play(pg, _status())
    panel.handle(EncoderTurn(1, 1, 1))
    turned = [TIMBRES[0], TIMBRES[2], TIMBRES[2], TIMBRES[3]]
    assert panel.state.corners == turned
    for _ in range(HOLD_STATUSES - 1):
        stale = _status((0.4, 0.4))
        panel.set_status(stale)
        panel.set_status(stale)                              # the same dict again (the next frame)
    assert panel.state.corners == turned
    assert panel.state.xy == (0.4, 0.4)                      # the position is followed meanwhile
    panel.set_status(_status())                              # never taken: the engine's corners come back
    assert panel.state.corners == CORNERS


def test_a_refused_corners_turn_shows_what_the_engine_plays(pg: Any) -> None:
    panel = _play(pg, _status())

    def refuse(message: dict[str, Any]) -> None:
        raise RuntimeError("engine: no")

    panel.control.send = refuse
    panel.handle(EncoderTurn(0, 1, 1))
    assert panel.state.corners == CORNERS                    # put back at once
    panel.control.send = RecordingControl().send
    panel.set_status(_status(corners=["bell", *CORNERS[1:]]))
    assert panel.state.corners == ["bell", *CORNERS[1:]]     # and the next status is not held off


def test_reports_for_another_synth_or_malformed_change_nothing(pg: Any) -> None:
    # another synth pack's pad (a status from before a switch) is not this pack's
    assert engine_pad(_status((0.2, 0.2), path="/box/packs/synth-9/pack.hatpack"), SYNTH) == (None, None)
    assert engine_pad(_status((0.2, 0.2)), SYNTH) == ((0.2, 0.2), CORNERS)
    panel = _play(pg, _status((0.5, 0.5)))
    panel.set_status({**_status((0.5, 0.5)), "synth": {"xy": [float("nan"), 0.2], "corners": ["x", "y"]}})
    panel.set_status({**_status((0.5, 0.5)), "synth": {"xy": "left", "corners": "none"}})
    panel.set_status(_status((0.5, 0.5), corners=["gong", *CORNERS[1:]]))       # not this pack's timbre
    panel.set_status({**_status((0.5, 0.5)), "synth": None})
    assert panel.state.xy == (0.5, 0.5) and panel.state.corners == CORNERS
    panel.set_status(_status((0.5, 0.5)))
    panel.show_title("Effect")                               # not shown: not followed here
    panel.set_status(_status((0.9, 0.9)))
    panel.show_title("Play")                                 # ... but the status on hand is, on entering
    assert panel.state.xy == (0.9, 0.9)


class PadSynth:
    """A stand-in synth keeping its pad as the real one does (device/audio/synth.py): ``xy`` and
    ``corners`` messages are queued and applied at its next render."""

    def __init__(self) -> None:
        self.xy, self._corners, self._events = (0.0, 0.0), list(CORNERS), deque()

    def handle(self, msg: dict[str, Any]) -> None:
        if msg["op"] in ("xy", "corners"):
            self._events.append(dict(msg))

    def render(self, out: np.ndarray) -> None:
        while self._events:
            m = self._events.popleft()
            if m["op"] == "xy":
                self.xy = (float(m["x"]), float(m["y"]))
            else:
                self._corners = list(m["names"])
        out.fill(0.0)

    def reset(self) -> None:
        pass

    @property
    def corners(self) -> list[str]:
        return list(self._corners)

    def held_notes(self) -> list[int]:
        return []


def test_osc_through_the_real_engine_moves_the_pad_on_the_panel(pg: Any) -> None:
    engine = Engine(EngineConfig(rate=48000, block=128, xfade_s=0.0))
    engine.install("synth", PadSynth(), {"name": "Orchestra pad", "path": SYNTH.path})
    x, y = np.zeros(128, np.float32), np.zeros(128, np.float32)

    def blocks() -> dict[str, Any]:
        for _ in range(4):
            engine.process(x, y)
        return engine.status()

    panel = _play(pg, blocks())
    assert panel.state.xy == (0.0, 0.0)
    for message in OscMap().translate("/hatbox/xy", [0.25, 0.75]):
        engine.handle(message)
    engine.handle({"op": "corners", "names": ["bell", *CORNERS[1:]]})            # the API
    panel.set_status(blocks())
    assert panel.state.xy == (0.25, 0.75) and _cursor_at(pg, panel, 0.25, 0.75)
    assert panel.state.corners == ["bell", *CORNERS[1:]] and _labelled(pg, panel, "bell")


@pytest.mark.parametrize("xy", [(0.0, 0.0), (1.0, 1.0), (0.0, 1.0), (1.0, 0.0)])
def test_the_cursor_stays_inside_the_pad_at_its_corners(pg: Any, xy: tuple[float, float]) -> None:
    """A fresh engine's pad sits at (0, 0): its cursor was drawn half outside the pad (and the screen)."""
    panel = _play(pg, _status(xy))
    surface = pg.Surface(panel.size)
    panel.draw(surface)
    pixels = pg.surfarray.pixels3d(surface)
    ys, xs = np.nonzero(np.all(pixels.swapaxes(0, 1) == np.array(D.CURSOR[:3]), axis=-1))
    pad = panel.page.pad
    assert len(xs) > 200                                       # the whole dot is there (radius 11: ~380 px)
    assert xs.min() >= pad.x and xs.max() < pad.right and ys.min() >= pad.y and ys.max() < pad.bottom
