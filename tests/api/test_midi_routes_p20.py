"""MIDI learn over the API (p20): ``GET /midi``, ``POST`` / ``DELETE /midi/learn``, ``DELETE /midi/bindings/{cc}``
on the MIDI map ``hatbox device run`` hands the API on its control (BoxControl.midi), with or without MIDI;
and the laptop's ``hatbox box-midi``.  The box here is the API over a BoxControl in front of the recording
engine, the map made by ``cmd_device._start_midi`` with the MIDI port stood in for (its callback fed by hand)."""
from __future__ import annotations

import argparse
import json
import threading
import time
from pathlib import Path
from typing import Any, NamedTuple

import mido
import pytest
from fastapi.testclient import TestClient

from device import midi, midi_ports
from device.api.app import ApiConfig, create_app
from device.api.sim import RecordingControl
from device.midi import BINDINGS_FILE
from hatbox import cmd_device
from hatbox.cli import build_parser, main
from tests.api.conftest import FAST_ENGINE, make_box
from tests.api.packs import gain_pack

DRIVE = str(Path(__file__).resolve().parents[2] / "factory" / "effect-drive.hatpack")   # knobs drive, tone


class MidiBox(NamedTuple):
    client: TestClient
    control: cmd_device.BoxControl
    auth: dict[str, str]
    app: Any

    def play(self, number: int, value: int) -> list[dict[str, Any]]:
        """A control change as the MIDI port's callback delivers it (device.midi_ports.open_input)."""
        out = self.control.midi.translate(mido.Message("control_change", control=number, value=value))
        for message in out:
            self.control.send(message)
        return out


def _midi_box(store: Path, monkeypatch: pytest.MonkeyPatch, *argv: str, drive: bool = True) -> MidiBox:
    """``hatbox device run`` wiring: BoxControl, MIDI started (port stood in for), the API over that control."""
    monkeypatch.setattr(midi_ports, "open_input", lambda *a, **k: argparse.Namespace(close=lambda: None))
    control = cmd_device.BoxControl(RecordingControl())
    if drive:
        control.send({"op": "load", "slot": "effect", "path": DRIVE})    # as --effect does
    args = build_parser().parse_args(["device", "run", "--store", str(store), *argv])
    cmd_device._start_midi(args, control)
    codes: list[str] = []
    app = create_app(store, control, ApiConfig(engine=FAST_ENGINE, on_code=codes.append))
    client = TestClient(app)
    token = client.post("/pair", json={"code": codes[-1], "name": "test"}).json()["token"]
    return MidiBox(client, control, {"Authorization": f"Bearer {token}"}, app)


def _binding(cc: int, knob: str, source: str, loaded: bool = True) -> dict[str, Any]:
    return {"cc": cc, "slot": "effect", "knob": knob, "source": source, "loaded": loaded}


def test_get_midi_lists_the_bindings_in_effect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = _midi_box(tmp_path / "box", monkeypatch, "--midi-cc", "74=effect.tone", "--midi-cc", "16=effect.nope",
                    "--midi-cc", "75=off")
    assert box.client.get("/midi").status_code == 401
    r = box.client.get("/midi", headers=box.auth)
    assert r.status_code == 200, r.text
    assert r.json() == {"midi": "on", "port": "hatbox", "note": "", "controllers": [], "off": [75], "overridden": [],
                        "learning": None, "kit_channel": None, "synth_channel": None,   # p42, p46
                        "warnings": [], "unheard": [], "bindings": [_binding(16, "nope", "command line", loaded=False),
                                                     _binding(70, "drive", "default"), _binding(71, "tone", "default"),
                                                     _binding(74, "tone", "command line")]}


