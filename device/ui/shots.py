"""Headless screenshots of every page: ``python -m device.ui.shots OUT_DIR`` (PNG per page).

Renders a :class:`~device.ui.panel.Panel` over the demo box (device/ui/demo.py) with SDL's
dummy video driver, after a few scripted events so that every page shows a real state.
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from device.ui.data import PanelData
from device.ui.events import EncoderTurn, Touch


class RecordingControl:
    """A Control that keeps what was sent and answers a fixed status."""

    def __init__(self, status: dict[str, Any] | None = None) -> None:
        self.sent: list[dict[str, Any]] = []
        self._status = status or {}

    def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    def status(self) -> dict[str, Any]:
        return dict(self._status)


def headless_surface(size: tuple[int, int]) -> Any:
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode((1, 1))
    return pygame.Surface(size)


def scripted_panel(data: PanelData, status: dict[str, Any], size: tuple[int, int] = (800, 480)) -> Any:
    """A panel whose pages have been touched and turned a little (what the screenshots show)."""
    from device.ui.panel import Panel
    panel = Panel(RecordingControl(status), data, size)
    panel.set_status(status)
    panel.show_title("Play")
    pad = panel.page.pad
    panel.handle(Touch("down", 0, pad.x + pad.width * 0.3, pad.y + pad.height * 0.35))
    panel.handle(EncoderTurn(3, 1, 1))
    return panel


def learn_panel(data: PanelData, status: dict[str, Any], size: tuple[int, int] = (800, 480)) -> Any:
    """The Effect page in MIDI learn mode over a box with MIDI (a real device.midi.MidiHub on the control):
    CC 21 learned for the first knob (fed through the hub as the MIDI input's thread feeds it), the second
    knob armed, waiting for a control to move."""
    from device.midi import KnobRanges, MidiHub, MidiMap
    from device.ui.data import active_pack
    from device.ui.panel import Panel
    knobs = KnobRanges()
    effect = active_pack(data, "effect")
    if effect is not None:
        knobs.loaded("effect", effect.manifest)
    hub = MidiHub(MidiMap(knobs=knobs))
    hub.opened("hatbox")
    control = RecordingControl(status)
    control.midi = hub                                   # type: ignore[attr-defined] - as BoxControl.midi
    panel = Panel(control, data, size)
    panel.set_status(status)
    panel.show_title("Effect")
    page = panel.page
    for finger, (x, y) in enumerate([page.learn_btn.center, page.dials[0][2].center]):
        panel.handle(Touch("down", finger, x, y))
        panel.handle(Touch("up", finger, x, y))
    hub.translate({"type": "control_change", "channel": 0, "control": 21, "value": 64})
    panel.draw(headless_surface(size))                 # the frame that sees the binding
    x, y = page.dials[1][2].center
    panel.handle(Touch("down", 9, x, y))
    panel.handle(Touch("up", 9, x, y))
    panel.state.toast = ""
    return panel


def save_all(panel: Any, out: Path, surface: Any) -> list[Path]:
    import pygame
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, page in enumerate(panel.pages):
        panel.show(i)
        panel.draw(surface)
        path = out / f"panel_{page.title.lower()}.png"
        pygame.image.save(surface, str(path))
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    from device.ui.demo import demo_data, demo_status
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path)
    args = p.parse_args(argv)
    surface = headless_surface((800, 480))
    for path in save_all(scripted_panel(demo_data(), demo_status()), args.out, surface):
        print(path)
    portrait = scripted_panel(demo_data(), demo_status(), (480, 800))
    tall = headless_surface((480, 800))
    portrait.draw(tall)
    path = args.out / "panel_play_portrait.png"
    import pygame
    pygame.image.save(tall, str(path))
    print(path)
    learn = learn_panel(demo_data(), demo_status())
    learn.draw(surface)
    path = args.out / "panel_effect_learn.png"
    pygame.image.save(surface, str(path))
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
