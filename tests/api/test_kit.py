"""The sampler's kit (device/kit.py, device/api/kit_routes.py): a tagged library on the box played from MIDI notes.
Before (twenty-eighth stop's QA), nothing in the product mapped a note to a sample: the engine's sampler could
(``sample`` with a ``note``), but every note from a keyboard or drum pad played nothing on it."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from device.api.libraries import default_tagger
from device.audio.sampler import SamplerSource
from device.kit import GM_NOTES, KitNote, gm_note, kit_from_tags, load_kit
from tests.api.conftest import BoxUnderTest, make_box, wav_bytes, zip_bytes
from tests.api.packs import tagger_pack
from tests.api.test_retag_p20 import _wait_done


class SamplerBehind:
    """Wraps a box's RecordingControl: note and sample messages also reach a real SamplerSource, which can render."""

    def __init__(self, control: Any) -> None:
        self.control, self.sampler = control, SamplerSource(48000)
        self._send = control.send
        control.send = self.send

    def send(self, message: dict[str, Any]) -> None:
        self._send(message)
        if message["op"] in ("sample", "note_on", "note_off", "choke"):
            self.sampler.handle(message)

    def strike(self, note: int) -> float:
        """Peak of 0.1 s of the sampler's output after note ``note`` at velocity 127."""
        self.sampler.handle({"op": "note_on", "note": note, "velocity": 127})
        out = np.zeros((4800,), np.float32)
        self.sampler.render(out)
        self.sampler.handle({"op": "panic"})
        quiet = np.zeros((4800,), np.float32)
        self.sampler.render(quiet)
        return float(np.abs(out).max())


def _tagged_library(tmp_path: Path) -> tuple[BoxUnderTest, str]:
    """A box with a library of three samples the producer tagged kick, snare and "dusty vibe" (corrections: what
    the test tagger pack would call them does not matter)."""
    box = make_box(tmp_path, tagger=default_tagger)
    assert box.push(tagger_pack(tmp_path / "t.hatpack")).status_code == 201
    kit = zip_bytes({"kit/boom.wav": wav_bytes(4800), "kit/crack.wav": wav_bytes(9600), "kit/fx.wav": wav_bytes(7200)})
    lid = box.client.post("/libraries", content=kit, headers=box.auth).json()["id"]
    assert _wait_done(box, lid)["state"] == "done"
    for path, tag in (("kit/boom.wav", "kick"), ("kit/crack.wav", "snare"), ("kit/fx.wav", "dusty vibe")):
        r = box.client.put(f"/libraries/{lid}/files/tags", json={"path": path, "tags": [tag]}, headers=box.auth)
        assert r.status_code == 200, r.text
    return box, lid


def test_a_kit_made_from_a_tagged_library_plays_each_tag_on_its_note(tmp_path: Path) -> None:
    box, lid = _tagged_library(tmp_path)
    wired = SamplerBehind(box.control)
    assert wired.strike(36) == 0.0                                   # nothing mapped yet: silence
    r = box.client.post("/kit/from-library", json={"library": lid}, headers=box.auth)
    assert r.status_code == 200, r.text
    notes = {n["note"]: n for n in r.json()["notes"]}
    assert notes[36]["file"] == "kit/boom.wav" and notes[36]["tag"] == "kick" and notes[36]["name"] == "C2"
    assert notes[38]["file"] == "kit/crack.wav" and notes[60]["tag"] == "dusty vibe"
    assert wired.strike(36) > 0.1 and wired.strike(38) > 0.1 and wired.strike(60) > 0.1
    assert wired.strike(40) == 0.0
    kept = json.loads((box.store_dir / "kit.json").read_text())
    assert sorted(n["note"] for n in kept["notes"]) == sorted(notes)


