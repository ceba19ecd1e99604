"""The panel over the box's real pack store (device/store.py): list, activate, roll back."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from device.store import PackStore, file_sha256
from device.ui.data import StoreData
from device.ui.demo import manifest
from device.ui.events import Touch
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from export.manifest import Knob
from export.pack import write_pack


def _install(store: PackStore, tmp: Path, name: str, version: str) -> str:
    m = manifest("effect", name, version, knobs=[Knob("gain", 0.0, 12.0, 3.0, "dB")])
    upload = store.new_upload()
    write_pack(upload, m, {"model.onnx": f"placeholder {name} {version}".encode()})
    return store.install(upload, m, file_sha256(upload), {})["id"]


def test_models_page_activates_and_rolls_back_store_packs(pg: Any, tmp_path: Path) -> None:
    store = PackStore(tmp_path / "box")
    old = _install(store, tmp_path, "Fuzz", "1.0.0")
    new = _install(store, tmp_path, "Fuzz", "1.1.0")
    store.activate(old)
    data = StoreData(tmp_path / "box", {"pairing_code": "123 456"})
    assert [(p.id, p.active) for p in data.packs()] == [(old, True), (new, False)]
    panel = Panel(RecordingControl(), data, (800, 480))
    panel.show_title("Effect")
    assert [k.name for k in panel.page.knobs] == ["gain"]
    panel.show_title("Models")
    page = panel.page
    page.selected = [p.id for p in page.packs].index(new)
    panel.handle(Touch("down", 0, *page.activate_btn.center))
    assert store.active()["effect"] == new
    assert panel.control.sent[-1] == {"op": "load", "slot": "effect", "path": str(store.pack_path(new))}
    panel.handle(Touch("down", 0, *page.rollback_btn.center))
    assert store.active()["effect"] == old and panel.control.sent[-1]["path"] == str(store.pack_path(old))
    data.set(pairing_code="999 000")
    assert data.settings()["pairing_code"] == "999 000" and data.tags() == {}
