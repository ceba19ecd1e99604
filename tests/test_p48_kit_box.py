"""p48 G2 on the box: POST /kit/from-library (and the panel's "from library") fill a drum word's family of General
MIDI notes from a tagged library, toms low to high by the pitch heard in their files; `hatbox box-kit --from` says
which drum notes 35-59 play nothing (--json: ``empty_drum_notes``); `hatbox box-midi --program N PACK` with no
--program-channel says that a drum module's kit change on channel 10 switches the pack too.  Before, each tag got one
note (the QA's e-drum kit: open hat, pedal hat, five toms, the ride all silent, the crash pad a ride bell)."""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest
import soundfile as sf

from device.api.box_kit import BoxKit
from device.api.libraries import default_tagger
from hatbox.cli import main
from tests.api.conftest import make_box, start_remote_box, zip_bytes
from tests.api.packs import gain_pack, tagger_pack

RATE = 48000
TOMS = {"toms/a.wav": 160.0, "toms/b.wav": 80.0, "toms/c.wav": 200.0, "toms/d.wav": 120.0}   # listed in this order


def hit_bytes(hz: float) -> bytes:
    """A 0.3-s WAV: a decaying sine at ``hz`` (a tom of that pitch)."""
    t = np.arange(int(0.3 * RATE)) / RATE
    buf = io.BytesIO()
    sf.write(buf, (0.5 * np.sin(2 * np.pi * hz * t) * np.exp(-t * 10)).astype(np.float32), RATE, format="WAV")
    return buf.getvalue()


LIBRARY = {**{path: ("tom", hz) for path, hz in TOMS.items()},
           "cymbals/0.wav": ("cymbal", 3000.0), "cymbals/Crash.wav": ("cymbal", 3100.0),
           "cymbals/Ride.wav": ("cymbal", 3200.0), "cymbals/Ride_bell.wav": ("cymbal", 3300.0),
           "hats/hat 1.wav": ("hihat", 5000.0), "hats/HH_pedal.wav": ("hihat", 5100.0),
           "hats/Open.wav": ("hihat", 5200.0), "kick/k.wav": ("kick", 60.0), "snare/s.wav": ("snare", 200.0)}


def test_a_kit_from_a_library_fills_the_drum_families_and_says_what_it_left(tmp_path: Path) -> None:
    box = make_box(tmp_path, tagger=default_tagger)
    assert box.push(tagger_pack(tmp_path / "t.hatpack")).status_code == 201
    lid = box.client.post("/libraries", content=zip_bytes({p: hit_bytes(hz) for p, (_t, hz) in LIBRARY.items()}),
                          headers=box.auth).json()["id"]
    assert box.tagged(lid, 10)["state"] == "done"
    for path, (tag, _hz) in LIBRARY.items():                  # the producer's tags (the test tagger knows two words)
        r = box.client.put(f"/libraries/{lid}/files/tags", json={"path": path, "tags": [tag]}, headers=box.auth)
        assert r.status_code == 200, r.text
    r = box.client.post("/kit/from-library", json={"library": lid}, headers=box.auth)
    assert r.status_code == 200, r.text
    notes = {n["note"]: n["file"] for n in r.json()["notes"]}
    assert [notes[n] for n in (41, 43, 45, 48)] == ["toms/b.wav", "toms/d.wav", "toms/a.wav", "toms/c.wav"]  # by Hz
    assert notes[49] == "cymbals/Crash.wav" and notes[51] == "cymbals/Ride.wav"     # the crash pad plays a crash
    assert notes[53] == "cymbals/Ride_bell.wav" and notes[57] == "cymbals/0.wav"
    assert (notes[42], notes[44], notes[46]) == ("hats/hat 1.wav", "hats/HH_pedal.wav", "hats/Open.wav")
    assert notes[36] == "kick/k.wav" and notes[38] == "snare/s.wav"
    assert len(set(notes.values())) == len(notes) == len(LIBRARY)                     # no file on two notes
    said = BoxKit(box.app.state.box).from_library()
    assert said.startswith("kit made of ") and said.endswith(": 13 notes; 12 of the drum notes 35-59 empty")


@pytest.fixture
def paired(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    running, codes, _control, _app = start_remote_box(tmp_path, monkeypatch)
    try:
        assert main(["pair", running.url, "--code", codes[-1], "--name", "laptop"]) == 0
        yield
    finally:
        running.stop()


def test_box_kit_from_says_the_empty_drum_notes_and_json_has_them(tmp_path: Path, paired: None,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "drums"
    for rel, hz in (("kick/k.wav", 60.0), ("hats/closed.wav", 5000.0), ("hats/Open.wav", 5100.0)):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(hit_bytes(hz))
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate"]) == 0
    assert main(["push-library", str(folder), "--wait", "--quiet"]) == 0
    for rel, tag in (("kick/k.wav", "kick"), ("hats/closed.wav", "hihat"), ("hats/Open.wav", "hihat")):
        assert main(["box-library", "drums", "--fix", rel, tag]) == 0
    capsys.readouterr()
    assert main(["box-kit", "--from", "drums"]) == 0
    out = capsys.readouterr().out
    assert "F#2 ( 42)  hats/closed.wav  (tag hihat" in out and "A#2 ( 46)  hats/Open.wav  (tag hihat" in out
    empty = next(line for line in out.splitlines() if "empty: " in line)
    assert empty.split("empty: ")[1].startswith("35 kick 2, 37 side stick, 38 snare, 39 clap, 40 snare 2 (rim), "
                                                "41 low floor tom, 43 high floor tom, 44 pedal hi-hat, 45 low tom")
    assert " 42 " not in empty and " 46 " not in empty and "59 ride 2" in empty and "--map NOTE FILE" in out
    assert main(["box-kit", "--from", "drums", "--json", "--yes"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert sorted(n["note"] for n in answer["notes"]) == [36, 42, 46] and "silenced" in answer     # the box's keys
    assert answer["empty_drum_notes"][:2] == [{"note": 35, "name": "B1", "drum": "kick 2"},
                                              {"note": 37, "name": "C#2", "drum": "side stick"}]
    assert len(answer["empty_drum_notes"]) == 22
    assert main(["box-kit", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["empty_drum_notes"]) == 22


def test_box_midi_program_on_every_channel_says_a_drum_modules_kit_change_switches_it(
        tmp_path: Path, paired: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["push", str(gain_pack(tmp_path / "g.hatpack", "pedal"))]) == 0
    capsys.readouterr()
    assert main(["box-midi", "--program", "3", "pedal"]) == 0
    out = capsys.readouterr().out
    assert "listens on every MIDI channel" in out and "channel 10" in out
    assert "hatbox box-midi --program 3 pedal --program-channel N" in out
    assert main(["box-midi", "--program", "4", "pedal", "--program-channel", "2"]) == 0
    assert "every MIDI channel" not in capsys.readouterr().out
    assert main(["box-midi", "--program", "3", "none"]) == 0
    assert "every MIDI channel" not in capsys.readouterr().out