def test_notes_set_and_cleared_one_by_one_and_the_kit_survives_a_restart(tmp_path: Path) -> None:
    box, lid = _tagged_library(tmp_path)
    wired = SamplerBehind(box.control)
    r = box.client.put("/kit/notes/48", json={"library": lid, "file": "kit/fx.wav", "loop": True}, headers=box.auth)
    assert r.status_code == 200 and r.json()["notes"][0]["loop"] is True
    assert wired.strike(48) > 0.1
    assert box.client.put("/kit/notes/49", json={"library": lid, "file": "kit/nope.wav"},
                          headers=box.auth).status_code == 404
    assert box.client.put("/kit/notes/200", json={"library": lid, "file": "kit/fx.wav"},
                          headers=box.auth).status_code == 422
    assert box.client.put("/kit/notes/50", json={"library": lid, "file": "../tokens.json"},
                          headers=box.auth).status_code == 422
    assert box.client.put("/kit/notes/50", json={"library": "nope", "file": "kit/fx.wav"},
                          headers=box.auth).status_code == 404
    # a new box on the same store hands the kit to its sampler at start
    again = make_box(tmp_path)
    assert again.app.state.box.kit.applied.wait(10)
    assert any(m.get("op") == "sample" and m.get("note") == 48 and m.get("loop") for m in again.control.sent)
    r = box.client.delete("/kit/notes/48", headers=box.auth)
    assert r.status_code == 200 and r.json()["notes"] == [] and wired.strike(48) == 0.0
    assert box.client.delete("/kit/notes/48", headers=box.auth).status_code == 404


def test_deleting_the_library_takes_its_notes_out_of_the_kit(tmp_path: Path) -> None:
    box, lid = _tagged_library(tmp_path)
    wired = SamplerBehind(box.control)
    assert box.client.post("/kit/from-library", json={"library": lid}, headers=box.auth).status_code == 200
    assert box.client.delete(f"/libraries/{lid}", headers=box.auth).status_code == 204
    assert box.client.get("/kit", headers=box.auth).json()["notes"] == []
    assert wired.strike(36) == 0.0


def test_a_damaged_kit_file_is_set_aside_and_the_box_starts(tmp_path: Path) -> None:
    (tmp_path / "box").mkdir()
    (tmp_path / "box" / "kit.json").write_text("{\"notes\": [{\"note\": 36", encoding="utf-8")
    box = make_box(tmp_path)
    assert box.client.get("/kit", headers=box.auth).json()["notes"] == []
    assert (tmp_path / "box" / "kit.json.damaged").is_file()


def test_kit_from_tags_gives_drum_words_their_general_midi_notes_and_own_words_middle_c_up() -> None:
    files = {"kick": ["a.wav", "b.wav"], "Hi-Hat": ["a.wav", "h.wav"], "tom": ["t.wav"], "dusty": ["d.wav"],
             "glitch loop": ["g.wav"], "empty": []}
    tags = {"kick": 9, "Hi-Hat": 5, "tom": 2, "dusty": 4, "glitch loop": 1, "empty": 0}
    kit = kit_from_tags("lib", tags, lambda tag, k: files[tag][:k])
    assert {n: (e.tag, e.file) for n, e in kit.items()} == {
        36: ("kick", "a.wav"), 42: ("Hi-Hat", "h.wav"), 45: ("tom", "t.wav"), 60: ("dusty", "d.wav"),
        61: ("glitch loop", "g.wav")}                                # a file plays on one note only
    assert kit[61].loop and not kit[36].loop
    assert gm_note("Open_Hat") == GM_NOTES["open hat"] and gm_note("dusty") is None


def test_load_kit_refuses_a_note_out_of_range_or_a_path_out_of_the_library(tmp_path: Path) -> None:
    for bad in ({"note": 300, "library": "l", "file": "a.wav"}, {"note": 36, "library": "l", "file": "../x.wav"}):
        path = tmp_path / "kit.json"
        path.write_text(json.dumps({"notes": [bad]}), encoding="utf-8")
        assert load_kit(path) == {} and (tmp_path / "kit.json.damaged").is_file()
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"notes": [{"note": 36, "library": "l", "file": "a.wav"}]}), encoding="utf-8")
    assert load_kit(good) == {36: KitNote(36, "l", "a.wav")}


def test_the_box_answers_while_its_kit_is_still_being_decoded(tmp_path: Path, monkeypatch) -> None:
    """Before (twenty-ninth stop), the box's start handed the kit to the sampler before the API could answer: a kit
    of long loops (each decoded as it is mapped) held the whole box's start up for seconds."""
    import threading

    from tests.api.conftest import RecordingControl
    box, lid = _tagged_library(tmp_path)
    assert box.client.post("/kit/from-library", json={"library": lid}, headers=box.auth).status_code == 200
    release, started = threading.Event(), threading.Event()
    plain = RecordingControl.send

    def slow_send(self: Any, message: dict[str, Any]) -> None:
        if message.get("op") == "sample":                  # a sample being decoded: until the test lets it go
            started.set()
            assert release.wait(10)
        plain(self, message)
    monkeypatch.setattr(RecordingControl, "send", slow_send)
    again = make_box(tmp_path)                              # returns while the first note still decodes
    kit = again.app.state.box.kit
    assert started.wait(5) and not kit.applied.is_set()
    assert again.client.get("/status", headers=again.auth).status_code == 200
    release.set()
    assert kit.applied.wait(10)
    mapped = {m["note"] for m in again.control.sent if m.get("op") == "sample"}
    assert mapped == {36, 38, 60}


