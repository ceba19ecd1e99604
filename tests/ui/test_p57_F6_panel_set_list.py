"""p57 QA_B finding 3: the panel could not map a program change to a pack; an unmapped program pointed at `hatbox
box-midi --program N PACK`, a laptop's command.  Now the Models page maps the last unmapped program change heard (or
a program chosen with encoder 2) to the selected pack, through the API's own program map (the laptop's route's
rule), logged in changes.log as the panel's."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from device.api.box_kit import BoxKit
from device.logs import box_logging, changes_path
from device.ui.data import StoreData
from device.ui.events import EncoderTurn, Touch
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from tests.api.conftest import make_box
from tests.api.packs import gain_pack, tagger_pack


def _box(tmp_path: Path) -> tuple[Any, Any, dict[str, str]]:
    """A box (API) with effects fuzzbox and drive and a tagger, and its panel on the Models page."""
    box = make_box(tmp_path)
    ids = {name: box.push(gain_pack(tmp_path / f"{name}.hatpack", name, "0.2.0", seed=i)).json()["pack"]["id"]
           for i, name in enumerate(("fuzzbox", "drive"))}
    ids["tags"] = box.push(tagger_pack(tmp_path / "t.hatpack")).json()["pack"]["id"]
    data = StoreData(tmp_path / "box")
    data.kit = BoxKit(box.app.state.box)
    panel = Panel(RecordingControl(), data, (800, 480))
    panel.show_title("Models")
    return box, panel, ids


def _select(panel: Any, pid: str) -> None:
    panel.page.selected = [p.id for p in panel.page.packs].index(pid)


def test_the_last_unmapped_program_heard_is_mapped_to_the_selected_pack(pg: Any, tmp_path: Path) -> None:
    box, panel, ids = _box(tmp_path)
    switcher = box.app.state.programs
    switcher.received(3, None)
    assert switcher.wait(5.0) and switcher.last["result"] == "unmapped"
    page = panel.page
    _select(panel, ids["fuzzbox"])
    assert "program 3 (just heard): nothing mapped; map plays fuzzbox 0.2.0" in page.program_words()[0]
    with box_logging(tmp_path / "box", terminal=False):
        panel.handle(Touch("down", 0, *page.map_btn.center))
    entry = switcher.programs.lookup(3, None)
    assert entry is not None and entry.pack == ids["fuzzbox"] and entry.follow     # its newest: follows (R2 8)
    listed = box.client.get("/midi/programs", headers=box.auth).json()["programs"]     # the laptop sees it
    assert [(r["program"], r["pack"]) for r in listed] == [(3, ids["fuzzbox"])]
    assert "program 3 switches in effect pack fuzzbox 0.2.0" in panel.state.said[0][0]
    changes = changes_path(tmp_path / "box").read_text()
    assert f"panel: MIDI program 3 switches in effect pack fuzzbox 0.2.0 ({ids['fuzzbox']})" in changes, changes
    switcher.received(3, None)                                 # a program change plays what the panel mapped
    assert switcher.wait(5.0) and switcher.last["pack"] == ids["fuzzbox"]
    assert page.program_words()[0].startswith("program 3 plays fuzzbox 0.2.0 already")


def test_encoder_2_picks_the_program_and_the_mapping_replaces_the_one_there(pg: Any, tmp_path: Path) -> None:
    box, panel, ids = _box(tmp_path)
    page = panel.page
    _select(panel, ids["drive"])
    assert page.program_words()[0].startswith("program 0: nothing mapped")       # nothing heard: the first free
    panel.handle(EncoderTurn(1, 2, 2))
    panel.handle(Touch("down", 0, *page.map_btn.center))
    assert box.app.state.programs.programs.lookup(2, None).pack == ids["drive"]
    assert page.program_words()[0].startswith("program 2 plays drive 0.2.0 already")
    _select(panel, ids["fuzzbox"])
    assert "program 2 plays drive 0.2.0 now; map plays fuzzbox 0.2.0 instead" in page.program_words()[0]
    panel.handle(Touch("down", 0, *page.map_btn.center))
    assert box.app.state.programs.programs.lookup(2, None).pack == ids["fuzzbox"]
    assert "(it switched effect pack drive 0.2.0, mapped by the panel" in panel.state.said[0][0]
    panel.handle(EncoderTurn(1, -9, -9))
    assert page.picker.program == 0


def test_a_tagger_is_not_mapped_and_the_page_says_why(pg: Any, tmp_path: Path) -> None:
    box, panel, ids = _box(tmp_path)
    _select(panel, ids["tags"])
    assert "makes no sound" in panel.page.program_words()[0]
    panel.handle(Touch("down", 0, *panel.page.map_btn.center))
    assert box.app.state.programs.programs.listed() == []
    assert "makes no sound" in panel.state.said[0][0]


def test_a_panel_without_the_api_shows_no_map_button(pg: Any, tmp_path: Path) -> None:
    box, _panel, _ids = _box(tmp_path)
    panel = Panel(RecordingControl(), StoreData(tmp_path / "box"), (800, 480))
    panel.show_title("Models")
    assert panel.page.map_btn is None and panel.page.focus.names == ("activate", "roll back")