def test_learn_binds_the_next_cc_and_the_box_keeps_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = _midi_box(tmp_path / "box", monkeypatch)
    r = box.client.post("/midi/learn", json={"slot": "effect", "knob": "tone"}, headers=box.auth)
    assert r.status_code == 202, r.text
    assert r.json()["learning"] == {"slot": "effect", "knob": "tone"} and r.json()["replaced"] is None
    assert "move a control on your MIDI controller" in r.json()["message"]
    r = box.client.post("/midi/learn", json={"slot": "effect", "knob": "drive"}, headers=box.auth)   # replaces
    assert r.json()["replaced"] == {"slot": "effect", "knob": "tone"} and "tone was disarmed" in r.json()["message"]
    assert box.client.get("/midi", headers=box.auth).json()["learning"] == {"slot": "effect", "knob": "drive"}
    assert box.play(21, 64)[0]["name"] == "drive"                        # 12 dB: picked up, and bound
    state = box.client.get("/midi", headers=box.auth).json()
    assert state["learning"] is None and _binding(21, "drive", "learned") in state["bindings"]
    assert json.loads((tmp_path / "box" / BINDINGS_FILE).read_text())["learned"] == {"21": "effect.drive"}
    assert box.control.engine.sent[-1] == {"op": "knob", "slot": "effect", "name": "drive", "value": 64 / 127 * 24}

    again = _midi_box(tmp_path / "box", monkeypatch)                     # the box restarted
    assert _binding(21, "drive", "learned") in again.client.get("/midi", headers=again.auth).json()["bindings"]


def test_learn_refuses_a_knob_the_loaded_pack_lacks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = _midi_box(tmp_path / "box", monkeypatch)
    r = box.client.post("/midi/learn", json={"slot": "effect", "knob": "drve"}, headers=box.auth)
    assert r.status_code == 404
    assert r.json()["message"] == "the effect pack has no knob 'drve' (its knobs: drive, tone); nothing was armed"
    assert "hatbox box-midi --learn effect.drive" in r.json()["hint"]
    r = box.client.post("/midi/learn", json={"slot": "synth", "knob": "glide"}, headers=box.auth)
    assert r.status_code == 404 and r.json()["message"].startswith("no synth pack is loaded")
    r = box.client.post("/midi/learn", json={"slot": "sampler", "knob": "x"}, headers=box.auth)
    assert r.status_code == 422 and "slot 'sampler' has no knobs" in r.json()["message"]
    assert box.client.post("/midi/learn", json={"slot": "effect"}, headers=box.auth).status_code == 400
    assert box.client.get("/midi", headers=box.auth).json()["learning"] is None


def test_cancel_learn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = _midi_box(tmp_path / "box", monkeypatch)
    box.client.post("/midi/learn", json={"slot": "effect", "knob": "tone"}, headers=box.auth)
    r = box.client.delete("/midi/learn", headers=box.auth)
    assert r.status_code == 200 and r.json() == {"cancelled": {"slot": "effect", "knob": "tone"},
                                                  "message": "MIDI learn for effect.tone cancelled"}
    assert box.client.delete("/midi/learn", headers=box.auth).json()["cancelled"] is None
    box.play(21, 40)
    assert all(b["cc"] != 21 for b in box.client.get("/midi", headers=box.auth).json()["bindings"])


def test_unbind_falls_back_to_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = _midi_box(tmp_path / "box", monkeypatch, "--midi-cc", "70=effect.tone", "--midi-cc", "71=off")
    r = box.client.delete("/midi/bindings/70", headers=box.auth)
    assert r.status_code == 200, r.text
    assert r.json() == {"cc": 70, "source": "command line", "was": {"slot": "effect", "knob": "tone"},
                        "now": {"slot": "effect", "knob": "drive"},
                        "message": "CC 70 no longer turns effect.tone (a command-line binding: dropped for this run); "
                                   "it falls back to its default: effect.drive"}
    r = box.client.delete("/midi/bindings/71", headers=box.auth)
    assert r.json()["was"] is None and r.json()["now"] == {"slot": "effect", "knob": "tone"}
    assert r.json()["message"].startswith("CC 71 is no longer off")
    r = box.client.delete("/midi/bindings/71", headers=box.auth)             # only its default now
    assert r.status_code == 404
    assert r.json()["message"] == ("CC 71 has no learned or command-line binding; it turns effect.tone by default; "
                                   "nothing was changed")
    assert "--midi-cc 71=off" in r.json()["hint"]
    r = box.client.delete("/midi/bindings/64", headers=box.auth)             # the pedal: no knob, no =off to offer
    assert r.status_code == 404 and "=off" not in r.json()["hint"]          # (`--midi-cc 64=off` is refused)
    assert box.client.delete("/midi/bindings/200", headers=box.auth).status_code == 422
    assert box.client.delete("/midi/bindings/x", headers=box.auth).status_code == 400

    box.client.post("/midi/learn", json={"slot": "effect", "knob": "tone"}, headers=box.auth)
    box.play(75, 40)                                                     # CC 75: the effect's knob 6 by default
    r = box.client.delete("/midi/bindings/75", headers=box.auth)
    assert r.json()["source"] == "learned" and r.json()["now"] is None
    assert r.json()["message"] == ("CC 75 no longer turns effect.tone (a learned binding: the box no longer keeps "
                                   "it); it falls back to its default, the effect pack's knob 6, which the loaded "
                                   "effect pack lacks: it turns nothing now")
    assert json.loads((tmp_path / "box" / BINDINGS_FILE).read_text())["learned"] == {}


