"""Forty-first stop (panel QA): nothing on the Models page said what "roll back" would go to, and a rolled-back slot
looked like any other activation.  The line beside the button says it, for the selected pack's slot, over the box's
real store and in memory, and a roll back says from which pack to which."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from device.store import PackStore, file_sha256
from device.ui.data import MemoryData, PackEntry, StoreData
from device.ui.demo import manifest
from device.ui.events import Touch
from device.ui.panel import Panel
from device.ui.shots import RecordingControl, headless_surface
from export.manifest import Knob
from export.pack import write_pack


def _install(store: PackStore, name: str, version: str) -> str:
    m = manifest("effect", name, version, knobs=[Knob("gain", 0.0, 12.0, 3.0, "dB")])
    upload = store.new_upload()
    write_pack(upload, m, {"model.onnx": f"placeholder {name} {version}".encode()})
    return store.install(upload, m, file_sha256(upload), {})["id"]


def test_the_models_page_says_where_roll_back_goes_and_where_it_went(pg: Any, tmp_path: Path) -> None:
    store = PackStore(tmp_path / "box")
    old, new = _install(store, "Fuzz", "1.0.0"), _install(store, "Fuzz", "1.1.0")
    store.activate(old)
    data = StoreData(tmp_path / "box", {"pairing_code": "123 456"})
    panel = Panel(RecordingControl(), data, (800, 480))
    panel.show_title("Models")
    page = panel.page
    assert page.back_words()[0] == "no earlier effect pack to roll back to"
    page.selected = [p.id for p in page.packs].index(new)
    panel.handle(Touch("down", 0, *page.activate_btn.center))
    page.refresh()
    assert page.back_words()[0] == "roll back: effect -> Fuzz 1.0.0"
    panel.draw(headless_surface((800, 480)))
    panel.handle(Touch("down", 0, *page.rollback_btn.center))
    assert store.active()["effect"] == old
    assert panel.state.toast == "rolled back: Fuzz 1.0.0 active, was Fuzz 1.1.0"
    assert page.back_words()[0] == "no earlier effect pack to roll back to"


def test_memory_data_says_the_pack_roll_back_would_make_active() -> None:
    a, b = (PackEntry(i, manifest("synth", "Pad", v), f"/{i}", i == "a") for i, v in (("a", "0.9.0"), ("b", "1.0.0")))
    data = MemoryData(pack_list=[a, b])
    assert data.rollback_to("synth") is None
    data.activate("b")
    assert data.rollback_to("synth").id == "a"
