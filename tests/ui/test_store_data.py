"""The panel over the box's real pack store (device/store.py): list, activate, roll back."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from device.store import PackStore, file_sha256
from device.ui.data import Sample, StoreData
from device.ui.demo import manifest
from device.ui.events import Touch
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from export.manifest import Knob
from tests.ui.conftest import tap
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


def test_library_page_reads_a_tagged_library_database(pg: Any, tmp_path: Path) -> None:
    import numpy as np

    from device.library import db as libdb
    root = tmp_path / "box"
    files = root / "libraries" / "drums-1" / "files"
    files.mkdir(parents=True)
    con = libdb.connect(files.parent / "tags.db")
    tags = ["kick", "snare"]
    libdb.set_meta(con, root=str(files), tags=",".join(tags), exclusive=1)     # as a tagging run records it
    for i, (name, probs) in enumerate([("k1.wav", [0.9, 0.1]), ("k2.wav", [0.8, 0.3]), ("s1.wav", [0.2, 0.95])]):
        p = np.asarray(probs, np.float32)
        emb = np.asarray([probs[0], probs[1], 0.1 * i], np.float32)
        libdb.put_result(con, name, (100, i), f"{i:064x}", "tagger", tags, p, p > 0.5, emb)
    con.commit()
    con.close()
    data = StoreData(root)
    assert data.tags() == {"kick": 2, "snare": 1}
    panel = Panel(RecordingControl(), data, (800, 480))
    panel.show_title("Library")
    page = panel.page
    assert [s.name for s in page.samples] == ["k1.wav", "k2.wav"]
    panel.handle(Touch("down", 0, *page.sample_rows[1].center))
    assert panel.control.sent[-1] == {"op": "sample", "path": str(files / "k2.wav"), "velocity": 100}
    panel.handle(Touch("down", 0, *page.more_btn.center))
    assert [s.name for s in page.samples][:2] == ["k2.wav", "k1.wav"]
    from device.library import query
    page.sample = 0                                                  # k2.wav: retag it as a snare, on the panel
    panel.handle(Touch("down", 0, *page.retag_btn.center))
    tap(panel, *page.tag_rows[1].center)
    assert query.corrected_tags(files.parent / "tags.db", files / "k2.wav") == ["snare"]
    assert data.tags() == {"kick": 1, "snare": 2} and [(s.name, s.corrected) for s in page.samples] == [
        ("k2.wav", True), ("s1.wav", False)]
    assert [(s.name, s.guess) for s in data.unsure()] == [("s1.wav", "snare / kick"), ("k1.wav", "kick / snare")]
    page.retag = Sample(str(tmp_path / "elsewhere.wav"))             # a file no library holds: a message
    tap(panel, *page.tag_rows[0].center)
    assert "not in a library on this box" in panel.state.toast and data.tags() == {"kick": 1, "snare": 2}


def test_library_page_retags_a_multi_label_library_with_several_tags(pg: Any, tmp_path: Path) -> None:
    import numpy as np

    from device.library import db as libdb
    from device.library import query
    root = tmp_path / "box"
    files = root / "libraries" / "loops-1" / "files"
    files.mkdir(parents=True)
    db = files.parent / "tags.db"
    con = libdb.connect(db)
    tags = ["dusty", "drums", "bright"]
    libdb.set_meta(con, root=str(files), tags=",".join(tags), exclusive=0)
    for i, (name, probs) in enumerate([("a.wav", [0.9, 0.8, 0.1]), ("b.wav", [0.2, 0.9, 0.7])]):
        p = np.asarray(probs, np.float32)
        libdb.put_result(con, name, (100, i), f"{i:064x}", "tagger", tags, p, p > 0.5, np.ones(3, np.float32))
    con.commit()
    con.close()
    data = StoreData(root)
    assert data.file_tags(str(files / "a.wav")) == (["drums", "dusty"], True)
    panel = Panel(RecordingControl(), data, (800, 480))
    panel.show_title("Library")
    page = panel.page
    page.tag = page.tags.index("drums")
    page._load_tag()
    page.sample = [s.name for s in page.samples].index("a.wav")
    panel.handle(Touch("down", 0, *page.retag_btn.center))
    assert page.pending == {"drums", "dusty"}
    tap(panel, *page.tag_rows[page.tags.index("dusty")].center)     # dusty off
    tap(panel, *page.tag_rows[page.tags.index("bright")].center)    # bright on
    assert page.pending == {"drums", "bright"} and query.corrected_tags(db, files / "a.wav") == []   # not yet
    panel.handle(Touch("down", 0, *page.retag_btn.center))                                # save
    assert query.corrected_tags(db, files / "a.wav") == ["bright", "drums"]
    assert data.file_tags(str(files / "a.wav")) == (["bright", "drums"], True)
    assert page.tags[page.tag] == "drums" and page.samples[page.sample].name == "a.wav"
    assert panel.state.toast == "a.wav -> bright, drums"


class RefusingControl(RecordingControl):
    """The engine refuses every pack (EngineProcess raises HatboxError("engine: ...") on a refusal)."""

    def send(self, message: dict) -> None:
        if message["op"] == "load":
            from hatbox.errors import HatboxError
            raise HatboxError("engine: the pack's model does not load")
        super().send(message)


def test_a_pack_the_engine_refuses_is_not_left_active_in_the_store(pg: Any, tmp_path: Path) -> None:
    store = PackStore(tmp_path / "box")
    old = _install(store, tmp_path, "Fuzz", "1.0.0")
    new = _install(store, tmp_path, "Fuzz", "1.1.0")
    store.activate(old)
    before = store.pointer()
    panel = Panel(RefusingControl(), StoreData(tmp_path / "box"), (800, 480))
    panel.show_title("Models")
    page = panel.page
    page.selected = [p.id for p in page.packs].index(new)
    panel.handle(Touch("down", 0, *page.activate_btn.center))
    assert store.active()["effect"] == old and store.pointer().history == before.history
    assert [p.id for p in page.packs if p.active] == [old]
    assert panel.state.toast == ("not loaded: Fuzz 1.1.0 (engine: the pack's model does not load); "
                                 "Fuzz 1.0.0 stays active")
    panel.handle(Touch("down", 0, *page.rollback_btn.center))         # nothing earlier than old: a message
    assert store.active()["effect"] == old and "no earlier effect pack" in panel.state.toast


def _tagged_library(root: Path, n: int) -> Path:
    import numpy as np

    from device.library import db as libdb
    files = root / "libraries" / "big-1" / "files"
    files.mkdir(parents=True)
    con = libdb.connect(files.parent / "tags.db")
    libdb.set_meta(con, root=str(files), tags="kick,snare", exclusive=1)
    for i in range(n):
        p = np.asarray([0.99 - i / (4 * n), 0.01], np.float32)
        libdb.put_result(con, f"k{i:04d}.wav", (100, i), f"{i:064x}", "tagger", ["kick", "snare"], p, p > 0.5,
                         np.ones(3, np.float32))
    con.commit()
    con.close()
    return files


def test_every_sample_of_a_big_tag_is_reachable(pg: Any, tmp_path: Path) -> None:
    from device.ui import draw as D
    from device.ui.events import EncoderTurn
    from tests.ui.conftest import find_text
    files = _tagged_library(tmp_path / "box", 292)
    panel = Panel(RecordingControl(), StoreData(tmp_path / "box"), (800, 480))
    panel.show_title("Library")
    page = panel.page
    assert page.tag_counts["kick"] == 292
    surface = pg.Surface((800, 480))
    panel.draw(surface)
    assert find_text(surface, "sample 1 of 292 (200 read, more as you scroll)", 20, D.DIM)
    for _ in range(250):
        panel.handle(EncoderTurn(1, 1, 1))
    assert page.samples[page.sample].path == str(files / "k0250.wav")
    panel.draw(surface)
    assert find_text(surface, "sample 251 of 292", 20, D.DIM)
    for _ in range(41):
        panel.handle(EncoderTurn(1, 1, 1))
    assert page.samples[page.sample].path == str(files / "k0291.wav") and len(page.samples) == 292
    panel.handle(EncoderTurn(1, 1, 1))                                 # past the last: round to the first
    assert page.sample == 0


def test_a_fast_tag_spin_reads_the_samples_once(pg: Any) -> None:
    from device.ui.data import MemoryData
    from device.ui.events import EncoderTurn

    class Counting(MemoryData):
        queries = 0

        def samples(self, tag: str, limit: int | None = None) -> list[Sample]:
            self.queries += 1
            return super().samples(tag, limit)

    data = Counting(library={f"t{i:02d}": [Sample(f"/l/{i}.wav")] for i in range(40)})
    panel = Panel(RecordingControl(), data, (800, 480))
    panel.show_title("Library")
    data.queries = 0
    for _ in range(30):                                                # 30 detents between two frames
        panel.handle(EncoderTurn(0, 1, 5))
    assert data.queries == 0
    panel.draw(pg.Surface((800, 480)))
    assert data.queries == 1 and panel.page.samples == [Sample("/l/30.wav")]
    panel.handle(EncoderTurn(0, 1, 1))
    panel.handle(Touch("down", 0, *panel.page.play_btn.center))        # an event that needs the list reads it
    assert data.queries == 2 and panel.control.sent[-1]["path"] == "/l/31.wav"


def test_the_panel_retags_a_file_the_tagger_skipped(tmp_path: Path) -> None:
    """A file that turned silent (status skipped) keeps the producer's tags, and the panel's retag can clear and set
    them (StoreData finds its library by the files it lists, not by the tags the tagger gave)."""
    import numpy as np

    from device.library import db as libdb
    from device.library import query
    files = tmp_path / "box" / "libraries" / "kit-1" / "files"
    files.mkdir(parents=True)
    db = files.parent / "tags.db"
    con = libdb.connect(db)
    tags = ["kick", "snare"]
    libdb.set_meta(con, root=str(files), tags=",".join(tags), exclusive=1)
    p = np.asarray([0.9, 0.1], np.float32)
    libdb.put_result(con, "k1.wav", (100, 0), "0" * 64, "tagger", tags, p, p > 0.5, np.ones(3, np.float32))
    libdb.put_skipped(con, "quiet.wav", (100, 1), "tagger", "silent (peak -120 dBFS)")
    con.commit()
    con.close()
    data = StoreData(tmp_path / "box")
    quiet = str(files / "quiet.wav")
    data.set_tags(quiet, ["snare"])
    assert query.corrected_tags(db, quiet) == ["snare"] and data.file_tags(quiet)[0] == ["snare"]
    data.set_tags(quiet, [])
    assert query.corrected_tags(db, quiet) == []


def test_the_panel_of_a_box_that_takes_only_signed_packs_refuses_an_unsigned_one_as_the_api_does(
        pg: Any, tmp_path: Path) -> None:
    """Before: the Models page made any installed pack active and loaded it, --require-signature or not."""
    import pytest

    from device.given_packs import install_given
    from export.signing import generate_key, public_pem, sign_pack
    from hatbox.errors import HatboxError
    from tests.api.packs import gain_pack
    key = generate_key()
    (tmp_path / "box" / "trusted_keys").mkdir(parents=True)
    (tmp_path / "box" / "trusted_keys" / "me.pub").write_bytes(public_pem(key.public_key()))
    install_given(tmp_path / "box", {"effect": str(gain_pack(tmp_path / "u.hatpack", "plain", "1.0.0"))}, 48000, 128)
    unsigned = PackStore(tmp_path / "box").active()["effect"]
    signed = sign_pack(gain_pack(tmp_path / "s.hatpack", "signed", "1.0.0", seed=1), key, tmp_path / "ss.hatpack")
    install_given(tmp_path / "box", {"effect": str(signed)}, 48000, 128, require_signature=True)
    store = PackStore(tmp_path / "box")
    good = store.active()["effect"]
    data = StoreData(tmp_path / "box", require_signature=True)
    panel = Panel(RecordingControl(), data, (800, 480))
    panel.show_title("Models")
    page = panel.page
    page.selected = [p.id for p in page.packs].index(unsigned)
    panel.handle(Touch("down", 0, *page.activate_btn.center))
    assert store.active()["effect"] == good and panel.control.sent == []
    assert "plain 1.0.0 is not signed by a trusted key: this box plays only signed packs" in panel.state.toast
    page.selected = [p.id for p in page.packs].index(good)
    panel.handle(Touch("down", 0, *page.rollback_btn.center))                 # back to the unsigned one: refused
    assert store.active()["effect"] == good and panel.control.sent == []
    assert store.pointer().history["effect"][-1] == unsigned                    # the history as it was
    with pytest.raises(HatboxError):
        data.rollback("effect")
    assert StoreData(tmp_path / "box").activate(unsigned).id == unsigned        # a box without the option: as before


def test_device_run_gives_its_panel_the_signature_rule(tmp_path: Path) -> None:
    import argparse

    from hatbox.cmd_device import _panel_data
    args = argparse.Namespace(store=str(tmp_path / "box"), audio=None, block=128, midi=False, require_signature=True)
    assert _panel_data(args).require_signature is True
    args = argparse.Namespace(store=str(tmp_path / "box"), audio=None, block=128, midi=False)
    assert _panel_data(args).require_signature is False


class LongRefusal(RecordingControl):
    def send(self, message: dict) -> None:
        if message["op"] == "load":
            from hatbox.errors import HatboxError
            raise HatboxError("engine refused the pack: model output shape [1, 2, 128] is not what the manifest "
                              "declares ([1, 1, 128])")
        super().send(message)


def test_a_refused_pack_is_said_in_red_with_what_stays_active_even_when_the_reason_does_not_fit(
        pg: Any, tmp_path: Path) -> None:
    """Before: in the accent colour, the reason cut mid-way and "... stays active" never shown."""
    from device.ui import draw as D
    from device.ui.panel import MESSAGE_SIZE, TAB_H, TOAST_S
    from tests.ui.conftest import find_text
    store = PackStore(tmp_path / "box")
    old = _install(store, tmp_path, "Tube screamer", "1.0.0")
    new = _install(store, tmp_path, "Fuzz face", "0.3.1")
    store.activate(old)
    panel = Panel(LongRefusal(), StoreData(tmp_path / "box"), (480, 800))
    now = [1000.0]
    panel.clock = lambda: now[0]
    panel.show_title("Models")
    page = panel.page
    page.selected = [p.id for p in page.packs].index(new)
    panel.handle(Touch("down", 0, *page.activate_btn.center))
    for later in (0.0, TOAST_S - 1.0):
        now[0] = 1000.0 + later
        surface = pg.Surface(panel.size)
        panel.draw(surface)
        bar = surface.subsurface(pg.Rect(0, 0, panel.size[0], TAB_H))
        assert find_text(bar, "Fuzz face 0.3.1 not loaded; Tube screamer 1.0.0 stays active", MESSAGE_SIZE,
                         D.BAD), later
