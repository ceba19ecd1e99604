"""p55 QA_B finding 3: a pack made active on the box's own panel (the Models page) was in no log; ``hatbox status``
knew ("activated on the box"), box.log and changes.log (hatbox box-logs --changes) did not.  Now the box side where
the panel's activation lands (device/ui/data.StoreData) logs it as a change, said as the panel's: an activation, a roll
back, and the slot put back when the engine did not load the pack."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from device.logs import box_logging, changes_path, log_path
from device.store import PackStore, file_sha256
from device.ui.data import StoreData
from device.ui.demo import manifest
from device.ui.events import Touch
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from export.manifest import Knob
from export.pack import write_pack


def _install(store: PackStore, name: str, version: str) -> str:
    m = manifest("effect", name, version, knobs=[Knob("gain", 0.0, 12.0, 3.0, "dB")])
    upload = store.new_upload()
    write_pack(upload, m, {"model.onnx": f"placeholder {name} {version}".encode()})
    return store.install(upload, m, file_sha256(upload), {})["id"]


def _panel_lines(text: str) -> list[str]:
    return [ln.split("hatbox.panel: ", 1)[1] for ln in text.splitlines() if " hatbox.panel: " in ln]


def _fuzz(root: Path) -> tuple[PackStore, str, str]:
    """A store with effects Fuzz 1.0.0 (active) and 1.1.0: (store, old, new), their ids."""
    store = PackStore(root)
    old, new = _install(store, "Fuzz", "1.0.0"), _install(store, "Fuzz", "1.1.0")
    store.activate(old)
    return store, old, new


def test_a_models_page_activation_and_roll_back_are_in_box_log_and_changes_log(pg: Any, tmp_path: Path) -> None:
    root = tmp_path / "box"
    store, old, new = _fuzz(root)
    with box_logging(root, terminal=False):
        panel = Panel(RecordingControl(), StoreData(root), (800, 480))
        panel.show_title("Models")
        page = panel.page
        page.selected = [p.id for p in page.packs].index(new)
        panel.handle(Touch("down", 0, *page.activate_btn.center))
        panel.handle(Touch("down", 0, *page.rollback_btn.center))
        said, changes = _panel_lines(log_path(root).read_text()), _panel_lines(changes_path(root).read_text())
    assert said == [f"panel: effect pack Fuzz 1.1.0 ({new}) made active on the Models page (was {old})",
                    f"panel: effect rolled back to effect pack Fuzz 1.0.0 ({old}) on the Models page (was {new})"]
    assert changes == said


def test_the_slot_put_back_when_the_engine_did_not_load_the_pack_is_logged(pg: Any, tmp_path: Path) -> None:
    root = tmp_path / "box"
    store, old, new = _fuzz(root)
    with box_logging(root, terminal=False):
        data = StoreData(root)
        before = data.snapshot()
        data.activate(new)
        data.restore(before, "effect")               # what the Models page does when the engine refuses the load
        data.activate(old)                           # active already: no change, no line
        said = _panel_lines(changes_path(root).read_text())
    assert store.active()["effect"] == old
    assert said == [f"panel: effect pack Fuzz 1.1.0 ({new}) made active on the Models page (was {old})",
                    f"panel: effect pack Fuzz 1.0.0 ({old}) active again: the engine did not load {new}"]