def test_routes_work_on_the_map_with_midi_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = _midi_box(tmp_path / "box", monkeypatch, "--no-midi")
    state = box.client.get("/midi", headers=box.auth).json()
    assert state["midi"] == "off" and state["port"] is None and "--no-midi" in state["note"]
    assert [b["cc"] for b in state["bindings"]] == [70, 71]
    r = box.client.post("/midi/learn", json={"slot": "effect", "knob": "drive"}, headers=box.auth)
    assert r.status_code == 202 and r.json()["midi"] == "off"
    assert "--no-midi" in r.json()["message"] and "once MIDI runs" in r.json()["message"]
    box.play(22, 64)                                                     # bindings apply when MIDI comes
    assert _binding(22, "drive", "learned") in box.client.get("/midi", headers=box.auth).json()["bindings"]


def test_the_api_follows_packs_loaded_and_unloaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = _midi_box(tmp_path / "box", monkeypatch, drive=False)
    assert box.client.get("/midi", headers=box.auth).json()["bindings"] == []
    pack = gain_pack(tmp_path / "gain.hatpack")
    r = box.client.post("/packs", params={"activate": True}, content=pack.read_bytes(), headers=box.auth)
    assert r.status_code == 201, r.text
    assert box.client.get("/midi", headers=box.auth).json()["bindings"] == [_binding(70, "gain", "default")]
    assert box.client.post("/midi/learn", json={"slot": "effect", "knob": "gain"}, headers=box.auth).status_code == 202
    assert box.client.post("/slots/effect/deactivate", headers=box.auth).status_code == 200
    state = box.client.get("/midi", headers=box.auth).json()             # the pack's knobs are forgotten
    assert state["bindings"] == [] and box.play(70, 64) == []
    r = box.client.post("/midi/learn", json={"slot": "effect", "knob": "gain"}, headers=box.auth)
    assert r.status_code == 404 and r.json()["message"].startswith("no effect pack is loaded")


def test_an_api_without_the_boxs_midi(tmp_path: Path) -> None:
    box = make_box(tmp_path)                                             # python -m device.api --sim: no map
    state = box.client.get("/midi", headers=box.auth).json()
    assert state["midi"] == "off" and state["bindings"] == [] and "without the box's MIDI" in state["note"]
    r = box.client.post("/midi/learn", json={"slot": "effect", "knob": "drive"}, headers=box.auth)
    assert r.status_code == 409 and r.json()["error"] == "no MIDI"
    assert box.client.delete("/midi/bindings/74", headers=box.auth).status_code == 409


# ------------------------------------------------------------------------------ hatbox box-midi
@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The MIDI box served on a loopback port, the laptop paired with it."""
    from device.api.server import start_in_thread
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))
    for var in ("HATBOX_URL", "HATBOX_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    box = _midi_box(tmp_path / "box", monkeypatch, "--midi-cc", "74=effect.tone")
    running = start_in_thread(box.app)
    code = box.app.state.box.pairing.current()                           # a fresh one: the test client used one
    assert main(["pair", running.url, "--code", code, "--name", "laptop"]) == 0
    yield box
    running.stop()


def _when_armed(box: MidiBox, number: int) -> threading.Thread:
    """Move control ``number`` once the box's MIDI learn is armed (as a musician would)."""
    def move() -> None:
        end = time.monotonic() + 10
        while box.control.midi.map.learning is None and time.monotonic() < end:
            time.sleep(0.01)
        box.play(number, 64)
    thread = threading.Thread(target=move, daemon=True)
    thread.start()
    return thread


