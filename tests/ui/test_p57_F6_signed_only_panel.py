"""p57 QA_B finding 2, the panel: on a box started with --require-signature over unsigned packs, Play said "pick
one on the Models page", where every pack refused with no mark before the tap and no word of what to do.  Now Models
marks each pack the box refuses, its activate says what to do, and the no-pack hint says why none plays."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from device.store import PackStore, file_sha256
from device.ui.data import StoreData
from device.ui.demo import manifest
from device.ui.events import Touch
from device.ui.pages.base import NO_PACK_HINTS
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from device.ui.signed_only import REFUSED_MARK, SIGNED_ONLY_HINTS, no_pack_hints
from export.manifest import Knob
from export.pack import write_pack
from export.signing import generate_key, public_pem, sign_pack


def _install(store: PackStore, kind: str, name: str, key: Any = None, tmp: Path | None = None) -> str:
    m = manifest(kind, name, "0.2.0", knobs=[Knob("gain", 0.0, 12.0, 3.0, "dB")] if kind == "effect" else [])
    upload = store.new_upload()
    write_pack(upload, m, {"model.onnx": f"placeholder {name}".encode()})
    if key is not None and tmp is not None:
        upload.write_bytes(sign_pack(upload, key, tmp / f"{name}.hatpack").read_bytes())
    return store.install(upload, m, file_sha256(upload), {})["id"]


def _models(root: Path) -> Any:
    panel = Panel(RecordingControl(), StoreData(root, require_signature=True), (800, 480))
    panel.show_title("Models")
    return panel


def test_models_marks_each_pack_the_box_refuses_and_says_what_to_do(pg: Any, tmp_path: Path) -> None:
    key = generate_key()
    store = PackStore(tmp_path / "box")
    fuzz, synth = _install(store, "effect", "fuzzbox"), _install(store, "synth", "organ")
    signed = _install(store, "effect", "clean", key, tmp_path)
    (tmp_path / "box" / "trusted_keys").mkdir()
    (tmp_path / "box" / "trusted_keys" / "me.pub").write_bytes(public_pem(key.public_key()))
    panel = _models(tmp_path / "box")
    page = panel.page
    assert page.refused == {fuzz, synth}
    marks = {p.id: page.row_mark(p) for p in page.packs}
    assert marks[fuzz] == REFUSED_MARK and marks[synth] == REFUSED_MARK and marks[signed] == ()
    page.selected = [p.id for p in page.packs].index(fuzz)
    panel.handle(Touch("down", 0, *page.activate_btn.center))
    said = panel.state.said[0]
    assert "hatbox pack sign" in said[0] and "without --require-signature" in said[0], said
    assert panel.control.sent == [] and PackStore(tmp_path / "box").active()["effect"] is None
    frame = pg.Surface(panel.size)
    panel.draw(frame)                                             # the marks drawn (no error, rows fitted)


def test_a_page_whose_every_pack_refuses_says_so_not_pick_one_on_models(pg: Any, tmp_path: Path) -> None:
    store = PackStore(tmp_path / "box")
    _install(store, "synth", "organ")
    strict = StoreData(tmp_path / "box", require_signature=True)
    assert no_pack_hints(strict, "synth") == SIGNED_ONLY_HINTS
    assert "hatbox pack sign" in SIGNED_ONLY_HINTS[1] and "--require-signature" in SIGNED_ONLY_HINTS[1]
    assert no_pack_hints(strict, "effect") == NO_PACK_HINTS            # no effect on the box: push one
    assert no_pack_hints(StoreData(tmp_path / "box"), "synth") == NO_PACK_HINTS
