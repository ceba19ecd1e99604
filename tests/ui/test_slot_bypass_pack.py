"""The shared bypass rules (device/ui/bypass.py) for one pack: the Effect page's bypass is a
``SlotBypass`` that follows only the statuses naming the pack it shows."""
from __future__ import annotations

from typing import Any

from device.ui.bypass import SlotBypass, slot_report
from device.ui.data import MemoryData
from device.ui.demo import demo_packs
from device.ui.panel import Panel
from device.ui.shots import RecordingControl

A, B = "/box/packs/a.hatpack", "/box/packs/b.hatpack"


def _status(path: str | None, on: bool) -> dict[str, Any]:
    active = {"name": "Drive", "path": path} if path else None
    return {"active": {"effect": active, "synth": None, "sampler": None},
            "bypassed": {"effect": on, "synth": False, "sampler": False}, "faults": []}


def test_a_pack_bound_bypass_follows_only_statuses_naming_its_pack() -> None:
    assert slot_report(_status(B, True), "effect") is True
    assert slot_report(_status(B, True), "effect", A) is None and slot_report(_status(None, True), "effect", A) is None
    bypass = SlotBypass("effect", pack=A)
    bypass.follow(_status(B, True), 1)                     # another pack bypassed: not this one
    assert bypass.on is False
    bypass.follow(_status(A, True), 2)
    assert bypass.on is True
    bypass.reset(on=False)
    bypass.pack = None                                     # unbound: whatever the slot plays
    bypass.follow(_status(B, True), 3)
    assert bypass.on is True


def test_the_effect_page_keeps_its_bypass_in_the_shared_class(pg: Any) -> None:
    fx = next(p for p in demo_packs() if p.active and p.manifest.kind == "effect")
    panel = Panel(RecordingControl(), MemoryData(pack_list=[fx]), (800, 480))
    panel.set_status(_status(fx.path, True))
    panel.show_title("Effect")
    page = panel.page
    assert isinstance(page.bypass, SlotBypass) and page.bypass.pack == fx.path
    assert page.bypass.on is True and panel.state.bypass is True
    panel.set_status(_status(B, False))                    # a status still naming another pack: nothing
    assert panel.state.bypass is True
    panel.set_status(_status(fx.path, False))
    assert page.bypass.on is False and panel.state.bypass is False