def test_box_midi_lists_learns_and_unbinds(served: MidiBox, capsys) -> None:
    capsys.readouterr()
    assert main(["box-midi"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "MIDI on: port 'hatbox' (no controller plugged in; a DAW connects with aconnect)"
    assert "  CC  70 -> effect.drive  (default)" in out and "  CC  74 -> effect.tone  (command line)" in out

    thread = _when_armed(served, 23)
    assert main(["box-midi", "--learn", "effect.drive", "--wait", "10"]) == 0
    thread.join(5)
    out = capsys.readouterr().out
    assert "MIDI learn armed for effect.drive" in out and "CC 23 now turns effect.drive (learned" in out
    assert main(["box-midi"]) == 0 and "  CC  23 -> effect.drive  (learned)" in capsys.readouterr().out

    assert main(["box-midi", "--unbind", "23"]) == 0
    assert capsys.readouterr().out.startswith("CC 23 no longer turns effect.drive (a learned binding")
    assert main(["box-midi", "--unbind", "23"]) == 2
    assert "the box says: CC 23 has no learned or command-line binding" in capsys.readouterr().err


def test_box_midi_learn_says_when_nothing_arrived(served: MidiBox, capsys) -> None:
    assert main(["box-midi", "--learn", "effect.tone", "--wait", "0.3"]) == 2
    err = capsys.readouterr().err
    assert "no MIDI control change reached the box in 0.3 s: nothing was bound to effect.tone (learn disarmed)" in err
    assert served.control.midi.map.learning is None                     # a later stray CC binds nothing
    assert main(["box-midi", "--learn", "effect.nope"]) != 0
    assert "the effect pack has no knob 'nope' (its knobs: drive, tone)" in capsys.readouterr().err
    assert main(["box-midi", "--learn", "drive"]) != 0
    assert "--learn 'drive' is not SLOT.KNOB" in capsys.readouterr().err


def test_box_midi_learn_arms_when_the_boxs_midi_is_off(served: MidiBox, capsys) -> None:
    """p43 upgrade QA: it refused ("nothing was armed") while POST /midi/learn arms it; now it arms it as the box
    does and says MIDI is off, once (the note's own prefix dropped)."""
    served.control.midi.closed("MIDI is off: the box was started with --no-midi")
    assert main(["box-midi", "--learn", "effect.tone"]) == 0
    out = capsys.readouterr().out
    assert "(it is off now: the box was started with --no-midi; " in out and "without --no-midi" in out
    assert out.count("MIDI is off") == 1
    assert served.control.midi.map.learning == ("effect", "tone")


def test_box_midi_unbind_and_cancel_work_with_the_boxs_midi_off(served: MidiBox, capsys) -> None:
    """Their routes work with MIDI off (a binding is kept for when MIDI runs again); before, the laptop refused them
    even while `hatbox box-midi` listed a learn armed through the API."""
    served.control.midi.closed("MIDI is off: it did not start (no MIDI sequencer on this machine)")
    capsys.readouterr()
    assert main(["box-midi", "--unbind", "74"]) == 0
    assert "CC 74 no longer turns effect.tone" in capsys.readouterr().out
    assert main(["box-midi", "--cancel"]) == 0
    assert capsys.readouterr().out.strip()
    assert main(["box-midi", "--learn", "effect.tone"]) == 0              # armed; no CC waited for (p43)
    out = capsys.readouterr().out
    assert "(it is off now: it did not start (no MIDI sequencer on this machine); " in out
    assert "sudo modprobe snd-seq" in out and "without --no-midi" not in out

def test_learn_finds_the_knob_ignoring_case_and_binds_its_own_spelling(tmp_path: Path, monkeypatch) -> None:
    """p33: {"knob": "DRIVE"} was a 404 here, while OSC and the manifest check find knobs ignoring case."""
    box = _midi_box(tmp_path / "store", monkeypatch)
    r = box.client.post("/midi/learn", json={"slot": "effect", "knob": "DRIVE"}, headers=box.auth)
    assert r.status_code == 202, r.text
    assert r.json()["learning"] == {"slot": "effect", "knob": "drive"}
    assert "armed for effect.drive" in r.json()["message"]
    r = box.client.post("/midi/learn", json={"slot": "effect", "knob": "nope"}, headers=box.auth)
    assert r.status_code == 404 and "has no knob 'nope' (its knobs: drive, tone)" in r.json()["message"]