def test_a_kit_note_may_be_named(tmp_path: Path) -> None:
    """p33: "PUT /kit/notes/C2" was a 400 ("Input should be a valid integer") although the 422 for note 200 offers
    names."""
    box, lid = _tagged_library(tmp_path)
    r = box.client.put("/kit/notes/C2", json={"library": lid, "file": "kit/fx.wav"}, headers=box.auth)
    assert r.status_code == 200, r.text
    assert [n["note"] for n in r.json()["notes"]] == [36]
    r = box.client.put("/kit/notes/H9", json={"library": lid, "file": "kit/fx.wav"}, headers=box.auth)
    assert r.status_code == 422 and "'H9' is not a note" in r.json()["message"]
    r = box.client.put("/kit/notes/200", json={"library": lid, "file": "kit/fx.wav"}, headers=box.auth)
    assert r.status_code == 422 and "outside MIDI's notes" in r.json()["message"]
    assert box.client.delete("/kit/notes/c2", headers=box.auth).status_code == 200


def test_a_note_set_while_the_engine_is_stopped_is_503_not_the_files_fault(tmp_path: Path) -> None:
    """The engine gone, a kit note answered 422 "rejected ... cannot play k2.wav": a client blamed the file
    (thirty-fifth stop's QA)."""
    from device.control import EngineStoppedError
    box, lid = _tagged_library(tmp_path)

    def stopped(message: dict[str, Any]) -> None:
        raise EngineStoppedError("the audio engine is not running")
    box.control.send = stopped
    r = box.client.put("/kit/notes/36", json={"library": lid, "file": "kit/boom.wav"}, headers=box.auth)
    assert r.status_code == 503 and r.json()["error"] == "engine stopped", r.text
    assert "not running" in r.json()["message"] and "the kit is as it was" in r.json()["message"]
    assert box.client.get("/kit", headers=box.auth).json()["notes"] == []


def test_a_kit_from_a_library_stops_at_a_stopped_engine_without_waiting_on_it_again(tmp_path: Path) -> None:
    """Giving each note mapped so far its old sample back sent one more message per note to an engine that had
    just not answered: each waited the full reply timeout (90 s) before the 503 (thirty-fifth stop's QA)."""
    from device.control import EngineStoppedError
    box, lid = _tagged_library(tmp_path)
    sent: list[dict[str, Any]] = []

    def stalls_at_the_second(message: dict[str, Any]) -> None:
        sent.append(message)
        if len(sent) >= 2:
            raise EngineStoppedError("the audio engine did not answer in 90 s", may_apply=True)
    box.control.send = stalls_at_the_second
    r = box.client.post("/kit/from-library", json={"library": lid}, headers=box.auth)
    assert r.status_code == 503 and len(sent) == 2, (r.text, sent)
    assert "it may yet play it" in r.json()["message"] and "set the note again" in r.json()["message"]


def test_a_pack_activated_while_the_engine_is_stopped_is_503_and_the_old_one_stays_listed(tmp_path: Path) -> None:
    from device.control import EngineStoppedError
    from tests.api.packs import gain_pack
    box = make_box(tmp_path)
    first = box.push(gain_pack(tmp_path / "a.hatpack", "first", "1.0.0")).json()["pack"]["id"]
    other = box.push(gain_pack(tmp_path / "b.hatpack", "other", "1.0.0"), activate=False).json()["pack"]["id"]

    def stopped(message: dict[str, Any]) -> None:
        raise EngineStoppedError("the audio engine is not running")
    box.control.send = stopped
    r = box.client.post(f"/packs/{other}/activate", headers=box.auth)
    assert r.status_code == 503 and r.json()["error"] == "engine stopped", r.text
    assert "not running" in r.json()["message"] and box.active() == first
