"""p55 FR3 review 7: when the engine did not load a pack made active on the Models page, the panel put back the
store's whole pointer, undoing a slot another front end (a MIDI program change, the API) had changed meanwhile, and
logged that slot's pack as one "the engine did not load".  Now only the slot whose load failed is put back and
logged."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from device.logs import box_logging, changes_path
from device.store import PackStore, file_sha256
from device.ui.data import MemoryData, PackEntry, StoreData
from device.ui.demo import manifest
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from export.pack import write_pack


def _install(store: PackStore, kind: str, name: str, version: str) -> str:
    m = manifest(kind, name, version)
    upload = store.new_upload()
    write_pack(upload, m, {"model.onnx": f"placeholder {name} {version}".encode()})
    return str(store.install(upload, m, file_sha256(upload), {})["id"])


def _panel_lines(path: Path) -> list[str]:
    return [ln.split(" hatbox.panel: ", 1)[1] for ln in path.read_text().splitlines() if " hatbox.panel: " in ln]


def _two_slots(root: Path) -> tuple[PackStore, str, str, str, str]:
    """A store with effects Fuzz 1.0.0 (active) and 1.1.0 and synths Pad (active) and Organ: (store, old, new, pad,
    organ), their ids."""
    store = PackStore(root)
    old, new = _install(store, "effect", "Fuzz", "1.0.0"), _install(store, "effect", "Fuzz", "1.1.0")
    pad, organ = _install(store, "synth", "Pad", "1.0.0"), _install(store, "synth", "Organ", "1.0.0")
    store.activate(old)
    store.activate(pad)
    return store, old, new, pad, organ


def test_a_failed_load_puts_back_its_own_slot_only(tmp_path: Path) -> None:
    root = tmp_path / "box"
    store, old, new, pad, organ = _two_slots(root)
    with box_logging(root, terminal=False):
        data = StoreData(root)
        before = data.snapshot()
        data.activate(new)
        store.activate(organ)                    # a MIDI program change (or the API) while the effect's load waits
        data.restore(before, "effect")           # the engine did not load the new effect
        said = _panel_lines(changes_path(root))
    assert (store.active()["effect"], store.active()["synth"]) == (old, organ)
    assert store.pointer().history["synth"][-1] == pad               # the synth's own history is kept as well
    assert said == [f"panel: effect pack Fuzz 1.1.0 ({new}) made active on the Models page (was {old})",
                    f"panel: effect pack Fuzz 1.0.0 ({old}) active again: the engine did not load {new}"]


def test_the_models_page_puts_back_the_slot_of_the_load_that_failed(pg: Any, tmp_path: Path) -> None:
    root = tmp_path / "box"
    store, old, new, pad, organ = _two_slots(root)
    panel = Panel(RecordingControl(), StoreData(root), (800, 480))
    panel.show_title("Models")
    page = panel.page
    page.selected = [p.id for p in page.packs].index(new)
    (load,) = page._act(lambda p: panel.ctx.data.activate(p.id))
    store.activate(organ)
    page.failed(load, RuntimeError("out of memory"))
    assert (store.active()["effect"], store.active()["synth"]) == (old, organ)
    assert panel.state.toast.startswith("not loaded: Fuzz 1.1.0 (out of memory); Fuzz 1.0.0 stays active")


def _entry(kind: str, name: str, active: bool) -> PackEntry:
    return PackEntry(f"{kind}-{name}", manifest(kind, name, "1.0.0"), f"/box/packs/{kind}-{name}.hatpack", active)


def test_the_in_memory_data_puts_back_one_slot_too() -> None:
    data = MemoryData(pack_list=[_entry("effect", "old", True), _entry("effect", "new", False),
                                 _entry("synth", "pad", True), _entry("synth", "organ", False)])
    before = data.snapshot()
    data.activate("effect-new")
    data.activate("synth-organ")
    data.restore(before, "effect")
    assert {p.id for p in data.packs() if p.active} == {"effect-old", "synth-organ"}
    assert data.history.get("synth") == ["synth-pad"]
