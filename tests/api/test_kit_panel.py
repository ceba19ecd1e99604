"""The panel's Kit page on a real box (device/api/box_kit.BoxKit, device/ui/pages/kit.py): the kit `hatbox box-kit`
sets, played and set from the touch screen.  Before (twenty-ninth stop), the panel had no kit at all: the issue's
"the sampler plays samples triggered by MIDI or the pad" had only MIDI."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from device.api.box_kit import BoxKit
from device.ui.data import StoreData
from device.ui.events import Touch
from device.ui.panel import Panel
from hatbox.errors import HatboxError
from tests.api.test_kit import SamplerBehind, _tagged_library
from tests.ui.conftest import pg  # noqa: F401  (pygame for the panel)


def _kit_panel(box: Any, size: tuple[int, int] = (800, 480)) -> Panel:
    data = StoreData(box.store_dir)
    data.kit = BoxKit(box.app.state.box)
    panel = Panel(box.control, data, size)
    panel.show_title("Kit")
    panel.page.layout(panel.content)
    return panel


def _finger(panel: Panel, note: int, kind: str, finger: int = 1, top: bool = True) -> None:
    page = panel.page
    r = page.pad_rects[note - page.first]
    panel.handle(Touch(kind, finger, r.centerx, r.y + 2 if top else r.bottom - 2))


def test_the_panel_plays_the_box_kit_and_sets_a_note_the_api_then_lists(tmp_path: Path, pg: Any) -> None:
    box, lid = _tagged_library(tmp_path)
    wired = SamplerBehind(box.control)
    assert box.client.post("/kit/from-library", json={"library": lid}, headers=box.auth).status_code == 200
    panel = _kit_panel(box)
    assert panel.page.pads[36].name == "boom.wav" and panel.page.pads[36].tag == "kick"
    _finger(panel, 36, "down")                                           # a finger on the kick pad
    on = [m for m in box.control.sent if m["op"] == "note_on"]
    assert on[-1]["note"] == 36 and on[-1]["slot"] == "sampler" and on[-1]["velocity"] > 120
    _finger(panel, 36, "up")
    assert box.control.sent[-1] == {"op": "note_off", "note": 36, "slot": "sampler"}

    # the Library page's pick goes on an empty pad: the API's kit (and kit.json) has it, and the sampler plays it
    panel.state.picked = str(box.store_dir / "libraries" / lid / "files" / "kit" / "fx.wav")
    _finger(panel, 40, "down")
    _finger(panel, 40, "up")
    assert panel.page.note == 40
    panel.handle(Touch("down", 2, *panel.page.buttons["assign"].center))
    listed = {n["note"]: n for n in box.client.get("/kit", headers=box.auth).json()["notes"]}
    assert listed[40]["file"] == "kit/fx.wav" and listed[40]["library"] == lid and listed[40]["loop"] is False
    assert wired.strike(40) > 0.1
    assert panel.page.pads[40].name == "fx.wav"

    panel.handle(Touch("down", 3, *panel.page.buttons["loop"].center))       # loop it
    assert {n["note"]: n for n in box.client.get("/kit", headers=box.auth).json()["notes"]}[40]["loop"] is True
    panel.handle(Touch("down", 4, *panel.page.buttons["clear"].center))
    assert 40 not in {n["note"] for n in box.client.get("/kit", headers=box.auth).json()["notes"]}
    assert wired.strike(40) == 0.0


def test_from_library_on_the_panel_replaces_a_kit_only_on_the_second_tap(tmp_path: Path, pg: Any) -> None:
    box, lid = _tagged_library(tmp_path)
    assert box.client.put("/kit/notes/50", json={"library": lid, "file": "kit/fx.wav"},
                          headers=box.auth).status_code == 200
    panel = _kit_panel(box)
    button = panel.page.buttons["from library"]
    panel.handle(Touch("down", 1, *button.center))
    assert [n["note"] for n in box.client.get("/kit", headers=box.auth).json()["notes"]] == [50]   # kept
    assert "tap again" in panel.state.toast
    panel.handle(Touch("down", 2, *button.center))
    # fx.wav, set by hand on 50, carries the word fx: fx keeps 50 (device.kit.kept_words, p53 review M4)
    assert sorted(n["note"] for n in box.client.get("/kit", headers=box.auth).json()["notes"]) == [36, 38, 50]
    assert "3 notes" in panel.state.toast


def test_a_sample_from_nowhere_is_refused_in_words_and_the_kit_is_unchanged(tmp_path: Path) -> None:
    box, lid = _tagged_library(tmp_path)
    kit = BoxKit(box.app.state.box)
    stray = tmp_path / "elsewhere.wav"
    stray.write_bytes(b"RIFF")
    with pytest.raises(HatboxError, match="elsewhere.wav is not in a library on this box"):
        kit.assign(40, str(stray))
    with pytest.raises(HatboxError, match="not a MIDI note"):
        kit.assign(128, str(box.store_dir / "libraries" / lid / "files" / "kit" / "fx.wav"))
    assert kit.pads() == {}


def test_from_library_with_no_tagged_library_says_so(tmp_path: Path) -> None:
    from tests.api.conftest import make_box
    box = make_box(tmp_path)
    with pytest.raises(HatboxError, match="no library on this box is tagged yet"):
        BoxKit(box.app.state.box).from_library()


def test_a_kit_refused_part_way_leaves_the_sampler_playing_the_old_kit(tmp_path: Path) -> None:
    """Before (twenty-ninth stop's QA), the notes mapped before the refused file stayed mapped: the sampler played
    a kick on C2 that the kit (and the panel) said played nothing."""
    box, lid = _tagged_library(tmp_path)
    wired = SamplerBehind(box.control)
    assert box.client.put("/kit/notes/50", json={"library": lid, "file": "kit/crack.wav"},
                          headers=box.auth).status_code == 200
    (box.store_dir / "libraries" / lid / "files" / "kit" / "fx.wav").write_bytes(b"RIFF....WAVEjunk")
    r = box.client.post("/kit/from-library", json={"library": lid}, headers=box.auth)
    assert r.status_code == 422 and "as it was before" in r.json()["message"]
    assert [n["note"] for n in box.client.get("/kit", headers=box.auth).json()["notes"]] == [50]
    assert wired.strike(36) == 0.0 and wired.strike(38) == 0.0            # given back: nothing, as the kit says
    assert wired.strike(50) > 0.1


def test_a_pick_whose_library_was_deleted_is_no_longer_offered(tmp_path: Path, pg: Any) -> None:
    """Before (twenty-ninth stop's QA), "assign" stayed lit for a sample whose library was gone."""
    box, lid = _tagged_library(tmp_path)
    panel = _kit_panel(box)
    panel.state.picked = str(box.store_dir / "libraries" / lid / "files" / "kit" / "fx.wav")
    panel.page.refresh()
    assert panel.state.picked.endswith("fx.wav")                       # still there: kept
    assert box.client.delete(f"/libraries/{lid}", headers=box.auth).status_code == 204
    panel.page.refresh()
    assert panel.state.picked == ""
    panel.handle(Touch("down", 1, *panel.page.buttons["assign"].center))
    assert "pick a sample on the Library page first" in panel.state.toast


def test_from_library_makes_the_kit_of_the_library_the_pick_comes_from(tmp_path: Path, pg: Any) -> None:
    """Thirty-first stop: "from library" took the biggest library whatever the producer had picked; the Library page
    lists every library's samples together, so the pick is how they say which library."""
    from tests.api.conftest import wav_bytes, zip_bytes
    from tests.api.test_retag_p20 import _wait_done
    box, small = _tagged_library(tmp_path)
    big = zip_bytes({f"big/hit{i}.wav": wav_bytes(4800 + 100 * i) for i in range(5)})
    lid = box.client.post("/libraries", content=big, headers=box.auth).json()["id"]
    assert _wait_done(box, lid)["state"] == "done"
    kit = BoxKit(box.app.state.box)
    assert "kit made of" in kit.from_library()                                   # no pick: the biggest
    assert {n["library"] for n in box.client.get("/kit", headers=box.auth).json()["notes"]} == {lid}
    picked = str(box.store_dir / "libraries" / small / "files" / "kit" / "fx.wav")
    said = kit.from_library(picked)
    notes = box.client.get("/kit", headers=box.auth).json()["notes"]
    assert {n["library"] for n in notes} == {small} and sorted(n["note"] for n in notes) == [36, 38, 60], said
    kit.from_library()                                                            # no pick: the biggest again
    with pytest.raises(HatboxError, match="elsewhere.wav is no longer on the box"):   # a pick from a deleted library
        kit.from_library(str(tmp_path / "elsewhere.wav"))
    assert {n["library"] for n in box.client.get("/kit", headers=box.auth).json()["notes"]} == {lid}

    panel = _kit_panel(box)                                                      # the page hands the pick over
    panel.state.picked = picked
    button = panel.page.buttons["from library"]
    panel.handle(Touch("down", 1, *button.center))
    panel.handle(Touch("down", 2, *button.center))
    notes = box.client.get("/kit", headers=box.auth).json()["notes"]
    assert {n["library"] for n in notes} == {small}, notes


def test_from_library_with_a_pick_from_an_untagged_library_refuses_and_keeps_the_kit(tmp_path: Path, pg: Any) -> None:
    """The QA pass: a pick from a library with no tags (all silent; or its tag database damaged) made the kit of the
    biggest other library instead, replacing the kit without a word about the pick."""
    import io

    import numpy as np
    import soundfile as sf

    from tests.api.conftest import zip_bytes
    from tests.api.test_retag_p20 import _wait_done
    box, tagged = _tagged_library(tmp_path)
    buf = io.BytesIO()
    sf.write(buf, np.zeros(4800, np.float32), 48000, format="WAV")
    quiet = box.client.post("/libraries", content=zip_bytes({"room/tone.wav": buf.getvalue()}), headers=box.auth)
    lid = quiet.json()["id"]
    assert _wait_done(box, lid)["state"] == "done"
    kit = BoxKit(box.app.state.box)
    kit.from_library()
    before = box.client.get("/kit", headers=box.auth).json()["notes"]
    assert {n["library"] for n in before} == {tagged}
    with pytest.raises(HatboxError, match="has no tags to make a kit of") as err:
        kit.from_library(str(box.store_dir / "libraries" / lid / "files" / "room" / "tone.wav"))
    assert "the kit is as it was" in str(err.value) and "--retag" in err.value.hint
    assert box.client.get("/kit", headers=box.auth).json()["notes"] == before

    panel = _kit_panel(box)                     # the page's question says where the kit would come from
    panel.state.picked = ""
    panel.handle(Touch("down", 1, *panel.page.buttons["from library"].center))
    assert "the biggest library" in panel.state.toast
