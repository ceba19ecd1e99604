"""Forty-first stop (panel QA): while the box's start was still handing the kit to the sampler (GET /kit said
``loading`` "9 of 14 notes"), the Kit page showed every pad as ready.  It now says "loading kit 9 of 14..." and draws
the pads not handed over yet dimmed; a tap on one says it plays once the kit is loaded, and sends nothing."""
from __future__ import annotations

import json
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any


from device.api.box_kit import BoxKit
from device.api.kit_routes import KitKeeper
from device.api.libraries import Libraries
from device.kit import KitNote, save_kit

NOTES = (36, 38, 42, 46)


class GatedControl:
    """An engine control whose ``send`` waits at the gate once ``free`` messages went through (a sampler decoding
    long loops); every message is kept."""

    def __init__(self, free: int) -> None:
        self.free, self.sent, self.gate = free, [], threading.Event()
        self.waiting = threading.Event()

    def send(self, message: dict[str, Any]) -> dict[str, Any]:
        if len(self.sent) >= self.free:
            self.waiting.set()
            self.gate.wait(10)
        self.sent.append(message)
        return {"ok": True}

    def status(self) -> dict[str, Any]:
        return {}


def box_with_kit(tmp_path: Path, control: Any, tag: str = "kick") -> Any:
    """A box (its libraries and kit keeper, as the API has them) whose kit plays a file of one library on each of
    :data:`NOTES`."""
    root = tmp_path / "libraries"
    files = root / "lib-kit-000001" / "files"
    files.mkdir(parents=True)
    for n in NOTES:
        (files / f"s{n}.wav").write_bytes(b"RIFF")
    (files.parent / "library.json").write_text(json.dumps({"id": "lib-kit-000001", "name": "kit", "state": "done",
                                                           "accepted": len(NOTES), "progress": {"done": 4}}))
    save_kit(tmp_path / "kit.json", {n: KitNote(n, "lib-kit-000001", f"s{n}.wav", tag=tag) for n in NOTES})
    return SimpleNamespace(libraries=Libraries(root), kit=KitKeeper(tmp_path / "kit.json"), control=control)


def test_pads_not_handed_over_yet_say_so_while_the_box_starts(tmp_path, pg):
    from device.ui.data import MemoryData
    from device.ui.panel import Panel
    from device.ui.shots import RecordingControl, headless_surface
    gated = GatedControl(free=2)
    box = box_with_kit(tmp_path, gated)
    thread = box.kit.apply_in_background(box)
    assert gated.waiting.wait(10)
    desk = BoxKit(box)
    try:
        assert desk.loading() == (2, 4)
        pads = desk.pads()
        assert [n for n, p in pads.items() if p.loading] == [42, 46]
        engine = RecordingControl()
        panel = Panel(engine, MemoryData(kit=desk), (800, 480))
        panel.show_title("Kit")
        page = panel.page
        assert page._line()[-1] == "loading kit 2 of 4..."
        import pygame
        shot = headless_surface((800, 480))
        panel.draw(shot)
        pygame.image.save(shot, str(tmp_path / "kit_loading.png"))
        r = page.pad_rects[42 - page.first]
        from device.ui.events import Touch
        before = len(engine.sent)
        panel.handle(Touch("down", 0, r.centerx, r.centery))
        assert engine.sent[before:] == []
        assert "plays once the kit is loaded" in panel.state.toast
    finally:
        gated.gate.set()
        thread.join(10)
    assert desk.loading() is None and not any(p.loading for p in desk.pads().values())
    panel.page.refresh()
    assert not panel.page._line()[-1].startswith("loading kit")
