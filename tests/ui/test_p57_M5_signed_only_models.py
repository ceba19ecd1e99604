"""p57 QA_C 2: on a box started with --require-signature, Models offered "roll back" to an unsigned twin of the
active signed pack ("roll back: effect -> fuzzbox 0.2.0") and its tap answered with no next step; "map" mapped an
unsigned pack with no word (its program change then refused, the red notice without the reason); at 480 px
activate's refusal lost what to do.  Now each is marked before the tap, refused with the next step, and the program's
refused notice keeps its reason in its short forms."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from device.api.box_kit import BoxKit
from device.midi_programs import REFUSED
from device.store import PackStore
from device.ui import draw as D
from device.ui.data import StoreData
from device.ui.events import Touch
from device.ui.panel import Panel
from device.ui.program_notice import program_lines
from device.ui.shots import RecordingControl
from export.signing import generate_key, public_pem
from tests.ui.test_p57_F6_signed_only_panel import _install

LINE_480, LINE_800 = 480 - 20, 800 - 20          # px: the tab bar's message line (panel.py: the width less 20)


def _strict(tmp_path: Path, size: tuple[int, int] = (800, 480)) -> tuple[Panel, dict[str, str]]:
    """A signed-only box: unsigned fuzzbox made active first, then signed clean (so roll back goes to fuzzbox)."""
    key, store = generate_key(), PackStore(tmp_path / "box")
    ids = {"fuzz": _install(store, "effect", "fuzzbox"), "clean": _install(store, "effect", "clean", key, tmp_path)}
    (tmp_path / "box" / "trusted_keys").mkdir()
    (tmp_path / "box" / "trusted_keys" / "me.pub").write_bytes(public_pem(key.public_key()))
    store.activate(ids["fuzz"])
    store.activate(ids["clean"])
    panel = Panel(RecordingControl(), StoreData(tmp_path / "box", require_signature=True), size)
    panel.show_title("Models")
    return panel, ids


def _select(panel: Panel, pid: str) -> None:
    panel.page.selected = [p.id for p in panel.page.packs].index(pid)


def test_roll_back_to_a_refused_pack_is_marked_and_not_tried(pg: Any, tmp_path: Path) -> None:
    panel, ids = _strict(tmp_path)
    page = panel.page
    _select(panel, ids["clean"])
    assert "refused" in page.back_words()[0], page.back_words()
    panel.handle(Touch("down", 0, *page.rollback_btn.center))
    said, alarm = panel.state.toast_lines()
    assert alarm and said[0].startswith("not rolled back: fuzzbox 0.2.0 is not signed"), said
    assert "clean 0.2.0 stays active" in said[0] and "hatbox pack sign" in said[0]
    assert panel.control.sent == [] and PackStore(tmp_path / "box").active()["effect"] == ids["clean"]
    assert "hatbox pack sign" in D.fit(D.Fonts(), said, 20, LINE_480)      # the next step kept at 480


def test_activate_refused_at_480_keeps_what_to_do(pg: Any, tmp_path: Path) -> None:
    panel, ids = _strict(tmp_path, (480, 320))
    _select(panel, ids["fuzz"])
    panel.handle(Touch("down", 0, *panel.page.activate_btn.center))
    line = D.fit(D.Fonts(), panel.state.toast_lines()[0], 20, LINE_480)
    assert line.startswith("fuzzbox is not signed") and "sign it" in line, line


def test_map_of_a_refused_pack_is_marked_and_refused(pg: Any, tmp_path: Path) -> None:
    from tests.api.conftest import make_box
    from tests.api.packs import gain_pack
    box = make_box(tmp_path)
    pid = box.push(gain_pack(tmp_path / "drive.hatpack", "drive", "0.1.0")).json()["pack"]["id"]
    data = StoreData(tmp_path / "box", require_signature=True)
    data.kit = BoxKit(box.app.state.box)
    panel = Panel(RecordingControl(), data, (800, 480))
    panel.show_title("Models")
    _select(panel, pid)
    assert "unsigned: refused here" in panel.page.program_words()[0], panel.page.program_words()
    panel.handle(Touch("down", 0, *panel.page.map_btn.center))
    said, alarm = panel.state.toast_lines()
    assert alarm and "not mapped" in said[0] and "hatbox pack sign" in said[0], said
    assert box.app.state.programs.programs.listed() == []


def test_a_refused_program_change_keeps_its_reason_short(pg: Any) -> None:
    pid = "effect-hatbox-drive-0.1.0-d78d6ba5ae1f"
    why = (f"pack '{pid}' is not signed by a trusted key, and this box takes only signed packs (it was started with "
           "--require-signature)")
    outcome = {"program": 2, "channel": 1, "result": REFUSED, "pack": pid, "slot": "effect", "name": "hatbox-drive",
               "version": "0.1.0", "why": why, "at": 1.0,
               "message": f"program 2: effect pack hatbox-drive 0.1.0 ({pid}) was not switched in ({why}): the box "
                          "plays on as before"}
    lines, alarm = program_lines(outcome)
    for width in (LINE_800, LINE_480):
        line = D.fit(D.Fonts(), lines, 20, width)
        assert alarm and "not signed" in line and "hatbox-drive" in line, (width, line)
